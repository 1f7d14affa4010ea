/**
 * One cold start, in a fresh process: `node cold-start-probe.ts <bundle.mjs> <event JSON>`.
 * Imports the bundled handler, serves the event, prints `{ loadMs, firstEventMs, failed }`:
 * `failed` when the handler threw or answered 5xx, so a broken bundle is not mistaken for
 * a fast one (a worker handing back the record about an unknown email is its rule, not a failure).
 */
import { pathToFileURL } from 'node:url';

const [bundle = '', eventJson = '{}'] = process.argv.slice(2);
const context = {
  callbackWaitsForEmptyEventLoop: false,
  functionName: 'cold-start',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:cold-start',
  memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? '256',
  awsRequestId: 'cold-start',
  logGroupName: '/aws/lambda/cold-start',
  logStreamName: 'cold-start',
  getRemainingTimeInMillis: () => 30_000,
};

const started = performance.now();
const { handler } = (await import(pathToFileURL(bundle).href)) as {
  handler: (event: unknown, context: unknown) => Promise<unknown>;
};
const loaded = performance.now();
const result = (await handler(JSON.parse(eventJson), context).catch((error: unknown) => ({ error }))) as
  | { error?: unknown; statusCode?: number }
  | undefined;
const served = performance.now();
const failed = result?.error !== undefined || (result?.statusCode ?? 0) >= 500;
console.log(JSON.stringify({ loadMs: loaded - started, firstEventMs: served - loaded, failed }));
process.exit(0);
