import { join } from 'node:path';
import { CfnResource, Duration, Lazy, RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  type AddToPrincipalPolicyResult,
  PolicyDocument,
  type PolicyStatement,
  Role,
  type RoleProps,
  ServicePrincipal,
} from 'aws-cdk-lib/aws-iam';
import { Architecture, type CfnFunction, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { Charset, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { type ILogGroup, LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { DeployedFunction } from '../function-catalogue.ts';
import { type CapabilityResources, provideCapabilities } from './capabilities.ts';
import { markDeployed } from './deployed-ids.ts';
import { defaultMemoryMb, lambdaBundling, routeDefines } from './lambda-defaults.ts';

/** Repository root: entries in the route table and in `shared/resources.ts` are relative to it. */
export const repositoryRoot = join(import.meta.dirname, '..', '..');

export interface MailroomFunctionProps {
  /** The function in the catalogue: entry, capabilities, timeout. */
  readonly definition: DeployedFunction;
  /** Shown in the console and used by tests to find the function of a route or queue. */
  readonly description: string;
  /** What the capabilities point at. */
  readonly resources: CapabilityResources;
  readonly memoryMb?: number;
  /**
   * A log group shared with other functions (the API's routes share one: a stack holds at
   * most 500 resources, and a route's own group would cost one each). Lambda names each
   * stream after its function, so a route's lines stay apart. A group of its own when absent.
   */
  readonly logGroup?: ILogGroup;
}

/**
 * A role whose grants all land in one inline policy of its own, instead of a separate
 * `AWS::IAM::Policy` resource: the same permissions, one CloudFormation resource fewer per
 * function (a stack holds at most 500).
 */
export class InlinePolicyRole extends Role {
  private readonly document: PolicyDocument;

  constructor(scope: Construct, id: string, props: RoleProps) {
    const document = new PolicyDocument();
    super(scope, id, { ...props, inlinePolicies: { ...props.inlinePolicies, access: document } });
    this.document = document;
  }

  override addToPrincipalPolicy(statement: PolicyStatement): AddToPrincipalPolicyResult {
    this.document.addStatements(statement);
    return { statementAdded: true, policyDependable: this };
  }
}

/**
 * A Lambda function with the house defaults: Node.js 24 on arm64, an ESM bundle made by
 * esbuild locally (see `lambda-defaults.ts`), X-Ray tracing, a log group of its own or
 * shared (retention set stack-wide) and a role of its own (its grants inline) that may write only to that log group, instead
 * of the AWSLambdaBasicExecutionRole managed policy (any log group of the account).
 * Its environment and grants beyond that come from its capabilities alone.
 */
export class MailroomFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: MailroomFunctionProps) {
    const logGroup =
      props.logGroup ??
      new LogGroup(scope, `${id}Logs`, {
        retention: RetentionDays.ONE_MONTH,
        removalPolicy: RemovalPolicy.DESTROY,
      });
    const role = new InlinePolicyRole(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: props.description.slice(0, 1000),
    });
    logGroup.grantWrite(role);
    super(scope, id, {
      entry: join(repositoryRoot, props.definition.entry),
      handler: 'handler',
      description: props.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memoryMb ?? defaultMemoryMb,
      timeout: Duration.seconds(props.definition.timeoutSeconds),
      tracing: Tracing.ACTIVE,
      logGroup,
      role,
      // No `--enable-source-maps`: it costs every cold start ~14 ms; the maps ship beside
      // the bundles, so a minified stack trace can still be mapped back when it matters.
      environment: {
        POWERTOOLS_SERVICE_NAME: 'mailroom',
        POWERTOOLS_LOG_LEVEL: 'INFO',
      },
      projectRoot: repositoryRoot,
      depsLockFilePath: join(repositoryRoot, 'package-lock.json'),
      bundling: {
        format: OutputFormat.ESM,
        target: lambdaBundling.target,
        minify: lambdaBundling.minify,
        sourceMap: lambdaBundling.sourcemap,
        mainFields: [...lambdaBundling.mainFields],
        charset: lambdaBundling.charset === 'utf8' ? Charset.UTF8 : Charset.ASCII,
        externalModules: [],
        banner: lambdaBundling.banner,
        define: routeDefines(props.definition.entry),
        esbuildArgs: Object.fromEntries(
          Object.entries(lambdaBundling.alias).map(([name, path]) => [`--alias:${name}`, path]),
        ),
        forceDockerBundling: false,
      },
    });
    markDeployed(this, props.definition.id);
    withoutDependsOnRole(this.node.defaultChild as CfnFunction, role.node.defaultChild as CfnResource);
    provideCapabilities(
      this,
      { grantee: this, setVariable: (name, value) => this.addEnvironment(name, value) },
      props.definition.capabilities,
      props.resources,
    );
    // X-Ray's trace upload has no resource type: IAM allows nothing narrower than `*`.
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'xray:PutTraceSegments and xray:PutTelemetryRecords have no resource type.',
    });
  }
}

/**
 * Drops the function's `DependsOn` its own role, keeping any other. The CDK adds it for
 * roles whose grants sit in a separate policy resource; here every grant is inline in
 * the role, and the function's `Role` (a `GetAtt` of it) already makes CloudFormation
 * create the role first, so the extra `DependsOn` only earns a cfn-lint warning (W3005).
 */
function withoutDependsOnRole(fn: CfnFunction, role: CfnResource) {
  fn.addOverride(
    'DependsOn',
    Lazy.any({
      produce: () => {
        const others = fn
          .obtainDependencies()
          .filter(
            (dependency) => CfnResource.isCfnResource(dependency) && dependency !== role,
          ) as CfnResource[];
        return others.length > 0 ? others.map((dependency) => dependency.logicalId) : undefined;
      },
    }),
  );
}
