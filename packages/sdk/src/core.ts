import createClient from 'openapi-fetch';
import type { paths } from './openapi.ts';
import { type Attempt, newIdempotencyKey, perform, type RetryPolicy } from './request.ts';
import type { Result } from './result.ts';

export interface MailroomOptions {
  /** Where the API is: `https://<api>` of your stack, or `http://localhost:3000` locally. Default: `MAILROOM_BASE_URL`. */
  baseUrl?: string;
  /** Retries after the first attempt, for reads and idempotent writes (default 2). */
  maxRetries?: number;
  /** The longest wait between attempts in ms; a longer `Retry-After` is returned instead (default 30,000). */
  maxRetryDelayMs?: number;
  /** Throw a `MailroomError` instead of returning `{error}`. */
  throwOnError?: boolean;
  /** Another fetch (tests, proxies, older runtimes). */
  fetch?: (request: Request) => Promise<Response>;
  /** Extra headers for every request. */
  headers?: Record<string, string>;
}

/** Per-call options of a write. */
export interface WriteOptions {
  /** Makes a retry safe: the server answers a repeat with the first answer. Sends get one generated when absent. */
  idempotencyKey?: string;
}

export type Client = ReturnType<typeof createClient<paths>>;

const env = (name: string): string | undefined =>
  (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.[name];

/** The HTTP client every resource shares: openapi-fetch for typed calls, `perform` for results and retries. */
export class Core {
  readonly client: Client;
  private readonly policy: RetryPolicy;

  constructor(key: string | undefined, options: MailroomOptions) {
    const apiKey = key ?? env('MAILROOM_API_KEY');
    if (!apiKey) throw new Error('Mailroom needs an API key: new Mailroom("ak_…") or MAILROOM_API_KEY.');
    const baseUrl = options.baseUrl ?? env('MAILROOM_BASE_URL') ?? 'http://localhost:3000';
    this.client = createClient<paths>({
      baseUrl: baseUrl.replace(/\/$/, ''),
      headers: { authorization: `Bearer ${apiKey}`, ...options.headers },
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
    this.policy = {
      maxRetries: options.maxRetries ?? 2,
      maxRetryDelayMs: options.maxRetryDelayMs ?? 30_000,
      throwOnError: options.throwOnError ?? false,
    };
  }

  /** A read: safe to retry. */
  read<T>(attempt: () => Promise<Attempt<T>>): Promise<Result<T>> {
    return perform(attempt, true, this.policy);
  }

  /** A write: retried only when it carries an idempotency key. */
  write<T>(attempt: (headers: Record<string, string>) => Promise<Attempt<T>>, options: WriteOptions = {}) {
    const headers: Record<string, string> = options.idempotencyKey
      ? { 'idempotency-key': options.idempotencyKey }
      : {};
    return perform(() => attempt(headers), options.idempotencyKey !== undefined, this.policy);
  }

  /** A send: always idempotent, with a generated key when the caller gave none. */
  async send<T>(
    attempt: (headers: Record<string, string>) => Promise<Attempt<T>>,
    options: WriteOptions = {},
  ) {
    return this.write(attempt, { idempotencyKey: options.idempotencyKey ?? (await newIdempotencyKey()) });
  }
}
