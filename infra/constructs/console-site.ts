import { Duration, Fn, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  OriginRequestPolicy,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { type CfnPolicy, type CfnRole, type Policy, PolicyStatement, type Role } from 'aws-cdk-lib/aws-iam';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type IBucket,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import { Construct } from 'constructs';
import { consoleContentSecurityPolicy, ensureConsoleBuilt } from '../console.ts';

/** What CDK's broad grants to its bucket-deployment function stand for, action by action. */
const narrowed: Record<string, string[]> = {
  's3:GetObject*': ['s3:GetObject'],
  's3:GetBucket*': ['s3:GetBucketLocation'],
  's3:List*': ['s3:ListBucket'],
  's3:DeleteObject*': ['s3:DeleteObject'],
  's3:Abort*': ['s3:AbortMultipartUpload'],
};

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

/**
 * CDK's bucket deployment copies the bundle in a function of its own (one per stack, run
 * by CloudFormation at deploy time only). It gets the house rules: explicit actions
 * instead of CDK's `s3:GetObject*`-style grants, invalidations of this distribution only,
 * a log group with the stack's retention instead of the managed basic-execution policy.
 */
function tightenUploader(uploader: LambdaFunction, distribution: Distribution, logGroup: LogGroup) {
  const stack = Stack.of(uploader);
  const role = uploader.role as Role;
  logGroup.grantWrite(role);
  // Tracing is a stack setting (see FunctionTelemetry); these two actions take no resource.
  role.addToPrincipalPolicy(
    new PolicyStatement({ actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], resources: ['*'] }),
  );
  const policy = role.node.findChild('DefaultPolicy') as Policy;
  const statements = (stack.resolve(policy.document.toJSON()).Statement as Statement[]).map((statement) => {
    const actions = [statement.Action].flat().flatMap((action) => narrowed[action] ?? [action]);
    const invalidates = actions.every((action) => action.startsWith('cloudfront:'));
    return {
      ...statement,
      Action: [...new Set(actions)],
      Resource: invalidates ? stack.resolve(distribution.distributionArn) : statement.Resource,
    };
  });
  // The rendered documents themselves, so cdk-nag and the template see the same grants.
  (policy.node.defaultChild as CfnPolicy).policyDocument = { Version: '2012-10-17', Statement: statements };
  (role.node.defaultChild as CfnRole).managedPolicyArns = undefined;
  const reason =
    'The bundle’s source is a CDK asset (the key a content hash, known at deploy time) and its destination every object of the console bucket.';
  const wildcards = statements.flatMap((statement) =>
    [statement.Resource]
      .flat()
      .map((resource) => flattenCfnReference(resource))
      .filter((resource) => resource.includes('*')),
  );
  for (const resource of new Set(wildcards))
    Validations.of(policy).acknowledge({ id: `AwsSolutions-IAM5[Resource::${resource}]`, reason });
  Validations.of(uploader).acknowledge({
    id: 'AwsSolutions-L1',
    reason: 'CDK’s bucket-deployment function: its Python runtime is the one CDK ships it for.',
  });
}

export interface ConsoleSiteProps {
  /** The API the console calls, on the same origin under `/api/*` (so no CORS). */
  readonly api: HttpApi;
  /** Where the bucket's server access logs go. */
  readonly accessLogs: IBucket;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The web console: its static bundle in a private bucket that only CloudFront reads
 * (origin access control), and the API behind the same distribution, so the console
 * calls `/api/*` on its own origin.
 */
export class ConsoleSite extends Construct {
  readonly distribution: Distribution;
  /** The function that copies the bundle at deploy time (alarmed and logged like every other). */
  readonly uploader: LambdaFunction;

  constructor(scope: Construct, id: string, props: ConsoleSiteProps) {
    super(scope, id);
    const bucket = new Bucket(this, 'Bucket', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      serverAccessLogsBucket: props.accessLogs,
      serverAccessLogsPrefix: 'console/',
      removalPolicy: props.removalPolicy,
      autoDeleteObjects: false,
    });
    const headers = new ResponseHeadersPolicy(this, 'Headers', {
      comment: 'Mailroom console: its own origin only, never framed',
      securityHeadersBehavior: {
        contentTypeOptions: { override: true },
        contentSecurityPolicy: { contentSecurityPolicy: consoleContentSecurityPolicy, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(365),
          includeSubdomains: true,
          override: true,
        },
      },
    });
    const api = new HttpOrigin(
      Fn.join('', [props.api.apiId, '.execute-api.', Stack.of(this).region, '.', Stack.of(this).urlSuffix]),
    );
    const toApi = {
      origin: api,
      viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: AllowedMethods.ALLOW_ALL,
      cachePolicy: CachePolicy.CACHING_DISABLED,
      // Everything the caller sent but Host, which must name API Gateway's own domain.
      originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
    };
    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'Mailroom console and API',
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
      },
      additionalBehaviors: { '/api/*': toApi, '/mcp': toApi, '/health': toApi },
    });
    const logGroup = new LogGroup(this, 'BundleLogs', { removalPolicy: RemovalPolicy.DESTROY });
    const deployment = new BucketDeployment(this, 'Bundle', {
      sources: [Source.asset(ensureConsoleBuilt())],
      destinationBucket: bucket,
      distribution: this.distribution,
      distributionPaths: ['/index.html'],
      memoryLimit: 256,
      logGroup,
    });
    this.uploader = deployment.handlerRole.node.scope as LambdaFunction;
    tightenUploader(this.uploader, this.distribution, logGroup);
    const reasons: Record<string, string> = {
      'AwsSolutions-CFR1':
        'The console is for the operator’s team wherever they work; the API behind it checks keys.',
      'AwsSolutions-CFR2':
        'A static console and an API that authenticates every call; WAF is the operator’s choice to add.',
      'AwsSolutions-CFR3':
        'Standard logs need a bucket with ACLs enabled; the origin bucket’s S3 access logs and the API’s access logs record the traffic.',
      'AwsSolutions-CFR4':
        'The distribution uses CloudFront’s default certificate (no custom domain), whose TLS policy CloudFront fixes.',
    };
    for (const [finding, reason] of Object.entries(reasons))
      Validations.of(this.distribution).acknowledge({ id: finding, reason });
  }
}
