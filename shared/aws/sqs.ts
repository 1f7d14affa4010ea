import { SQSClient } from '@aws-sdk/client-sqs';

/** One SQS client per process (`AWS_ENDPOINT_URL_SQS` points it at fauxqs locally). */
export const sqs = new SQSClient({});
