import type { Readable } from 'node:stream';
import { smtpError } from './smtp-replies.ts';

/**
 * The bytes of messages the relay holds at once, across all its sessions: a message is
 * kept whole until it is admitted, so without a ceiling a handful of large messages at
 * once would take the task's memory and drop every session with it.
 */
export class BufferBudget {
  #buffered = 0;
  #peak = 0;

  readonly limitBytes: number;

  constructor(limitBytes: number) {
    this.limitBytes = limitBytes;
  }

  /** Bytes held now. */
  get buffered(): number {
    return this.#buffered;
  }

  /** The most ever held at once. */
  get peak(): number {
    return this.#peak;
  }

  /** Takes `bytes` from the budget, or answers false (and takes nothing) when they would exceed it. */
  tryReserve(bytes: number): boolean {
    if (this.#buffered + bytes > this.limitBytes) return false;
    this.#buffered += bytes;
    this.#peak = Math.max(this.#peak, this.#buffered);
    return true;
  }

  release(bytes: number) {
    this.#buffered -= bytes;
  }
}

/**
 * How the relay sizes its buffers from the task's memory: a fixed share for Node, TLS and
 * the sessions themselves, and the rest for messages, divided by how much memory a message
 * takes while it is admitted (the received bytes, their copy into one buffer, the parsed
 * attachments: about three times its size). The budget must hold one message of the
 * largest size, or the relay could never take one.
 */
export function relayBufferBudget(taskMemoryMiB: number, maxMessageBytes: number): number {
  const mib = 1024 * 1024;
  const reservedMiB = 128;
  const bytesPerMessageByte = 3;
  const budget = Math.floor(((taskMemoryMiB - reservedMiB) * mib) / bytesPerMessageByte);
  if (budget < maxMessageBytes) {
    throw new Error(
      `A task of ${taskMemoryMiB} MiB cannot hold a message of ${maxMessageBytes} bytes; give it at least ${Math.ceil((maxMessageBytes * bytesPerMessageByte) / mib) + reservedMiB} MiB`,
    );
  }
  return budget;
}

/** A message received whole (`release` returns its bytes to the budget once it is dealt with), or why it was not kept. */
export type BufferedMessage =
  | { outcome: 'complete'; raw: Buffer; release: () => void }
  /** Larger than the relay takes: nothing of it is kept past the limit. */
  | { outcome: 'too-large' }
  /** The relay held too much at once: this message was dropped, a later attempt may pass. */
  | { outcome: 'over-budget' }
  /** The client left before the end of the message. */
  | { outcome: 'aborted' };

/**
 * Reads a message's stream (the DATA of one SMTP transaction) to its end, keeping its
 * bytes only while it is within `maxBytes` and the shared `budget` has room: past either,
 * what was kept goes back at once and the rest is read and dropped, so the client's reply
 * comes at the end of its data and a refused message costs no memory.
 */
export function bufferMessage(
  stream: Readable & { sizeExceeded?: boolean },
  maxBytes: number,
  budget: BufferBudget,
): Promise<BufferedMessage> {
  return new Promise((resolve) => {
    let chunks: Buffer[] = [];
    let kept = 0;
    let size = 0;
    let dropped: 'too-large' | 'over-budget' | undefined;
    let settled = false;
    const discard = () => {
      budget.release(kept);
      kept = 0;
      chunks = [];
    };
    const drop = (reason: 'too-large' | 'over-budget') => {
      dropped = reason;
      discard();
    };
    const settle = (message: BufferedMessage) => {
      if (settled) return;
      settled = true;
      resolve(message);
    };
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (dropped) return;
      if (size > maxBytes) return drop('too-large');
      if (!budget.tryReserve(chunk.length)) return drop('over-budget');
      kept += chunk.length;
      chunks.push(chunk);
    });
    stream.on('end', () => {
      // Too large whatever else happened to it: a client told to come back later would only send it again.
      if (size > maxBytes || stream.sizeExceeded) drop('too-large');
      if (dropped) return settle({ outcome: dropped });
      const raw = Buffer.concat(chunks, kept);
      chunks = [];
      const held = kept;
      let released = false;
      settle({
        outcome: 'complete',
        raw,
        release: () => {
          if (released) return;
          released = true;
          budget.release(held);
        },
      });
    });
    // A client that leaves mid-message ends the stream with an error or a bare close.
    const abort = () => {
      if (settled) return;
      discard();
      settle({ outcome: 'aborted' });
    };
    stream.on('error', abort);
    stream.on('close', abort);
  });
}

/** smtp-server's onData: a message's stream, its session, and the reply. */
type DataHandler<S> = (
  stream: Readable & { sizeExceeded?: boolean },
  session: S,
  callback: (error?: Error | null, reply?: string) => void,
) => void;

/**
 * The relay's DATA handler: it buffers each message within `maxBytes` and the shared
 * `budget` and hands it to `admit` (which resolves with the 250 reply's text or rejects with
 * the SMTP error to answer), giving the bytes back once admission is over. A message over
 * the limit is answered 552; one that found the budget full, 452, so its client sends it
 * again later.
 */
export function receiveMessages<S>(
  maxBytes: number,
  budget: BufferBudget,
  admit: (raw: Buffer, session: S) => Promise<string>,
): DataHandler<S> {
  const megabytes = Math.round(maxBytes / (1024 * 1024));
  return (stream, session, callback) => {
    void bufferMessage(stream, maxBytes, budget).then((message) => {
      if (message.outcome === 'too-large' || message.outcome === 'aborted') {
        return callback(smtpError(552, `5.3.4 Message exceeds the ${megabytes} MB limit`));
      }
      if (message.outcome === 'over-budget') {
        return callback(smtpError(452, '4.3.1 The relay is busy, send the message again later'));
      }
      admit(message.raw, session)
        .then(
          (reply) => callback(null, reply),
          (error: Error) => callback(error),
        )
        .finally(message.release);
    });
  };
}
