import { Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  type Distribution,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  ResponseHeadersPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type IBucket,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';

/**
 * What the stack's CloudFront sites (uploaded assets, the console) share: a bucket only
 * its distribution reads, the security headers, and the cdk-nag findings of a
 * distribution on CloudFront's default certificate.
 */

/** Encrypted, never public, TLS only, with its access logs beside the stack's others. */
export function privateOriginBucket(
  scope: Construct,
  id: string,
  props: { accessLogs: IBucket; logPrefix: string; removalPolicy: RemovalPolicy },
): Bucket {
  return new Bucket(scope, id, {
    encryption: BucketEncryption.S3_MANAGED,
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
    enforceSSL: true,
    serverAccessLogsBucket: props.accessLogs,
    serverAccessLogsPrefix: props.logPrefix,
    removalPolicy: props.removalPolicy,
  });
}

/** No sniffing, no referrer, no framing, HSTS for a year, and the site's own Content-Security-Policy. */
export function securityHeaders(
  scope: Construct,
  id: string,
  comment: string,
  contentSecurityPolicy: string,
) {
  return new ResponseHeadersPolicy(scope, id, {
    comment,
    securityHeadersBehavior: {
      contentTypeOptions: { override: true },
      contentSecurityPolicy: { contentSecurityPolicy, override: true },
      referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
      frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
      strictTransportSecurity: {
        accessControlMaxAge: Duration.days(365),
        includeSubdomains: true,
        override: true,
      },
    },
  });
}

/** The site's reasons for serving every country without WAF or standard logs; the certificate finding is the same for all. */
export function acknowledgeDistribution(
  distribution: Distribution,
  reasons: { everyCountry: string; noWaf: string; noStandardLogs: string },
) {
  const findings: Record<string, string> = {
    'AwsSolutions-CFR1': reasons.everyCountry,
    'AwsSolutions-CFR2': reasons.noWaf,
    'AwsSolutions-CFR3': reasons.noStandardLogs,
    'AwsSolutions-CFR4':
      'The distribution uses CloudFront’s default certificate (no custom domain), whose TLS policy CloudFront fixes.',
  };
  for (const [id, reason] of Object.entries(findings))
    Validations.of(distribution).acknowledge({ id, reason });
}
