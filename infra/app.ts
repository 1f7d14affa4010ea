import { App } from 'aws-cdk-lib';
import { MailroomStack } from './mailroom-stack.ts';

/** The CDK app (`cdk.json` runs it): `npm run synth`, `npx cdk deploy`. */
const app = new App();
new MailroomStack(app, 'Mailroom', {
  sandboxDomain: app.node.tryGetContext('sandboxDomain'),
  smtpCertificateSecretArn: app.node.tryGetContext('smtpCertificateSecretArn'),
  smtpHostname: app.node.tryGetContext('smtpHostname'),
  sesTenants: app.node.tryGetContext('sesTenants') === 'on',
  description: 'Mailroom: self-hosted email platform on Amazon SES v2',
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
app.synth();
