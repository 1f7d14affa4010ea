import { pageCursor } from '#shared/pagination/page-cursor.ts';
import * as z from '#shared/zod.ts';

const day = z.iso.date({ message: 'must be a date such as 2026-11-01' });

/** `GET /api/v1/analytics/summary?from&to`: UTC days, at most a year apart; the last 30 days by default. */
export const summaryQuerySchema = z
  .object({
    from: z._default(day, () => new Date(Date.now() - 29 * 86_400_000).toISOString().slice(0, 10)),
    to: z._default(day, () => new Date().toISOString().slice(0, 10)),
  })
  .check(
    z.refine((range) => range.from <= range.to, { message: 'from must not be after to', path: ['from'] }),
    z.refine((range) => Date.parse(range.to) - Date.parse(range.from) <= 366 * 86_400_000, {
      message: 'the range may span at most a year',
      path: ['from'],
    }),
  );

/** The bounce list's cursor: the last bounce's sort key, which the query compares as it is. */
export const bounceCursor = pageCursor({ form: 'plain', valid: (position) => position.length > 0 });

/** `GET /api/v1/analytics/bounces?limit&cursor`. */
export const bouncesQuerySchema = z.object({
  limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), 50),
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(600))),
});
