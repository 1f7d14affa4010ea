import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Invocation, WorkerReply, WorkerSetup } from './function-worker.ts';

/** Repository root: handler entries in the route table and resources are relative to it. */
export const repositoryRoot = join(import.meta.dirname, '..', '..');

export interface HostedFunction {
  id: string;
  entry: string;
  functionName: string;
  /** Exactly the environment the function runs with: nothing of the host process leaks in. */
  environment: Record<string, string>;
  memoryMb: number;
  timeoutSeconds: number;
}

/** Told of every finished invocation: its event, its duration and when it started (the cost benchmark bills them). */
export type InvocationObserver = (
  entry: string,
  event: unknown,
  durationMs: number,
  startedAt: number,
) => void;
const observers = new Set<InvocationObserver>();

export function observeInvocations(observer: InvocationObserver): () => void {
  observers.add(observer);
  return () => observers.delete(observer);
}

/** Told of every chunk a function writes to stdout or stderr (the cost benchmark prices log ingestion). */
export type OutputObserver = (entry: string, bytes: number) => void;
const outputObservers = new Set<OutputObserver>();

export function observeOutput(observer: OutputObserver): () => void {
  outputObservers.add(observer);
  return () => outputObservers.delete(observer);
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * One function's execution environment: a worker thread started at its first invocation
 * (a cold start, as on Lambda) with only the function's own environment, kept warm after.
 * An invocation past the function's timeout fails as Lambda's does, and its environment
 * is thrown away (the next invocation starts a fresh one); so is one whose module
 * crashed. Concurrent invocations share the one environment (Lambda would start more).
 */
export class FunctionHost {
  readonly fn: HostedFunction;
  private worker: Worker | undefined;
  private ready: Promise<Worker> | undefined;
  private pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(fn: HostedFunction) {
    this.fn = fn;
  }

  async invoke(event: unknown, requestId: string): Promise<unknown> {
    const started = performance.now();
    try {
      const worker = await this.start();
      const id = this.nextId++;
      const deadline = Date.now() + this.fn.timeoutSeconds * 1000;
      return await new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          this.discard(new Error(`Task timed out after ${this.fn.timeoutSeconds.toFixed(2)} seconds`));
        }, this.fn.timeoutSeconds * 1000);
        this.pending.set(id, { resolve, reject, timer });
        worker.postMessage({ id, event, requestId, deadline } satisfies Invocation);
      });
    } finally {
      const durationMs = performance.now() - started;
      for (const observer of observers) observer(this.fn.entry, event, durationMs, started);
    }
  }

  async stop() {
    const worker = this.worker;
    this.worker = undefined;
    this.ready = undefined;
    await worker?.terminate();
  }

  private start(): Promise<Worker> {
    this.ready ??= new Promise<Worker>((resolve, reject) => {
      const setup: WorkerSetup = {
        entry: this.fn.entry,
        functionName: this.fn.functionName,
        memoryMb: this.fn.memoryMb,
        root: repositoryRoot,
      };
      const worker = new Worker(new URL('./function-worker.ts', import.meta.url), {
        workerData: setup,
        env: this.fn.environment,
        resourceLimits: { maxOldGenerationSizeMb: Math.max(this.fn.memoryMb, 256) },
        name: this.fn.id,
        // Copied chunk by chunk rather than piped: dozens of pipes into one stdout would each add listeners to it.
        stdout: true,
        stderr: true,
      });
      const copy = (to: NodeJS.WriteStream) => (chunk: Buffer) => {
        to.write(chunk);
        for (const observer of outputObservers) observer(this.fn.entry, chunk.length);
      };
      worker.stdout.on('data', copy(process.stdout));
      worker.stderr.on('data', copy(process.stderr));
      this.worker = worker;
      worker.on('message', (reply: WorkerReply) => {
        if ('ready' in reply) resolve(worker);
        else if ('initError' in reply) {
          // A failed cold start is not kept: the next invocation tries again, as Lambda would.
          reject(new Error(`${this.fn.id} failed to start: ${reply.initError}`));
          this.discard(new Error(`${this.fn.id} failed to start`));
        } else this.settle(reply);
      });
      worker.once('error', (error) => {
        reject(error);
        if (this.worker === worker) this.discard(error);
      });
      worker.once('exit', (code) => {
        if (this.worker === worker) this.discard(new Error(`${this.fn.id} exited (${code})`));
      });
    });
    return this.ready;
  }

  private settle(reply: Extract<WorkerReply, { id: number }>) {
    const pending = this.pending.get(reply.id);
    if (!pending) return;
    this.pending.delete(reply.id);
    clearTimeout(pending.timer);
    if ('result' in reply) pending.resolve(reply.result);
    else pending.reject(Object.assign(new Error(reply.error.message), reply.error));
  }

  /** Ends the environment and fails whatever ran in it. */
  private discard(error: Error) {
    const worker = this.worker;
    this.worker = undefined;
    this.ready = undefined;
    for (const pending of this.pending.values()) {
      clearTimeout(pending.timer);
      pending.reject(error);
    }
    this.pending.clear();
    void worker?.terminate();
  }
}
