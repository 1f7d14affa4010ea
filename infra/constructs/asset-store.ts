import type { RemovalPolicy } from 'aws-cdk-lib';
import { AllowedMethods, CachePolicy, Distribution, ViewerProtocolPolicy } from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Bucket, IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { assetStore } from '#shared/resources.ts';
import { acknowledgeWildcard } from './grants.ts';
import { acknowledgeDistribution, privateOriginBucket, securityHeaders } from './private-origin.ts';

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
    this.bucket = privateOriginBucket(this, 'Bucket', {
      accessLogs: props.accessLogs,
      logPrefix: 'assets/',
      removalPolicy: props.removalPolicy,
    });
    const responseHeaders = securityHeaders(
      this,
      'Headers',
      'Mailroom assets: no sniffing, no script, no referrer',
      assetStore.responseHeaders['content-security-policy'],
    );
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
    acknowledgeDistribution(this.distribution, {
      everyCountry: 'Assets are public files linked from email; they are meant for every country.',
      noWaf: 'A static, read-only origin of public files; WAF is the operator’s choice to add.',
      noStandardLogs:
        'Standard logs need a bucket with ACLs enabled; S3 server access logs of the origin bucket record every fetch that reaches it.',
    });
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
