import { Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type IBucket,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { assetStore } from '#shared/resources.ts';
import { acknowledgeWildcard } from './grants.ts';

export interface AssetStoreProps {
  /** Where the bucket's server access logs go. */
  readonly accessLogs: IBucket;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * Uploaded assets: a private bucket that only the stack's CloudFront distribution reads
 * (origin access control), served over HTTPS with the headers of `assetStore`.
 */
export class AssetStore extends Construct {
  readonly bucket: Bucket;
  readonly distribution: Distribution;

  constructor(scope: Construct, id: string, props: AssetStoreProps) {
    super(scope, id);
    this.bucket = new Bucket(this, 'Bucket', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      serverAccessLogsBucket: props.accessLogs,
      serverAccessLogsPrefix: 'assets/',
      removalPolicy: props.removalPolicy,
    });
    const headers = assetStore.responseHeaders;
    const responseHeaders = new ResponseHeadersPolicy(this, 'Headers', {
      comment: 'Mailroom assets: no sniffing, no script, no referrer',
      securityHeadersBehavior: {
        contentTypeOptions: { override: true },
        contentSecurityPolicy: { contentSecurityPolicy: headers['content-security-policy'], override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(365),
          includeSubdomains: true,
          override: true,
        },
      },
    });
    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'Mailroom assets',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: responseHeaders,
      },
    });
    const reasons: Record<string, string> = {
      'AwsSolutions-CFR1': 'Assets are public files linked from email; they are meant for every country.',
      'AwsSolutions-CFR2': 'A static, read-only origin of public files; WAF is the operator’s choice to add.',
      'AwsSolutions-CFR3':
        'Standard logs need a bucket with ACLs enabled; S3 server access logs of the origin bucket record every fetch that reaches it.',
      'AwsSolutions-CFR4':
        'The distribution uses CloudFront’s default certificate (no custom domain), whose TLS policy CloudFront fixes.',
    };
    for (const [finding, reason] of Object.entries(reasons))
      Validations.of(this.distribution).acknowledge({ id: finding, reason });
  }

  /** Puts and deletes objects under the asset prefix; nothing else. */
  grantWrite(grantee: IGrantable) {
    const objects = this.bucket.arnForObjects(`${assetStore.keyPrefix}*`);
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['s3:PutObject', 's3:DeleteObject'], resources: [objects] }),
    );
    acknowledgeWildcard(
      grantee,
      objects,
      'Object keys are asset ids, known only at run time; the key prefix is fixed.',
    );
  }
}
