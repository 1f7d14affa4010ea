import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { payloadBucket } from '#shared/resources.ts';

/**
 * Where payloads too large for a queue message (and far-scheduled ones) wait for the
 * sender: private, encrypted, TLS only, expiring, with server access logs kept in a
 * second bucket for as long. Both are kept on `cdk destroy` (CloudFormation cannot delete
 * a bucket with objects in it); docs/deploy-and-operate.md#tear-down empties and deletes them.
 */
export class PayloadBucket extends Construct {
  readonly bucket: Bucket;
  /** The server access logs of this bucket, and of the stack's other buckets (one prefix each). */
  readonly accessLogs: Bucket;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const removalPolicy = RemovalPolicy.RETAIN;
    const accessLogs = new Bucket(this, 'AccessLogs', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      lifecycleRules: [{ expiration: Duration.days(payloadBucket.expireAfterDays) }],
      removalPolicy,
    });
    this.accessLogs = accessLogs;
    Validations.of(accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the access-log bucket; logging its own access would loop.',
    });
    this.bucket = new Bucket(this, 'Bucket', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'payloads/',
      lifecycleRules: [
        {
          expiration: Duration.days(payloadBucket.expireAfterDays),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      removalPolicy,
    });
  }
}
