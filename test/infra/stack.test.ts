import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  assetStore,
  configurationSet,
  payloadBucket,
  queues,
  sesEventsTopic,
  signingSecret,
} from '#shared/resources.ts';
import { routes } from '../../functions/routes.ts';
import { flattenedResources, flattenedTemplate, synthesizeMailroom } from './synthesized.ts';

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation properties are free-form JSON, read by path in assertions.
type Resource = { Type: string; Properties: Record<string, any>; DependsOn?: string[] };

let template: Template;
let resources: Record<string, Resource>;

beforeAll(() => {
  // The parent stack and its nested route stacks read as one template (a minute on a busy machine).
  const { synthesized } = synthesizeMailroom();
  template = flattenedTemplate(synthesized);
  resources = flattenedResources(synthesized) as Record<string, Resource>;
}, 300_000);

const ofType = (type: string) => Object.entries(resources).filter(([, resource]) => resource.Type === type);

// biome-ignore lint/suspicious/noExplicitAny: IAM statements are free-form JSON, read by path in assertions.
type Statement = Record<string, any>;

/** A role's statements: its inline policies' (where functions keep their grants) and any attached policy's. */
function statementsOfRole(roleId: string, from: Record<string, Resource> = resources): Statement[] {
  const inline = (from[roleId]?.Properties.Policies ?? []).flatMap(
    (policy: { PolicyDocument: { Statement: Statement[] } }) => policy.PolicyDocument.Statement,
  );
  const attached = Object.values(from)
    .filter((resource) => resource.Type === 'AWS::IAM::Policy')
    .filter((policy) => policy.Properties.Roles.some((role: { Ref: string }) => role.Ref === roleId))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
  return [...inline, ...attached];
}

/** Every statement of every role and policy of a template. */
const allStatements = (from: Record<string, Resource> = resources): Statement[] =>
  Object.entries(from)
    .filter(([, resource]) => resource.Type === 'AWS::IAM::Role')
    .flatMap(([roleId]) => statementsOfRole(roleId, from));

function functionByDescription(description: string): [string, Resource] {
  const found = ofType('AWS::Lambda::Function').filter(([, fn]) => fn.Properties.Description === description);
  expect(found, description).toHaveLength(1);
  return found[0] as [string, Resource];
}

describe('API', () => {
  it('lets the API invoke each route function for its own route alone, with no role that lists them', () => {
    // A permission per route function (API Gateway's), one per schedule (EventBridge's), nothing else.
    const permissions = ofType('AWS::Lambda::Permission');
    const byApi = permissions.filter(
      ([, permission]) => permission.Properties.Principal === 'apigateway.amazonaws.com',
    );
    expect(new Set(permissions.map(([, permission]) => permission.Properties.Principal))).toEqual(
      new Set(['apigateway.amazonaws.com', 'events.amazonaws.com']),
    );
    expect(byApi).toHaveLength(routes.length);
    const apiId = ofType('AWS::ApiGatewayV2::Api')[0]?.[0];
    for (const route of routes) {
      const [functionId] = functionByDescription(`${route.method} ${route.path}`);
      const own = byApi.filter(
        ([, permission]) => permission.Properties.FunctionName['Fn::GetAtt'][0] === functionId,
      );
      expect(own, `${route.method} ${route.path}`).toHaveLength(1);
      const permission = own[0]?.[1] as Resource;
      expect(permission.Properties.Action).toBe('lambda:InvokeFunction');
      // arn:…:execute-api:<region>:<account>:<api>/<any stage>/<method>/<path>
      const sourceArn = JSON.stringify(permission.Properties.SourceArn);
      expect(sourceArn).toContain(JSON.stringify({ Ref: apiId }));
      expect(sourceArn).toContain(`/*/${route.method === 'ANY' ? '*' : route.method}${route.path}"`);
    }
    // API Gateway uses no role, and no role may invoke a function.
    for (const [, integration] of ofType('AWS::ApiGatewayV2::Integration'))
      expect(integration.Properties.CredentialsArn).toBeUndefined();
    for (const statement of allStatements())
      expect([statement.Action].flat(), JSON.stringify(statement.Resource)).not.toContain(
        'lambda:InvokeFunction',
      );
  });

  it('has exactly one Lambda and one route per row of the route table', () => {
    expect(ofType('AWS::ApiGatewayV2::Route')).toHaveLength(routes.length);
    for (const route of routes) {
      const routeKey = `${route.method} ${route.path}`;
      const [functionId] = functionByDescription(routeKey);
      const apiRoutes = ofType('AWS::ApiGatewayV2::Route').filter(
        ([, r]) => r.Properties.RouteKey === routeKey,
      );
      expect(apiRoutes, routeKey).toHaveLength(1);
      const target: string = apiRoutes[0]?.[1].Properties.Target['Fn::Join'][1][1].Ref;
      const integration = resources[target] as Resource;
      expect(integration.Properties).toMatchObject({
        IntegrationType: 'AWS_PROXY',
        PayloadFormatVersion: '2.0',
        IntegrationUri: { 'Fn::GetAtt': [functionId, 'Arn'] },
      });
    }
  });

  it('runs every function on Node.js 24, arm64, with JSON logs at WARN in a log group of its own, untraced by default', () => {
    // CDK's own bucket-deployment function (Python, deploy time only) copies the console's bundle.
    const mailroomFunctions = ofType('AWS::Lambda::Function').filter(
      ([id]) => !id.startsWith('CustomCDKBucketDeployment'),
    );
    expect(mailroomFunctions.length).toBe(ofType('AWS::Lambda::Function').length - 1);
    for (const [, fn] of mailroomFunctions) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'PassThrough' },
        LoggingConfig: {
          LogGroup: expect.anything(),
          LogFormat: 'JSON',
          ApplicationLogLevel: 'WARN',
          SystemLogLevel: 'WARN',
        },
      });
      expect(fn.Properties.Environment.Variables.POWERTOOLS_LOG_LEVEL).toBe('WARN');
      // Its role holds its grants inline: the `Role` reference orders the two, no `DependsOn` needed.
      expect(fn.DependsOn).toBeUndefined();
    }
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  it('gives public routes no table access and keyed routes only what their row lists', () => {
    const [, health] = functionByDescription('GET /health');
    expect(health.Properties.Environment.Variables.TABLE_NAME).toBeUndefined();
    const [, send] = functionByDescription('POST /api/v1/emails');
    expect(Object.keys(send.Properties.Environment.Variables)).toEqual(
      expect.arrayContaining(['TABLE_NAME', queues.send.envVar]),
    );
    const [, read] = functionByDescription('GET /api/v1/emails/{id}');
    expect(read.Properties.Environment.Variables[queues.send.envVar]).toBeUndefined();
  });
});

describe('queues and workers', () => {
  for (const definition of Object.values(queues)) {
    it(`wires ${definition.name} to its worker with partial batch responses and a DLQ`, () => {
      const [consumerId, consumer] = functionByDescription(`consumer of ${definition.name}`);
      expect(consumer.Properties.Timeout).toBe(definition.consumer.timeoutSeconds);
      const mappings = ofType('AWS::Lambda::EventSourceMapping').filter(
        ([, mapping]) => mapping.Properties.FunctionName.Ref === consumerId,
      );
      expect(mappings).toHaveLength(1);
      const mapping = mappings[0]?.[1] as Resource;
      expect(mapping.Properties).toMatchObject({
        BatchSize: definition.consumer.batchSize,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: definition.consumer.maxConcurrency },
      });
      const queueId: string = mapping.Properties.EventSourceArn['Fn::GetAtt'][0];
      const queue = resources[queueId] as Resource;
      expect(queue.Properties).toMatchObject({
        VisibilityTimeout: definition.visibilityTimeoutSeconds,
        SqsManagedSseEnabled: true,
        RedrivePolicy: {
          maxReceiveCount: definition.maxReceiveCount,
          deadLetterTargetArn: expect.anything(),
        },
      });
      const dlqId: string = queue.Properties.RedrivePolicy.deadLetterTargetArn['Fn::GetAtt'][0];
      expect(resources[dlqId]?.Properties).toMatchObject({ MessageRetentionPeriod: 1_209_600 });
    });
  }

  it('has a DLQ for every queue that is not itself a DLQ', () => {
    const all = ofType('AWS::SQS::Queue');
    const deadLetterIds = new Set(
      all.flatMap(([, queue]) => queue.Properties.RedrivePolicy?.deadLetterTargetArn['Fn::GetAtt'][0] ?? []),
    );
    for (const [id, queue] of all) {
      if (!deadLetterIds.has(id)) expect(queue.Properties.RedrivePolicy, id).toBeDefined();
    }
  });
});

describe('payloads and scheduled sends', () => {
  it('keeps oversized and far-scheduled payloads in a private, encrypted bucket that expires them', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LifecycleConfiguration: {
        Rules: [Match.objectLike({ ExpirationInDays: payloadBucket.expireAfterDays, Status: 'Enabled' })],
      },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    for (const route of routes.filter((candidate) => candidate.capabilities.includes('payloads:write'))) {
      const [, fn] = functionByDescription(`${route.method} ${route.path}`);
      expect(fn.Properties.Environment.Variables[payloadBucket.envVar], route.path).toBeDefined();
    }
    const [, sender] = functionByDescription(`consumer of ${queues.send.name}`);
    expect(Object.keys(sender.Properties.Environment.Variables)).toEqual(
      expect.arrayContaining([payloadBucket.envVar, queues.send.envVar, configurationSet.envVar]),
    );
  });

  it('runs the release sweep every minute, able to send to the send queue', () => {
    const [releaseId, release] = functionByDescription('every 1 minute: release scheduled emails');
    expect(release.Properties.Environment.Variables[queues.send.envVar]).toBeDefined();
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [releaseId, 'Arn'] } })],
    });
  });
});

describe('assets', () => {
  const routeRole = (key: string) => {
    const [, fn] = functionByDescription(key);
    return { fn, statements: statementsOfRole(fn.Properties.Role['Fn::GetAtt'][0]) };
  };

  it('serves assets from a private bucket through CloudFront with origin access control', () => {
    const [distributionId = '', distribution] =
      ofType('AWS::CloudFront::Distribution').find(
        ([, candidate]) => candidate.Properties.DistributionConfig.Comment === 'Mailroom assets',
      ) ?? [];
    const config = distribution?.Properties.DistributionConfig;
    expect(config.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
    expect(config.DefaultCacheBehavior.AllowedMethods).toEqual(['GET', 'HEAD']);
    expect(config.Origins).toHaveLength(1);
    expect(config.Origins[0].OriginAccessControlId).toBeDefined();
    expect(config.Origins[0].S3OriginConfig.OriginAccessIdentity).toBe('');
    expect(ofType('AWS::CloudFront::OriginAccessControl')).toHaveLength(2);
    const bucketId: string = config.Origins[0].DomainName['Fn::GetAtt'][0];
    expect(resources[bucketId]?.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    // Only this distribution may read the bucket, over TLS.
    const [, policy] =
      ofType('AWS::S3::BucketPolicy').find(([, candidate]) => candidate.Properties.Bucket.Ref === bucketId) ??
      [];
    const statements = policy?.Properties.PolicyDocument.Statement;
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
    const reads = statements.filter((statement: Statement) => statement.Effect === 'Allow');
    expect(reads).toHaveLength(1);
    expect(reads[0]).toMatchObject({
      Action: 's3:GetObject',
      Principal: { Service: 'cloudfront.amazonaws.com' },
    });
    expect(JSON.stringify(reads[0].Condition)).toContain(distributionId);
  });

  it('serves the console from a private bucket and the API under /api/* on the same distribution, with a strict CSP', () => {
    const [, distribution] =
      ofType('AWS::CloudFront::Distribution').find(
        ([, candidate]) => candidate.Properties.DistributionConfig.Comment === 'Mailroom console and API',
      ) ?? [];
    const config = distribution?.Properties.DistributionConfig;
    expect(config.DefaultRootObject).toBe('index.html');
    expect(config.DefaultCacheBehavior.AllowedMethods).toEqual(['GET', 'HEAD']);
    const s3 = config.Origins.find((origin: { S3OriginConfig?: unknown }) => origin.S3OriginConfig);
    expect(s3.OriginAccessControlId).toBeDefined();
    const api = config.Origins.find((origin: { CustomOriginConfig?: unknown }) => origin.CustomOriginConfig);
    expect(JSON.stringify(api.DomainName)).toContain('execute-api');
    expect(api.CustomOriginConfig.OriginProtocolPolicy).toBe('https-only');
    const behaviors = Object.fromEntries(
      config.CacheBehaviors.map((behavior: { PathPattern: string; TargetOriginId: string }) => [
        behavior.PathPattern,
        behavior,
      ]),
    );
    for (const path of ['/api/*', '/mcp', '/health']) {
      expect(behaviors[path]?.TargetOriginId).toBe(api.Id);
      expect(behaviors[path]?.AllowedMethods).toContain('POST');
    }
    const [, headers] =
      ofType('AWS::CloudFront::ResponseHeadersPolicy').find(([, candidate]) =>
        String(candidate.Properties.ResponseHeadersPolicyConfig.Comment).startsWith('Mailroom console'),
      ) ?? [];
    const policy =
      headers?.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig.ContentSecurityPolicy
        .ContentSecurityPolicy;
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("connect-src 'self'");
    expect(policy).not.toMatch(/https?:/);
  });

  it('answers with the headers that keep a file from sniffing or scripting', () => {
    const [, policy] = ofType('AWS::CloudFront::ResponseHeadersPolicy')[0] ?? [];
    const security = policy?.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    expect(security.ContentTypeOptions).toEqual({ Override: true });
    expect(security.ContentSecurityPolicy.ContentSecurityPolicy).toBe(
      assetStore.responseHeaders['content-security-policy'],
    );
    expect(security.ContentSecurityPolicy.ContentSecurityPolicy).toMatch(/default-src 'none'.*sandbox/);
  });

  it('lets the upload and delete routes alone write under assets/, and the reads know only the URL', () => {
    for (const key of ['POST /api/v1/assets', 'DELETE /api/v1/assets/{id}']) {
      const { fn, statements } = routeRole(key);
      expect(Object.keys(fn.Properties.Environment.Variables)).toEqual(
        expect.arrayContaining([assetStore.envVar, assetStore.urlEnvVar]),
      );
      const writes = statements.filter((statement) =>
        [statement.Action].flat().some((action: string) => action.startsWith('s3:')),
      );
      expect(writes).toHaveLength(1);
      expect(writes[0]?.Action).toEqual(['s3:PutObject', 's3:DeleteObject']);
      expect(JSON.stringify(writes[0]?.Resource)).toContain(`/${assetStore.keyPrefix}*`);
    }
    for (const key of ['GET /api/v1/assets', 'GET /api/v1/assets/{id}']) {
      const { fn, statements } = routeRole(key);
      expect(fn.Properties.Environment.Variables[assetStore.envVar]).toBeUndefined();
      expect(fn.Properties.Environment.Variables[assetStore.urlEnvVar]).toBeDefined();
      expect(
        statements.some((statement) =>
          [statement.Action].flat().some((action: string) => action.startsWith('s3:')),
        ),
      ).toBe(false);
    }
  });
});

describe('signing keys', () => {
  it('generates the keys in Secrets Manager, readable only by what signs or checks OTP codes and unsubscribe links', () => {
    const [secretId = '', secret] = ofType('AWS::SecretsManager::Secret')[0] ?? [];
    expect(secret?.Properties.GenerateSecretString).toMatchObject({
      GenerateStringKey: signingSecret.firstKeyId,
      SecretStringTemplate: JSON.stringify({ current: signingSecret.firstKeyId }),
      PasswordLength: signingSecret.keyLength,
    });
    const readers = ofType('AWS::Lambda::Function')
      .filter(([, fn]) =>
        statementsOfRole(fn.Properties.Role['Fn::GetAtt'][0]).some(
          (statement) =>
            [statement.Action].flat().includes('secretsmanager:GetSecretValue') &&
            JSON.stringify(statement.Resource).includes(secretId),
        ),
      )
      .map(([, fn]) => fn.Properties.Description)
      .sort();
    expect(readers).toEqual(
      [
        ...routes
          .filter((route) => route.capabilities.includes('secrets:signingKeys'))
          .map((route) => `${route.method} ${route.path}`),
        `consumer of ${queues.bulkSend.name}`,
      ].sort(),
    );
    expect(readers.length).toBeGreaterThan(0);
  });
});

describe('SES and its events', () => {
  it('sends every configuration-set event type but Send (the sender records it) to the topic, which feeds the events queue', () => {
    const destinations = ofType('AWS::SES::ConfigurationSetEventDestination');
    expect(destinations).toHaveLength(1);
    const [, destination] = destinations[0] as [string, Resource];
    const { EventDestination } = destination.Properties;
    expect(EventDestination.Enabled).toBe(true);
    expect(EventDestination.MatchingEventTypes).toHaveLength(configurationSet.eventTypes.length);
    expect(EventDestination.MatchingEventTypes).toEqual(
      expect.arrayContaining(['delivery', 'bounce', 'complaint', 'reject', 'open', 'click']),
    );
    expect(EventDestination.MatchingEventTypes).not.toContain('send');
    const topicId: string = EventDestination.SnsDestination.TopicARN.Ref;
    expect(resources[topicId]?.Type).toBe('AWS::SNS::Topic');

    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'sqs',
      TopicArn: { Ref: topicId },
      RawMessageDelivery: false,
    });
  });

  it('has the events worker check SNS signatures and the topic in production', () => {
    const [, consumer] = functionByDescription(`consumer of ${queues.sesEvents.name}`);
    const variables = consumer.Properties.Environment.Variables;
    expect(variables.VERIFY_SNS_SIGNATURES).toBe('true');
    expect(variables[sesEventsTopic.envVar]).toEqual({ Ref: expect.stringMatching(/SesEventsTopic/) });
  });

  it('lets only the senders send, on identities and the configuration set of this account', () => {
    const sesStatements = allStatements().filter((statement) =>
      [statement.Action].flat().some((action: string) => action.startsWith('ses:')),
    );
    const sending = sesStatements.filter((statement) => [statement.Action].flat().includes('ses:SendEmail'));
    // The transactional sender and the campaigns' bulk sender, nothing else.
    expect(sending).toHaveLength(2);
    for (const [index, queue] of [queues.send, queues.bulkSend].entries()) {
      expect(sending[index]?.Action).toEqual(['ses:SendEmail', 'ses:SendRawEmail']);
      expect(JSON.stringify(sending[index]?.Resource)).toContain(':identity/*');
      expect(JSON.stringify(sending[index]?.Resource)).toContain(':configuration-set/');
      const [senderId] = functionByDescription(`consumer of ${queue.name}`);
      const senderRole: string = resources[senderId]?.Properties.Role['Fn::GetAtt'][0];
      expect(statementsOfRole(senderRole)).toContainEqual(sending[index]);
    }
  });

  it('lets only the domain routes manage identities, and the verifier only read them', () => {
    const statementsOf = (functionId: string) => {
      const roleId: string = resources[functionId]?.Properties.Role['Fn::GetAtt'][0];
      return statementsOfRole(roleId).filter((statement) =>
        [statement.Action].flat().some((action: string) => action.startsWith('ses:')),
      );
    };
    for (const route of routes) {
      const [functionId] = functionByDescription(`${route.method} ${route.path}`);
      const ses = statementsOf(functionId);
      if (!route.capabilities.includes('ses:identities')) {
        expect(ses, route.path).toEqual([]);
        continue;
      }
      expect(ses).toHaveLength(1);
      expect(ses[0]?.Action).toEqual([
        'ses:CreateEmailIdentity',
        'ses:GetEmailIdentity',
        'ses:DeleteEmailIdentity',
        'ses:PutEmailIdentityMailFromAttributes',
        'ses:PutEmailIdentityConfigurationSetAttributes',
      ]);
      const resourceText = JSON.stringify(ses[0]?.Resource);
      expect(resourceText).toContain(':identity/*');
      expect(resourceText).toContain(':configuration-set/');
    }
    const [verifierId] = functionByDescription('every 5 minutes: re-check pending domains');
    const verifierSes = statementsOf(verifierId);
    expect(verifierSes).toHaveLength(1);
    expect(verifierSes[0]?.Action).toBe('ses:GetEmailIdentity');
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [verifierId, 'Arn'] } })],
    });
  });

  it('keeps the table with point-in-time recovery and TTL', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      Replicas: [
        Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }),
      ],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });
});

describe('the SMTP relay', () => {
  const secretArn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:mailroom-smtp-AbCdEf';
  let relay: Template;
  let relayResources: Record<string, Resource>;

  beforeAll(() => {
    const { synthesized } = synthesizeMailroom({
      id: 'WithSmtp',
      env: { account: '123456789012', region: 'us-east-1' },
      settings: { smtp: 'on', smtpCertificateSecretArn: secretArn, smtpHostname: 'smtp.example.com' },
    });
    relay = flattenedTemplate(synthesized);
    relayResources = flattenedResources(synthesized) as Record<string, Resource>;
  }, 300_000);

  it('is off unless a certificate is configured', () => {
    expect(ofType('AWS::ECS::Service')).toHaveLength(0);
    expect(ofType('AWS::ElasticLoadBalancingV2::LoadBalancer')).toHaveLength(0);
  });

  it('runs two arm64 Fargate tasks behind an NLB passing 587 and 465 through, health-checked over HTTP', () => {
    relay.hasResourceProperties('AWS::ECS::Service', { DesiredCount: 2, LaunchType: 'FARGATE' });
    relay.hasResourceProperties('AWS::ECS::TaskDefinition', {
      RuntimePlatform: { CpuArchitecture: 'ARM64', OperatingSystemFamily: 'LINUX' },
    });
    relay.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Type: 'network',
      Scheme: 'internet-facing',
    });
    for (const port of [587, 465]) {
      relay.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: port, Protocol: 'TCP' });
      relay.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
        Port: port,
        Protocol: 'TCP',
        HealthCheckProtocol: 'HTTP',
        HealthCheckPath: '/health',
        HealthCheckPort: '8080',
      });
    }
    relay.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      MinCapacity: 2,
      MaxCapacity: 10,
    });
  });

  it('has the load balancer name each client in a PROXY protocol v2 header, which the relay expects', () => {
    // Prepare: IP targets over TCP see the load balancer's addresses, never the client's.
    const groups = Object.values(relayResources).filter(
      (r) => r.Type === 'AWS::ElasticLoadBalancingV2::TargetGroup',
    );
    const task = Object.values(relayResources).find((r) => r.Type === 'AWS::ECS::TaskDefinition') as Resource;
    const environment = Object.fromEntries(
      (task.Properties.ContainerDefinitions[0].Environment as { Name: string; Value: unknown }[]).map(
        ({ Name, Value }) => [Name, Value],
      ),
    );

    // Assess: both ports' groups write the header, and the relay reads it.
    expect(groups.map((group) => group.Properties.Port).sort()).toEqual([465, 587]);
    for (const group of groups) {
      expect(group.Properties.TargetType).toBe('ip');
      expect(group.Properties.TargetGroupAttributes).toContainEqual({
        Key: 'proxy_protocol_v2.enabled',
        Value: 'true',
      });
    }
    expect(environment.SMTP_PROXY_PROTOCOL).toBe('v2');
  });

  it('lets only the load balancer reach the relay’s ports, so no client can write a header of its own', () => {
    const vpc = Object.entries(relayResources).find(([, r]) => r.Type === 'AWS::EC2::VPC')?.[0];
    const group = Object.values(relayResources).find(
      (r) =>
        r.Type === 'AWS::EC2::SecurityGroup' && r.Properties.GroupDescription === 'Mailroom SMTP relay tasks',
    ) as Resource;
    const ingress = group.Properties.SecurityGroupIngress as Record<string, unknown>[];

    for (const port of [587, 465, 8080]) {
      expect(ingress.filter((rule) => rule.FromPort === port)).toEqual([
        expect.objectContaining({ CidrIp: { 'Fn::GetAtt': [vpc, 'CidrBlock'] }, ToPort: port }),
      ]);
    }
    expect(ingress.filter((rule) => rule.CidrIp === '0.0.0.0/0' || rule.CidrIpv6 === '::/0')).toEqual([]);
  });

  it('sizes the relay’s message buffers from the task’s memory', () => {
    const task = Object.values(relayResources).find((r) => r.Type === 'AWS::ECS::TaskDefinition') as Resource;
    const environment = task.Properties.ContainerDefinitions[0].Environment as {
      Name: string;
      Value: string;
    }[];

    expect(environment).toContainEqual({
      Name: 'SMTP_TASK_MEMORY_MIB',
      Value: String(task.Properties.Memory),
    });
    expect(task.Properties.Memory).toBe('512');
  });

  it('takes its TLS certificate from Secrets Manager and tells the API where it answers', () => {
    const task = Object.values(relayResources).find((r) => r.Type === 'AWS::ECS::TaskDefinition') as Resource;
    const secrets = task.Properties.ContainerDefinitions[0].Secrets.map((s: { Name: string }) => s.Name);
    expect(secrets).toEqual(expect.arrayContaining(['SMTP_TLS_CERT', 'SMTP_TLS_KEY']));
    const smtpInfo = Object.values(relayResources).find(
      (r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Description === 'GET /api/v1/smtp',
    ) as Resource;
    expect(smtpInfo.Properties.Environment.Variables.SMTP_HOST).toBe('smtp.example.com');
  });
});

describe('SES tenants (stack setting)', () => {
  it('lets the sender and the domain routes create, fill and send as per-account tenants', () => {
    const { synthesized } = synthesizeMailroom({ id: 'WithTenants', settings: { sesTenants: 'on' } });
    const template = flattenedTemplate(synthesized);
    const functions = Object.values(template.toJSON().Resources as Record<string, Resource>).filter(
      (r) => r.Type === 'AWS::Lambda::Function',
    );
    const withTenants = functions.filter((fn) => fn.Properties.Environment?.Variables?.SES_TENANTS === 'on');
    expect(withTenants.map((fn) => fn.Properties.Description).sort()).toEqual(
      [
        'DELETE /api/v1/domains/{id}',
        'GET /api/v1/domains/{id}',
        'POST /api/v1/domains',
        'POST /api/v1/domains/{id}/verify',
        `consumer of ${queues.send.name}`,
        `consumer of ${queues.bulkSend.name}`,
      ].sort(),
    );
    expect(allStatements(template.toJSON().Resources)).toContainEqual(
      expect.objectContaining({
        Action: [
          'ses:CreateTenant',
          'ses:CreateTenantResourceAssociation',
          'ses:SendEmail',
          'ses:SendRawEmail',
        ],
      }),
    );
  });
});
