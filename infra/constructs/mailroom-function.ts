import { join } from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

/** Repository root: entries in the route table and in `shared/resources.ts` are relative to it. */
export const repositoryRoot = join(import.meta.dirname, '..', '..');

export interface MailroomFunctionProps {
  /** Handler file relative to the repository root; it must export `handler`. */
  readonly entry: string;
  /** Shown in the console and used by tests to find the function of a route or queue. */
  readonly description: string;
  readonly timeout?: Duration;
  readonly memoryMb?: number;
  readonly environment?: Record<string, string>;
  readonly logRetention?: RetentionDays;
}

/**
 * A Lambda function with the house defaults: Node.js 24 on arm64, an ESM bundle made by
 * esbuild locally (minified, source maps, the AWS SDK bundled so cold starts do not
 * depend on the runtime's copy), X-Ray tracing, and a log group with retention.
 */
export class MailroomFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: MailroomFunctionProps) {
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    super(scope, id, {
      entry: join(repositoryRoot, props.entry),
      handler: 'handler',
      description: props.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memoryMb ?? 256,
      timeout: props.timeout ?? Duration.seconds(10),
      tracing: Tracing.ACTIVE,
      logGroup,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: 'mailroom',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        ...props.environment,
      },
      projectRoot: repositoryRoot,
      depsLockFilePath: join(repositoryRoot, 'package-lock.json'),
      bundling: {
        format: OutputFormat.ESM,
        target: 'node24',
        minify: true,
        sourceMap: true,
        mainFields: ['module', 'main'],
        externalModules: [],
        // Some bundled CommonJS dependencies still call require().
        banner:
          "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
        forceDockerBundling: false,
      },
    });
  }
}
