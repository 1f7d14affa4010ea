import { ApiError } from '#shared/errors.ts';
import { IdempotencyInProgressError } from '#shared/idempotency/idempotency-store.ts';

/** An SMTP reply smtp-server sends for an error: `responseCode` and an enhanced status in the text. */
export function smtpError(responseCode: number, message: string): Error & { responseCode: number } {
  return Object.assign(new Error(message), { responseCode });
}

/** Failures a later attempt may get past: AWS's throttles and server faults, a dropped connection, a denied call an operator can grant. */
function isTransient(error: unknown): boolean {
  const failure = error as { $fault?: string; $retryable?: unknown; name?: string; code?: string };
  if (failure.$retryable || failure.$fault === 'server') return true;
  if (
    /Throttl|TooManyRequests|ProvisionedThroughput|RequestLimit|TransactionConflict|Timeout|AccessDenied/.test(
      failure.name ?? '',
    )
  )
    return true;
  return /^(ECONN|ETIMEDOUT|EPIPE|EAI_AGAIN|ENOTFOUND|EHOSTUNREACH|UND_ERR)/.test(failure.code ?? '');
}

/**
 * The session's key was revoked, or lost its sending scope, since AUTH. It is an
 * authentication failure wherever the session meets it (MAIL FROM or DATA), so clients
 * see the one answer they know means "your credentials no longer work".
 */
export class KeyWithdrawnError extends Error {}

const keyWithdrawn = () => smtpError(535, '5.7.8 This API key was revoked or may no longer send email');

/**
 * The SMTP answer for a refusal of the accept service, chosen so clients retry what may
 * pass later (4xx: limits, hiccups) and give up on what never will (5xx): a client
 * retries a 4xx for days, so anything else that went wrong is a 5xx.
 */
export function replyFor(error: unknown): Error & { responseCode: number } {
  if (error instanceof KeyWithdrawnError) return keyWithdrawn();
  if (!(error instanceof ApiError)) {
    return isTransient(error)
      ? smtpError(451, '4.3.0 Temporary failure, try again later')
      : smtpError(554, '5.3.0 The message could not be accepted; sending it again will not help');
  }
  if (error instanceof IdempotencyInProgressError) return smtpError(451, `4.5.0 ${error.message}`);
  switch (error.code) {
    case 'rate_limited':
      return smtpError(451, `4.7.1 ${error.message}`);
    case 'quota_exceeded':
      return smtpError(452, `4.3.1 ${error.message}`);
    case 'account_flagged':
    case 'account_suspended':
    case 'account_deactivated':
    case 'domain_not_verified':
    case 'forbidden':
      return smtpError(550, `5.7.1 ${error.message}`);
    case 'all_recipients_suppressed':
      return smtpError(550, `5.1.1 ${error.message}`);
    case 'payload_too_large':
      return smtpError(552, `5.3.4 ${error.message}`);
    case 'internal_error':
      return smtpError(451, '4.3.0 Temporary failure, try again later');
    default:
      return smtpError(550, `5.6.0 ${error.message}`);
  }
}
