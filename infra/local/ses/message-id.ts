import { randomUUID } from 'node:crypto';

/**
 * A MessageId shaped like SES's: 16 hex digits (a millisecond timestamp, zero-padded,
 * after SES's `01000` prefix), a UUID, and a six-digit sequence.
 */
export function sesMessageId(now = Date.now()): string {
  const stamp = `01000${now.toString(16)}`.padEnd(16, '0').slice(0, 16);
  return `${stamp}-${randomUUID()}-000000`;
}
