/**
 * One function's execution environment, in a worker thread of its own: it imports the
 * handler once (the cold start) with only the environment the host gave it, then runs
 * each invocation the host posts, as the Lambda runtime does.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import type { Context } from 'aws-lambda';

export interface WorkerSetup {
  entry: string;
  functionName: string;
  memoryMb: number;
  root: string;
}

export interface Invocation {
  id: number;
  event: unknown;
  requestId: string;
  deadline: number;
}

export type WorkerReply =
  | { ready: true }
  | { initError: string }
  | { id: number; result: unknown }
  | { id: number; error: { name: string; message: string; stack?: string } };

const setup = workerData as WorkerSetup;
const port = parentPort;
if (!port) throw new Error('function-worker.ts runs in a worker thread');

function contextOf(invocation: Invocation): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: setup.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${process.env.AWS_REGION}:000000000000:function:${setup.functionName}`,
    memoryLimitInMB: String(setup.memoryMb),
    awsRequestId: invocation.requestId,
    logGroupName: `/aws/lambda/${setup.functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, invocation.deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

// biome-ignore lint/suspicious/noExplicitAny: a Lambda handler's event and result types vary per entry.
type Handler = (event: any, context: Context) => Promise<unknown>;

let handler: Handler;
try {
  const module = (await import(pathToFileURL(join(setup.root, setup.entry)).href)) as { handler?: Handler };
  if (typeof module.handler !== 'function') throw new Error(`${setup.entry} does not export a handler`);
  handler = module.handler;
  port.postMessage({ ready: true } satisfies WorkerReply);
} catch (error) {
  port.postMessage({ initError: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  throw error;
}

port.on('message', async (invocation: Invocation) => {
  try {
    const result = await handler(invocation.event, contextOf(invocation));
    port.postMessage({ id: invocation.id, result } satisfies WorkerReply);
  } catch (error) {
    const failure = error instanceof Error ? error : new Error(String(error));
    port.postMessage({
      id: invocation.id,
      error: { name: failure.name, message: failure.message, stack: failure.stack },
    } satisfies WorkerReply);
  }
});
