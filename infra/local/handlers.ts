import { AsyncLocalStorage } from 'node:async_hooks';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';

/** Repository root: handler entries in the route table and resources are relative to it. */
export const repositoryRoot = join(import.meta.dirname, '..', '..');

// biome-ignore lint/suspicious/noExplicitAny: a Lambda handler's event and result types vary per entry.
export type LambdaHandler = (event: any, context: Context) => Promise<any>;

const loaded = new Map<string, Promise<LambdaHandler>>();

/** Imports an entry's `handler` once, as a Lambda runtime would at cold start. */
export function loadHandler(entry: string): Promise<LambdaHandler> {
  let handler = loaded.get(entry);
  if (!handler) {
    handler = import(pathToFileURL(join(repositoryRoot, entry)).href).then(
      (module: { handler?: LambdaHandler }) => {
        if (typeof module.handler !== 'function') throw new Error(`${entry} does not export a handler`);
        return module.handler;
      },
    );
    loaded.set(entry, handler);
  }
  return handler;
}

/** A Lambda context for one invocation of `entry`. */
export function lambdaContext(entry: string, requestId: string, timeoutSeconds = 30): Context {
  const deadline = Date.now() + timeoutSeconds * 1000;
  const functionName = `mailroom-local-${entry
    .replace(/^functions\//, '')
    .replace(/\.ts$/, '')
    .replace(/\W+/g, '-')}`;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** Which function entry the current async work belongs to (for the benchmark's request counts). */
const invocations = new AsyncLocalStorage<string>();

/** The entry whose invocation is running here, if any. */
export function currentEntry(): string | undefined {
  return invocations.getStore();
}

/** Told of every finished invocation, its event and its duration (the cost benchmark bills them). */
export type InvocationObserver = (entry: string, event: unknown, durationMs: number) => void;
const observers = new Set<InvocationObserver>();

export function observeInvocations(observer: InvocationObserver): () => void {
  observers.add(observer);
  return () => observers.delete(observer);
}

/** Invokes an entry's handler as Lambda would: loaded once, a fresh context per call. */
export async function invoke(
  entry: string,
  event: unknown,
  options: { requestId: string; timeoutSeconds?: number },
): Promise<unknown> {
  const handler = await loadHandler(entry);
  const started = performance.now();
  try {
    return await invocations.run(entry, () =>
      handler(event, lambdaContext(entry, options.requestId, options.timeoutSeconds)),
    );
  } finally {
    const durationMs = performance.now() - started;
    for (const observer of observers) observer(entry, event, durationMs);
  }
}
