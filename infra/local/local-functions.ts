import { createHash } from 'node:crypto';
import { variablesOf } from '#shared/capabilities.ts';
import type { FunctionDeployment } from './deployment.ts';
import { FunctionHost, type HostedFunction } from './function-host.ts';
import type { IamGateway } from './iam/gateway.ts';
import { localAccountId, localAws } from './local-aws.ts';

/** The credentials a function signs with: its own, so the gateway knows whose policy applies. */
export interface FunctionCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export function credentialsOf(functionId: string): FunctionCredentials {
  const digest = createHash('sha256').update(functionId).digest('hex').slice(0, 16).toUpperCase();
  return { accessKeyId: `ASIALOCAL${digest}`, secretAccessKey: 'mailroomlocal' };
}

/** The id under which a queue consumer's event source polls (with the consumer's role). */
export const eventSourceId = (functionId: string) => `${functionId}#eventSource`;

/** A Lambda-style name for a catalogue id: `route:GET /api/v1/emails` → `mailroom-route-GET-api-v1-emails`. */
function functionNameOf(id: string): string {
  return `mailroom-${id.replace(/[^A-Za-z0-9]+/g, '-').replace(/-$/, '')}`.slice(0, 64);
}

/**
 * The environment a function runs with locally: what the stack synthesized for it, with
 * local values for variables it already has or its capabilities carry (never a new
 * name), plus what the Lambda runtime itself sets (region, the function's own
 * credentials, its name) and the endpoints that lead its SDK clients to the gateway.
 */
export function localEnvironment(
  deployment: FunctionDeployment,
  gatewayUrl: string,
  localValues: Record<string, string>,
): Record<string, string> {
  const { definition } = deployment;
  const allowed = new Set([...Object.keys(deployment.environment), ...variablesOf(definition.capabilities)]);
  const local = Object.fromEntries(Object.entries(localValues).filter(([name]) => allowed.has(name)));
  const credentials = credentialsOf(definition.id);
  const functionName = functionNameOf(definition.id);
  return {
    ...deployment.environment,
    ...local,
    AWS_REGION: localAws.region,
    AWS_DEFAULT_REGION: localAws.region,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    ...(definition.kind === 'task'
      ? {}
      : {
          AWS_LAMBDA_FUNCTION_NAME: functionName,
          AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(deployment.memoryMb),
          AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
          AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
        }),
    // Metrics are log lines CloudWatch turns into metrics; locally they would only be noise.
    POWERTOOLS_METRICS_DISABLED: 'true',
    AWS_ENDPOINT_URL_DYNAMODB: gatewayUrl,
    AWS_ENDPOINT_URL_SQS: gatewayUrl,
    AWS_ENDPOINT_URL_SNS: gatewayUrl,
    AWS_ENDPOINT_URL_S3: gatewayUrl,
    AWS_ENDPOINT_URL_SESV2: gatewayUrl,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: gatewayUrl,
  };
}

/** The principal AWS would name in an AccessDenied for this function. */
function principalArn(deployment: FunctionDeployment): string {
  return `arn:aws:sts::${localAccountId}:assumed-role/${deployment.roleName}/${functionNameOf(deployment.definition.id)}`;
}

/**
 * Every Lambda function of the deployment, each in its own environment (started at its
 * first invocation) and registered at the gateway with its synthesized policy.
 */
export class LocalFunctions {
  private readonly hosts = new Map<string, FunctionHost>();

  constructor(
    deployments: Iterable<FunctionDeployment>,
    gateway: IamGateway,
    localValues: Record<string, string>,
  ) {
    for (const deployment of deployments) {
      const { definition } = deployment;
      const principal = { arn: principalArn(deployment), statements: deployment.statements };
      gateway.register(credentialsOf(definition.id).accessKeyId, { functionId: definition.id, ...principal });
      // Lambda's event source polls the queue with the consumer's role, under its own key here
      // so the benchmark can tell its polling from the function's calls.
      if (definition.kind === 'queue') {
        const eventSource = eventSourceId(definition.id);
        gateway.register(credentialsOf(eventSource).accessKeyId, { functionId: eventSource, ...principal });
      }
      if (definition.kind === 'task') continue;
      const hosted: HostedFunction = {
        id: definition.id,
        entry: definition.entry,
        functionName: functionNameOf(definition.id),
        environment: localEnvironment(deployment, gateway.endpoint, localValues),
        memoryMb: deployment.memoryMb,
        timeoutSeconds: definition.timeoutSeconds,
      };
      this.hosts.set(definition.id, new FunctionHost(hosted));
    }
  }

  /** Invokes a function by its catalogue id, as Lambda would. */
  invoke(functionId: string, event: unknown, requestId: string): Promise<unknown> {
    const host = this.hosts.get(functionId);
    if (!host) return Promise.reject(new Error(`No local function ${functionId}`));
    return host.invoke(event, requestId);
  }

  async stop() {
    await Promise.all([...this.hosts.values()].map((host) => host.stop()));
  }
}
