import { App, NestedStack, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { queues } from '#shared/resources.ts';
import { routes } from '../../functions/routes.ts';
import { type DeploymentSettings, parseDeploymentConfig } from '../../infra/config.ts';
import { flattenedResources, flattenedTemplate, synthesizeMailroom, templatesOf } from './synthesized.ts';

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation properties are free-form JSON, read by path in assertions.
type Resource = { Type: string; Properties: Record<string, any> };

const smtpOn: DeploymentSettings = {
  smtp: 'on',
  smtpCertificateSecretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:mailroom-smtp-AbCdEf',
  smtpHostname: 'smtp.example.com',
};

/** The stacks a team can deploy: the defaults, a dev stage, and everything switched on. */
const variants: Record<string, DeploymentSettings> = {
  defaults: {},
  dev: { stage: 'dev' },
  everything: {
    ...smtpOn,
    sesTenants: 'on',
    sandboxDomain: 'sandbox.example.com',
    alarmEmail: 'ops@example.com',
    logRetentionDays: 90,
  },
};

/** The stack with its nested route stacks, read as one template. */
function synth(settings: DeploymentSettings) {
  const { stack, synthesized } = synthesizeMailroom({
    settings,
    env: { account: '123456789012', region: 'us-east-1' },
  });
  return {
    stack,
    synthesized,
    template: flattenedTemplate(synthesized),
    resources: flattenedResources(synthesized) as Record<string, Resource>,
  };
}

const findingsOf = (stack: Stack) =>
  new AwsSolutionsChecks()
    .validateScope(stack)
    .violations.flatMap((violation) =>
      violation.violatingResources.map((resource) => `${violation.ruleName} at ${resource.constructPath}`),
    );

const ofType = (resources: Record<string, Resource>, type: string) =>
  Object.values(resources).filter((resource) => resource.Type === type);

describe.each(Object.entries(variants))('the %s stack', (_name, settings) => {
  const { stack, synthesized, template, resources } = synth(settings);

  it('has no unacknowledged cdk-nag AwsSolutions finding, in the parent stack or a nested one', () => {
    expect(templatesOf(synthesized).length).toBeGreaterThan(1);
    expect(findingsOf(stack)).toEqual([]);
  });

  it('grants `*` only where the service allows nothing narrower', () => {
    // These actions have no resource type in IAM: `*` is the only resource they take.
    const starOnly = new Set([
      'xray:PutTraceSegments', // every function's tracing
      'xray:PutTelemetryRecords',
      'ses:GetAccount', // the sender's pacing to MaxSendRate
      'ecr:GetAuthorizationToken', // the SMTP relay's image pull
    ]);
    const documents = [
      ...ofType(resources, 'AWS::IAM::Policy').map((policy) => policy.Properties.PolicyDocument),
      ...ofType(resources, 'AWS::IAM::ManagedPolicy').map((policy) => policy.Properties.PolicyDocument),
      ...ofType(resources, 'AWS::IAM::Role').flatMap((role) =>
        (role.Properties.Policies ?? []).map((policy: { PolicyDocument: unknown }) => policy.PolicyDocument),
      ),
    ];
    expect(documents.length).toBeGreaterThan(routes.length);
    for (const document of documents) {
      for (const statement of document.Statement) {
        if (statement.Effect !== 'Allow') continue;
        const actions = [statement.Action].flat() as string[];
        for (const action of actions) expect(action, 'no wildcard action').not.toContain('*');
        const resourceList = [statement.Resource].flat();
        if (resourceList.includes('*'))
          for (const action of actions) expect(starOnly, action).toContain(action);
      }
    }
    // No managed policy (AWSLambdaBasicExecutionRole allows every log group): each role says what it may do.
    for (const role of ofType(resources, 'AWS::IAM::Role'))
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });

  it('encrypts every queue and topic and keeps the topics to TLS', () => {
    for (const queue of ofType(resources, 'AWS::SQS::Queue'))
      expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
    const topics = ofType(resources, 'AWS::SNS::Topic');
    expect(topics).toHaveLength(2);
    for (const topic of topics) expect(topic.Properties.KmsMasterKeyId).toBeDefined();
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    expect(ofType(resources, 'AWS::SNS::TopicPolicy')).toHaveLength(2);
  });

  it('alarms on every dead-letter queue, every function, the API and SES reputation, to one topic', () => {
    // The SMTP relay's scaling alarms act on its scaling policies; the rest page a human.
    const alarms = ofType(resources, 'AWS::CloudWatch::Alarm').filter(
      (alarm) =>
        resources[alarm.Properties.AlarmActions[0].Ref]?.Type !==
        'AWS::ApplicationAutoScaling::ScalingPolicy',
    );
    const topicId = Object.entries(resources).find(
      ([, resource]) =>
        resource.Type === 'AWS::SNS::Topic' && resource.Properties.DisplayName === 'Mailroom alarms',
    )?.[0];
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
      expect(alarm.Properties.OKActions).toEqual([{ Ref: topicId }]);
    }
    // Each dead-letter queue (a queue no redrive policy points away from) has a depth > 0 alarm.
    const deadLetterIds = Object.values(resources).flatMap(
      (resource) => resource.Properties?.RedrivePolicy?.deadLetterTargetArn['Fn::GetAtt'][0] ?? [],
    );
    expect(deadLetterIds).toHaveLength(Object.keys(queues).length);
    for (const id of deadLetterIds) {
      const depth = alarms.filter(
        (alarm) =>
          alarm.Properties.MetricName === 'ApproximateNumberOfMessagesVisible' &&
          alarm.Properties.Dimensions[0].Value['Fn::GetAtt'][0] === id,
      );
      expect(depth, id).toHaveLength(1);
      expect(depth[0]?.Properties).toMatchObject({
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    }
    // Errors and throttles of every function, summed by metric math.
    const functionIds = Object.entries(resources)
      .filter(([, resource]) => resource.Type === 'AWS::Lambda::Function')
      .map(([id]) => id);
    for (const metricName of ['Errors', 'Throttles']) {
      const watched = alarms
        .flatMap((alarm) => alarm.Properties.Metrics ?? [])
        .filter((metric) => metric.MetricStat?.Metric.MetricName === metricName)
        .map((metric) => metric.MetricStat.Metric.Dimensions[0].Value.Ref);
      expect(watched.sort(), metricName).toEqual([...functionIds].sort());
    }
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: '5xx',
      Namespace: 'AWS/ApiGateway',
      Statistic: 'Sum',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Latency',
      Namespace: 'AWS/ApiGateway',
      ExtendedStatistic: 'p99',
    });
    for (const metricName of ['Reputation.BounceRate', 'Reputation.ComplaintRate']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: metricName,
        Namespace: 'AWS/SES',
      });
    }
  });

  it('keeps every log group for the configured retention and logs API access', () => {
    const days = parseDeploymentConfig((name) => settings[name as keyof DeploymentSettings]).logRetentionDays;
    const groups = ofType(resources, 'AWS::Logs::LogGroup');
    // Every function logs to a group with retention: the routes' shared one, or a worker's own.
    const groupIds = new Set(
      Object.entries(resources)
        .filter(([, resource]) => resource.Type === 'AWS::Logs::LogGroup')
        .map(([id]) => id),
    );
    for (const fn of ofType(resources, 'AWS::Lambda::Function'))
      expect(groupIds.has(fn.Properties.LoggingConfig.LogGroup.Ref)).toBe(true);
    for (const group of groups) expect(group.Properties.RetentionInDays).toBe(days);
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.anyValue() },
    });
  });

  it('outputs the API URL and the command that creates the first key', () => {
    const outputs = template.toJSON().Outputs;
    expect(outputs.ApiUrl).toBeDefined();
    expect(JSON.stringify(outputs.FirstKeyCommand.Value)).toContain('npx mailroom init');
  });
});

describe('stages', () => {
  it('protects the table of the production stage (the default) from deletion, and keeps it', () => {
    const { template } = synth({});
    template.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        Replicas: [
          Match.objectLike({
            DeletionProtectionEnabled: true,
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          }),
        ],
      }),
    });
  });

  it('lets a dev stage be torn down, still with point-in-time recovery', () => {
    const { template } = synth({ stage: 'dev' });
    template.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({
        Replicas: [
          Match.objectLike({
            DeletionProtectionEnabled: false,
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          }),
        ],
      }),
    });
  });
});

describe('settings', () => {
  it('subscribes the alarm e-mail, alarms on SMTP health and outputs the SMTP host when set', () => {
    const { template, resources } = synth(variants.everything as DeploymentSettings);
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
    const health = ofType(resources, 'AWS::CloudWatch::Alarm').filter(
      (alarm) => alarm.Properties.MetricName === 'HealthyHostCount',
    );
    expect(health).toHaveLength(2);
    for (const alarm of health) expect(alarm.Properties.ComparisonOperator).toBe('LessThanThreshold');
    expect(template.toJSON().Outputs.SmtpHost.Value).toBe('smtp.example.com');
    template.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'REJECT' });
  });

  it('turns the SMTP relay on with a certificate alone, announcing the load balancer, unless smtp=off', () => {
    const certificate = { smtpCertificateSecretArn: smtpOn.smtpCertificateSecretArn };
    const { template } = synth(certificate);
    template.resourceCountIs('AWS::ECS::Service', 1);
    expect(template.toJSON().Outputs.SmtpHost.Value).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/^SmtpLoadBalancer/), 'DNSName'],
    });
    synth({ ...certificate, smtp: 'off' }).template.resourceCountIs('AWS::ECS::Service', 0);
  });

  it('gives the default account and key limits, the retention and the sandbox domain to every path that accepts mail', () => {
    const { resources } = synth({
      sandboxDomain: 'sandbox.example.com',
      monthlyQuota: 2500,
      sendsPerSecond: 7,
      emailRetentionDays: 30,
      keySendsPerMinute: 600,
    });
    const send = ofType(resources, 'AWS::Lambda::Function').find(
      (fn) => fn.Properties.Description === 'POST /api/v1/emails',
    );
    expect(send?.Properties.Environment.Variables).toMatchObject({
      DEFAULT_MONTHLY_QUOTA: '2500',
      DEFAULT_SENDS_PER_SECOND: '7',
      EMAIL_RETENTION_DAYS: '30',
      KEY_SENDS_PER_MINUTE: '600',
      KEY_BATCHES_PER_MINUTE: '10',
      SANDBOX_DOMAIN: 'sandbox.example.com',
    });
  });

  it('tells every function that reads the table how long to trust its copies, when cacheSeconds is set', () => {
    const tableReaders = (resources: ReturnType<typeof synth>['resources']) =>
      ofType(resources, 'AWS::Lambda::Function').filter(
        (fn) => fn.Properties.Environment?.Variables?.TABLE_NAME !== undefined,
      );
    const shortened = tableReaders(synth({ cacheSeconds: 2 }).resources);
    expect(shortened.length).toBeGreaterThan(10);
    for (const fn of shortened) expect(fn.Properties.Environment.Variables.CACHE_SECONDS).toBe('2');
    // The default (5 s) is what functions assume without the variable.
    for (const fn of tableReaders(synth({}).resources))
      expect(fn.Properties.Environment.Variables.CACHE_SECONDS).toBeUndefined();
    expect(() => parseDeploymentConfig((name) => (name === 'cacheSeconds' ? '0' : undefined))).toThrow(
      /cacheSeconds/,
    );
  });

  it('traces and logs as set: X-Ray active and INFO logs when asked', () => {
    const { resources } = synth({ tracing: 'on', logLevel: 'INFO' });
    for (const fn of ofType(resources, 'AWS::Lambda::Function')) {
      expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
      expect(fn.Properties.LoggingConfig).toMatchObject({
        ApplicationLogLevel: 'INFO',
        SystemLogLevel: 'WARN',
      });
      expect(fn.Properties.Environment.Variables.POWERTOOLS_LOG_LEVEL).toBe('INFO');
    }
  });

  it('rejects bad settings at synth, naming each one', () => {
    const parse = (settings: Record<string, unknown>) => () =>
      parseDeploymentConfig((name) => settings[name]);
    expect(parse({ smtp: 'on' })).toThrow(/smtpCertificateSecretArn: is required when smtp=on/);
    expect(parse({ logRetentionDays: '31' })).toThrow(/logRetentionDays/);
    expect(parse({ alarmEmail: 'not an address' })).toThrow(/alarmEmail/);
    expect(parse({ region: 'mars' })).toThrow(/region: must be an AWS region/);
    expect(parse({ stage: 'Prod!' })).toThrow(/stage/);
    expect(parse({ monthlyQuota: '-1' })).toThrow(/monthlyQuota/);
    expect(parse({ sesTenants: 'maybe' })).toThrow(/sesTenants/);
  });

  it('has safe defaults: production stage, no SMTP relay, no sandbox domain, 30 days of logs', () => {
    const config = parseDeploymentConfig(() => undefined);
    expect(config).toMatchObject({ stage: 'prod', smtp: false, logRetentionDays: 30, sesTenants: false });
    expect(config.sandboxDomain).toBeUndefined();
    expect(config.alarmEmail).toBeUndefined();
  });
});

describe('the cdk-nag check itself', () => {
  it('reports a finding when there is one, so an empty list means something', () => {
    const app = new App();
    const stack = new Stack(app, 'Unsafe');
    new Queue(stack, 'Plain', { enforceSSL: false });
    expect(findingsOf(stack).join('\n')).toMatch(/AwsSolutions-SQS3/);
  });

  it('reports a finding of a nested stack when it checks the parent', () => {
    const app = new App();
    const stack = new Stack(app, 'Parent');
    new Queue(new NestedStack(stack, 'Child'), 'Plain', { enforceSSL: false });
    expect(findingsOf(stack).join('\n')).toMatch(/AwsSolutions-SQS3 at Parent\/Child\/Plain/);
  });
});
