/**
 * The local SES's heavy work on a message, done off its event loop: parsing a MIME
 * message (and turning an HTML part into text, which takes minutes for a 10 MB one) and
 * rewriting it for tracking. The local SES shares its process with the whole local
 * platform, so this work runs in one worker thread of its own and everything else (the
 * API, the pollers, the SES's own other calls) keeps answering meanwhile.
 */
import { Worker } from 'node:worker_threads';
import type { TrackedLink, Tracking } from './tracking.ts';

/** What sending needs of a message: its header fields and addresses (no bodies). */
export interface MessageHead {
  from?: string;
  /** The To field's mailboxes as written. */
  to: string[];
  /** Every address of To, Cc and Bcc. */
  recipients: string[];
  subject?: string;
  headerLines: string[];
}

/** What the mail viewer shows of a message. */
export interface MessageView {
  html: string | null;
  text: string | null;
  headerLines: string[];
  attachments: { filename?: string; contentType: string; size: number }[];
}

export type MailTask =
  | { kind: 'head'; raw: Uint8Array }
  | { kind: 'view'; raw: Uint8Array }
  | { kind: 'track'; raw: Uint8Array; tracking: Tracking; clickBase: string; openUrl: string };

export type MailTaskResult = MessageHead | MessageView | { raw: Uint8Array; links: TrackedLink[] };

let worker: Worker | undefined;
let nextId = 0;
const pending = new Map<
  number,
  { resolve: (value: MailTaskResult) => void; reject: (error: Error) => void }
>();

/** The worker, started at first use; it never keeps the process alive on its own. */
function mailWorker(): Worker {
  if (worker) return worker;
  const started = new Worker(new URL('./mail-worker.ts', import.meta.url));
  started.unref();
  started.on('message', ({ id, result, error }: { id: number; result?: MailTaskResult; error?: string }) => {
    const waiting = pending.get(id);
    pending.delete(id);
    if (error !== undefined) waiting?.reject(new Error(error));
    else waiting?.resolve(result as MailTaskResult);
  });
  const failAll = (error: Error) => {
    worker = undefined;
    for (const waiting of pending.values()) waiting.reject(error);
    pending.clear();
  };
  started.on('error', failAll);
  started.on('exit', (code) => failAll(new Error(`local SES mail worker exited (${code})`)));
  worker = started;
  return started;
}

function run(task: MailTask): Promise<MailTaskResult> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    mailWorker().postMessage({ id, task });
  });
}

/** The message's header fields and addresses, parsed off the event loop. */
export const parseHead = (raw: Buffer) => run({ kind: 'head', raw }) as Promise<MessageHead>;

/** The message's bodies and attachments as the viewer shows them, parsed off the event loop. */
export const parseView = (raw: Buffer) => run({ kind: 'view', raw }) as Promise<MessageView>;

/** The message rewritten for tracking (see `trackMessage`), off the event loop. */
export async function trackOffThread(
  raw: Buffer,
  tracking: Tracking,
  clickBase: string,
  openUrl: string,
): Promise<{ raw: Buffer; links: TrackedLink[] }> {
  const result = (await run({ kind: 'track', raw, tracking, clickBase, openUrl })) as {
    raw: Uint8Array;
    links: TrackedLink[];
  };
  return {
    raw: Buffer.from(result.raw.buffer, result.raw.byteOffset, result.raw.byteLength),
    links: result.links,
  };
}

/** Stops the worker (the local SES closing). */
export async function stopMailWorker(): Promise<void> {
  const running = worker;
  worker = undefined;
  await running?.terminate();
}
