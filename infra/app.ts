import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { isProduction, parseDeploymentConfig } from './config.ts';
import { MailroomStack } from './mailroom-stack.ts';

/**
 * The CDK app (`cdk.json` runs it): `npm run synth`, `npx cdk deploy -c stage=dev …`.
 * Settings come from CDK context (see `infra/config.ts`); cdk-nag's AWS Solutions
 * checks run on every synth and fail it on an unacknowledged finding.
 */
const app = new App();
const config = (() => {
  try {
    return parseDeploymentConfig((name) => app.node.tryGetContext(name));
  } catch (error) {
    // A settings mistake is the operator's to fix: say what is wrong, without a stack trace.
    console.error((error as Error).message);
    process.exit(1);
  }
})();
new MailroomStack(app, isProduction(config) ? 'Mailroom' : `Mailroom-${config.stage}`, {
  settings: config,
  description: `Mailroom (${config.stage}): self-hosted email platform on Amazon SES v2`,
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: config.region ?? process.env.CDK_DEFAULT_REGION },
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
