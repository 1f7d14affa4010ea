/**
 * Typed errors and the one table that maps them to HTTP status codes (docs/api.md#errors).
 * Handlers and services throw these; the error middleware turns them into
 * `{"error","code"}` responses. Anything else becomes a 500 whose message stays in the logs.
 */

export type ErrorCode =
  | 'validation_error'
  | 'bad_request'
  | 'domain_not_verified'
  | 'all_recipients_suppressed'
  | 'batch_too_large'
  | 'otp_invalid'
  | 'otp_expired'
  | 'unauthorized'
  | 'quota_exceeded'
  | 'forbidden'
  | 'account_flagged'
  | 'account_suspended'
  | 'account_deactivated'
  | 'not_found'
  | 'conflict'
  | 'idempotency_conflict'
  | 'payload_too_large'
  | 'rate_limited'
  | 'internal_error';

/** Status for each code, in one place, so every transport answers an error alike. */
export const statusByCode: Record<ErrorCode, number> = {
  validation_error: 400,
  bad_request: 400,
  domain_not_verified: 400,
  all_recipients_suppressed: 400,
  batch_too_large: 400,
  otp_invalid: 400,
  otp_expired: 400,
  unauthorized: 401,
  quota_exceeded: 402,
  forbidden: 403,
  account_flagged: 403,
  account_suspended: 403,
  account_deactivated: 403,
  not_found: 404,
  conflict: 409,
  idempotency_conflict: 409,
  payload_too_large: 413,
  rate_limited: 429,
  internal_error: 500,
};

/** An error whose message is safe to show the API client. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  /** Extra top-level fields of the error body, such as `field` or `accountStatus`. */
  readonly details: Record<string, unknown>;
  /** Extra response headers, such as `Retry-After`. */
  readonly headers: Record<string, string>;

  constructor(
    code: ErrorCode,
    message: string,
    details: Record<string, unknown> = {},
    headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.details = details;
    this.headers = headers;
  }

  get statusCode(): number {
    return statusByCode[this.code];
  }
}

export class ValidationError extends ApiError {
  constructor(message: string, field?: string) {
    super('validation_error', message, field === undefined ? {} : { field });
    this.name = 'ValidationError';
  }
}

export class BadRequestError extends ApiError {
  constructor(message: string) {
    super('bad_request', message);
    this.name = 'BadRequestError';
  }
}

export class UnauthorizedError extends ApiError {
  constructor(message = 'Missing or invalid API key.') {
    super('unauthorized', message);
    this.name = 'UnauthorizedError';
  }
}

export class ForbiddenError extends ApiError {
  constructor(message: string) {
    super('forbidden', message);
    this.name = 'ForbiddenError';
  }
}

export class NotFoundError extends ApiError {
  constructor(what = 'Resource') {
    super('not_found', `${what} not found.`);
    this.name = 'NotFoundError';
  }
}

export class ConflictError extends ApiError {
  constructor(message: string) {
    super('conflict', message);
    this.name = 'ConflictError';
  }
}

/**
 * The headers that describe a rate-limit window: the tightest window that applies, the
 * one a client runs into first.
 */
export function rateLimitHeaders(report: {
  limit: number;
  remaining: number;
  reset: number;
}): Record<string, string> {
  return {
    'x-ratelimit-limit': String(report.limit),
    'x-ratelimit-remaining': String(report.remaining),
    'x-ratelimit-reset': String(report.reset),
  };
}

export class RateLimitedError extends ApiError {
  constructor(
    message: string,
    retryAfterSeconds: number,
    window?: { limit: number; remaining: number; reset: number },
  ) {
    super(
      'rate_limited',
      message,
      {},
      {
        'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))),
        ...(window ? rateLimitHeaders(window) : {}),
      },
    );
    this.name = 'RateLimitedError';
  }
}

export class QuotaExceededError extends ApiError {
  constructor(message: string) {
    super('quota_exceeded', message);
    this.name = 'QuotaExceededError';
  }
}

export class PayloadTooLargeError extends ApiError {
  constructor(message: string) {
    super('payload_too_large', message);
    this.name = 'PayloadTooLargeError';
  }
}

/** The JSON body of an error response: `{error, code}` plus the error's details (`field`, …). */
export function errorBody(error: ApiError): Record<string, unknown> {
  return { error: error.message, code: error.code, ...error.details };
}
