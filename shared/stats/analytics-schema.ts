import { z } from 'zod';

const day = z.iso.date({ message: 'must be a date such as 2026-11-01' });

/** `GET /api/v1/analytics/summary?from&to`: UTC days, at most a year apart; the last 30 days by default. */
export const summaryQuerySchema = z
  .object({
    from: day.default(() => new Date(Date.now() - 29 * 86_400_000).toISOString().slice(0, 10)),
    to: day.default(() => new Date().toISOString().slice(0, 10)),
  })
  .refine((range) => range.from <= range.to, { message: 'from must not be after to', path: ['from'] })
  .refine((range) => Date.parse(range.to) - Date.parse(range.from) <= 366 * 86_400_000, {
    message: 'the range may span at most a year',
    path: ['from'],
  });

/** `GET /api/v1/analytics/bounces?limit&cursor`. */
export const bouncesQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().min(1).max(600).optional(),
});
