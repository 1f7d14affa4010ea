import type { components } from './openapi.ts';

/** The API's machine codes, plus the two a call can end in without an answer from it. */
export type ErrorCode = components['schemas']['Error']['code'] | 'network_error' | 'application_error';

/** An error answer of the API (or a request that never got one). */
export interface MailroomApiError {
  /** What went wrong, for people. */
  message: string;
  /**
   * What went wrong, for code: the API's error `code`, `network_error`, or
   * `application_error` for an unreadable answer.
   */
  code: ErrorCode;
  /** The HTTP status, or null when no answer came. */
  statusCode: number | null;
  /** The request field a validation error is about. */
  field?: string;
  /** The account's state, when a reputation block refused the request. */
  accountStatus?: 'flagged' | 'suspended' | 'deactivated';
  /** The suppressed recipients, when every recipient was (`all_recipients_suppressed`). */
  suppressed?: string[];
  /** `X-Request-Id` of the answer, for support. */
  requestId?: string;
}

/**
 * What every call returns: never throws for an API error (unless the client was made
 * with `throwOnError`). `headers` carries the rate-limit figures of the answer.
 */
export type Result<T> =
  | { data: T; error: null; headers: Headers }
  | { data: null; error: MailroomApiError; headers: Headers | null };

/** Thrown instead of returned when the client has `throwOnError: true`. */
export class MailroomError extends Error implements MailroomApiError {
  readonly code: ErrorCode;
  readonly statusCode: number | null;
  readonly field?: string;
  readonly accountStatus?: MailroomApiError['accountStatus'];
  readonly requestId?: string;
  readonly suppressed?: string[];

  constructor(error: MailroomApiError) {
    super(error.message);
    this.name = 'MailroomError';
    this.code = error.code;
    this.statusCode = error.statusCode;
    if (error.field !== undefined) this.field = error.field;
    if (error.accountStatus !== undefined) this.accountStatus = error.accountStatus;
    if (error.requestId !== undefined) this.requestId = error.requestId;
    if (error.suppressed !== undefined) this.suppressed = error.suppressed;
  }
}
