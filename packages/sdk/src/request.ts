import { type MailroomApiError, MailroomError, type Result } from './result.ts';

/** Named, not written inline, so browser bundlers leave the Node 18 fallback alone. */
const nodeCrypto = 'node:crypto';

/** What openapi-fetch gives back for one attempt. */
export interface Attempt<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

export interface RetryPolicy {
  /** Retries after the first attempt (default 2). */
  maxRetries: number;
  /** The longest wait between attempts; a longer `Retry-After` ends the retries (default 30 s). */
  maxRetryDelayMs: number;
  throwOnError: boolean;
}

/** Statuses worth another attempt: rate limited, or the server (or its gateway) failed. */
const transient = new Set([429, 500, 502, 503, 504]);

/**
 * A 409 with `Retry-After` is the first request with the same idempotency key still
 * running (after a timeout, say): waiting gives its answer. Any other 409 is final.
 */
const worthRetrying = (response: Response) =>
  transient.has(response.status) || (response.status === 409 && response.headers.has('retry-after'));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `Retry-After` in milliseconds (seconds or an HTTP date), when the answer has one. */
function retryAfterMs(response: Response): number | undefined {
  const value = response.headers.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** Exponential backoff with jitter: about 0.5 s, 1 s, 2 s, … */
const backoffMs = (retry: number) => 500 * 2 ** retry * (0.5 + Math.random() / 2);

/** The API's `{error, code}` error body as the SDK's error, or a plain one for any other answer. */
function apiError(response: Response, body: unknown): MailroomApiError {
  const requestId = response.headers.get('x-request-id') ?? undefined;
  const common = { statusCode: response.status, ...(requestId ? { requestId } : {}) };
  if (typeof body === 'object' && body !== null && 'code' in body && 'error' in body) {
    const { error, code, field, accountStatus, suppressed } = body as Record<string, unknown>;
    return {
      message: String(error),
      code: String(code) as MailroomApiError['code'],
      ...common,
      ...(typeof field === 'string' ? { field } : {}),
      ...(typeof accountStatus === 'string'
        ? { accountStatus: accountStatus as MailroomApiError['accountStatus'] }
        : {}),
      ...(Array.isArray(suppressed) ? { suppressed: suppressed.map(String) } : {}),
    };
  }
  // Another JSON error (API Gateway's own `{"message"}`, say) or plain text.
  const message = (body as { message?: unknown } | null)?.message;
  const text =
    typeof message === 'string'
      ? message
      : typeof body === 'string' && body
        ? body
        : response.statusText || `HTTP ${response.status}`;
  return { message: text.slice(0, 500), code: 'application_error', ...common };
}

/**
 * Runs one API call, retrying it only when that cannot do harm: a read, or a write the
 * server deduplicates by its `Idempotency-Key`. Answers `{data, error, headers}`.
 */
export async function perform<T>(
  attempt: () => Promise<Attempt<T>>,
  retryable: boolean,
  policy: RetryPolicy,
): Promise<Result<T>> {
  let result: Result<T>;
  for (let retry = 0; ; retry++) {
    const canRetry = retryable && retry < policy.maxRetries;
    let delay: number | undefined;
    try {
      const { data, error, response } = await attempt();
      if (response.ok) return { data: data as T, error: null, headers: response.headers };
      result = { data: null, error: apiError(response, error), headers: response.headers };
      if (canRetry && worthRetrying(response)) delay = retryAfterMs(response) ?? backoffMs(retry);
    } catch (cause) {
      const message = cause instanceof Error ? cause.message : String(cause);
      result = { data: null, error: { message, code: 'network_error', statusCode: null }, headers: null };
      if (canRetry) delay = backoffMs(retry);
    }
    if (delay === undefined || delay > policy.maxRetryDelayMs) break;
    await sleep(delay);
  }
  if (policy.throwOnError) throw new MailroomError(result.error);
  return result;
}

/** A fresh idempotency key (Node 18 has no global `crypto`, so it falls back to the module). */
export async function newIdempotencyKey(): Promise<string> {
  const web = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  if (web?.randomUUID) return web.randomUUID();
  const { randomUUID } = await import(nodeCrypto);
  return randomUUID();
}
