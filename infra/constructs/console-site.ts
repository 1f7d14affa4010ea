import { Fn, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  OriginRequestPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { Bucket, IBucket } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, type ISource, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import { Construct } from 'constructs';
import { apiReferencePage } from '../api-reference.ts';
import { consoleContentSecurityPolicy, ensureConsoleBuilt } from '../console.ts';
import { acknowledgeDistribution, privateOriginBucket, securityHeaders } from './private-origin.ts';

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
  /** CDK's bucket-deployment function, which copies the bundle at deploy time (alarmed and logged like every other). */
  readonly uploader: LambdaFunction;

  constructor(scope: Construct, id: string, props: ConsoleSiteProps) {
    super(scope, id);
    const bucket = privateOriginBucket(this, 'Bucket', {
      accessLogs: props.accessLogs,
      logPrefix: 'console/',
      removalPolicy: props.removalPolicy,
    });
    const headers = securityHeaders(
      this,
      'Headers',
      'Mailroom console: its own origin only, never framed',
      consoleContentSecurityPolicy,
    );
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
    acknowledgeDistribution(this.distribution, {
      everyCountry:
        'The console is for the operator’s team wherever they work; the API behind it checks keys.',
      noWaf:
        'A static console and an API that authenticates every call; WAF is the operator’s choice to add.',
      noStandardLogs:
        'Standard logs need a bucket with ACLs enabled; the origin bucket’s S3 access logs and the API’s access logs record the traffic.',
    });
    this.uploader = this.deployBundle(bucket);
  }

  /**
   * Copies the bundle with CDK's bucket deployment, in two steps so no browser meets a
   * page whose script is gone: the hashed files first, kept forever (old pages still
   * find theirs), then the pages, never cached, each with an invalidation: `index.html`,
   * and `docs`, the API reference page, an object without an extension so that `/docs`
   * is its address (its type is set, since no extension tells S3). The function gets a
   * role of its own with exactly these grants (CDK's would be `s3:GetObject*`-style and a
   * managed policy).
   */
  private deployBundle(bucket: Bucket): LambdaFunction {
    const dist = ensureConsoleBuilt();
    const role = new Role(this, 'UploaderRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'Mailroom: copies the console bundle into its bucket at deploy time',
    });
    const logGroup = new LogGroup(this, 'UploaderLogs', { removalPolicy: RemovalPolicy.DESTROY });
    logGroup.grantWrite(role);
    // CDK's grants go to a view of the role that takes none; the statements below are the grants.
    const fixedRole = role.withoutPolicyUpdates();
    const sources: ISource[] = [
      Source.asset(dist, { exclude: ['index.html', apiReferencePage] }),
      Source.asset(dist, { exclude: ['*', '!index.html'] }),
      Source.asset(dist, { exclude: ['*', `!${apiReferencePage}`] }),
    ];
    const assets = sources.map((source) => source.bind(this, { handlerRole: fixedRole }));
    role.addToPolicy(
      new PolicyStatement({
        actions: ['s3:GetObject'],
        resources: assets.map((asset) => asset.bucket.arnForObjects(asset.zipObjectKey)),
      }),
    );
    role.addToPolicy(new PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }));
    role.addToPolicy(
      new PolicyStatement({
        actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'],
        resources: [bucket.arnForObjects('*')],
      }),
    );
    role.addToPolicy(
      new PolicyStatement({
        actions: ['cloudfront:CreateInvalidation', 'cloudfront:GetInvalidation'],
        resources: [this.distribution.distributionArn],
      }),
    );
    // Tracing is a stack setting (see FunctionTelemetry); these two actions take no resource.
    role.addToPolicy(
      new PolicyStatement({
        actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
        resources: ['*'],
      }),
    );
    const common = { destinationBucket: bucket, role: fixedRole, logGroup, memoryLimit: 256, prune: false };
    const files = new BucketDeployment(this, 'Files', {
      ...common,
      sources: [sources[0] as ISource],
      cacheControl: [CacheControl.fromString('public, max-age=31536000, immutable')],
    });
    const page = new BucketDeployment(this, 'Page', {
      ...common,
      sources: [sources[1] as ISource],
      cacheControl: [CacheControl.noCache()],
      distribution: this.distribution,
      distributionPaths: ['/', '/index.html'],
    });
    page.node.addDependency(files);
    const reference = new BucketDeployment(this, 'ReferencePage', {
      ...common,
      sources: [sources[2] as ISource],
      cacheControl: [CacheControl.noCache()],
      contentType: 'text/html; charset=utf-8',
      distribution: this.distribution,
      distributionPaths: [`/${apiReferencePage}`],
    });
    reference.node.addDependency(files);

    const stack = Stack.of(this);
    const reason =
      'The console bucket’s objects are the bundle’s files, named at build time; X-Ray’s two actions take no resource.';
    for (const resource of [bucket.arnForObjects('*'), '*'])
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${flattenCfnReference(stack.resolve(resource))}]`,
        reason,
      });
    const uploader = stack.node.children.find((child) =>
      child.node.id.startsWith('Custom::CDKBucketDeployment'),
    );
    Validations.of(uploader as Construct).acknowledge({
      id: 'AwsSolutions-L1',
      reason: 'CDK’s bucket-deployment function: its Python runtime is the one CDK ships it for.',
    });
    return uploader as LambdaFunction;
  }
}
