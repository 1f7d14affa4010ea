import { emailAddress } from '#shared/emails/address.ts';
import * as z from '#shared/zod.ts';

/** What a code is for: a short label (`login`, `subscribe`, …); omitted, `default`. */
const purpose = z._default(
  z
    .string()
    .check(
      z.trim(),
      z.toLowerCase(),
      z.regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be a short label: letters, digits, _ and - (at most 64)'),
    ),
  'default',
);

/** `POST /api/v1/otp/send`. */
export const sendOtpSchema = z
  .strictObject({
    email: emailAddress,
    purpose,
    /** The sender, `"Name <a@d>"` or bare; otherwise the project's default (see `otp-service.ts`). */
    from: z.optional(z.string().check(z.trim(), z.minLength(3), z.maxLength(320))),
    /** With `purpose: "subscribe"`: the list a verified code subscribes the address to. */
    listId: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(100))),
  })
  .check(
    z.refine((input) => input.listId === undefined || input.purpose === 'subscribe', {
      message: 'goes with purpose "subscribe" only',
      path: ['listId'],
    }),
  );

/** `POST /api/v1/otp/verify`. */
export const verifyOtpSchema = z.strictObject({
  email: emailAddress,
  code: z.string().check(z.trim(), z.regex(/^\d{6}$/, 'must be the 6-digit code')),
  purpose,
});

export type SendOtpInput = z.infer<typeof sendOtpSchema>;
export type VerifyOtpInput = z.infer<typeof verifyOtpSchema>;
