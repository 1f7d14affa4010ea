import { admitEmail } from '#shared/admission/admit-email.ts';
import type { Principal } from '#shared/auth/principal.ts';
import { maxBatchSize } from '#shared/emails/send-email-schema.ts';
import { batchedQueue, type QueueEmail } from '#shared/emails/send-queue.ts';
import { ApiError } from '#shared/errors.ts';
import { newId } from '#shared/ids.ts';
import { consumeSendAllowance } from '#shared/limits/account-limits.ts';
import { logger } from '#shared/logger.ts';

export interface BatchRow {
  id: string | null;
  to: unknown;
  status: string;
  error: string | null;
  code?: string;
  suppressed?: string[];
}

/** Rows accepted at once; enough to overlap the round trips, few enough to stay gentle. */
const concurrency = 10;

/**
 * The row's `to`, echoed back only when it could be one (an address, or a list of at
 * most 50): the answer stays small whatever a row holds, so it can be kept for replays.
 */
function echoOf(to: unknown): unknown {
  const address = (value: unknown) => typeof value === 'string' && value.length <= 320;
  if (address(to)) return to;
  if (Array.isArray(to) && to.length <= 50 && to.every(address)) return to;
  return null;
}

async function acceptRow(
  caller: Principal,
  row: unknown,
  batchId: string,
  queue: QueueEmail,
): Promise<BatchRow> {
  const to = typeof row === 'object' && row !== null ? echoOf((row as { to?: unknown }).to) : null;
  try {
    const accepted = await admitEmail(caller, { request: row }, { batchId, allowanceTaken: true, queue });
    return {
      id: accepted.id,
      to,
      status: accepted.status,
      error: null,
      ...(accepted.suppressed.length > 0 ? { suppressed: accepted.suppressed } : {}),
    };
  } catch (error) {
    if (error instanceof ApiError)
      return { id: null, to, status: 'failed', error: error.message, code: error.code };
    logger.error('batch row failed', { batchId, error });
    return {
      id: null,
      to,
      status: 'failed',
      error: 'Internal error; retrying this row is safe.',
      code: 'internal_error',
    };
  }
}

/**
 * Accepts up to 100 emails, each judged alone, so one bad row never costs the others: a row that fails
 * validation, domain or suppression checks is reported in its place and the others go out.
 */
export async function acceptBatch(caller: Principal, rows: unknown[]) {
  if (rows.length > maxBatchSize) {
    throw new ApiError(
      'batch_too_large',
      `A batch holds at most ${maxBatchSize} emails; this one has ${rows.length}.`,
      {
        field: 'emails',
      },
    );
  }
  // Every row counts against the account's windows and quota, whatever becomes of it.
  await consumeSendAllowance(caller, rows.length);
  const batchId = newId('batch');
  const results: BatchRow[] = new Array(rows.length);
  // The rows' queue messages go ten to a request.
  let accepting = 0;
  const queue = batchedQueue(() => accepting);
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < rows.length; index = next++) {
      accepting += 1;
      results[index] = await acceptRow(caller, rows[index], batchId, queue).finally(() => {
        accepting -= 1;
        queue.settle();
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, rows.length) }, worker));
  const sent = results.filter((row) => row.id !== null).length;
  return {
    object: 'batch',
    batch_id: batchId,
    total: rows.length,
    sent,
    failed: rows.length - sent,
    data: results,
  };
}
