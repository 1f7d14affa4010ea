import { SQSClient } from '@aws-sdk/client-sqs';

/**
 * One SQS client per process (`AWS_ENDPOINT_URL_SQS` points it at fauxqs locally).
 * Marked pure: a bundle whose code never sends through it leaves the client, and its
 * SDK package, out (building a client has no effect anything relies on).
 */
export const sqs = /* @__PURE__ */ new SQSClient({});
