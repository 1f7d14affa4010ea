import { S3Client } from '@aws-sdk/client-s3';

/** One S3 client per process (`AWS_ENDPOINT_URL_S3` points it at fauxqs locally). */
export const s3 = new S3Client({});
