import { routeOf } from '#functions/api/route-of.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { sendOtpSchema } from '#shared/otp/otp-schema.ts';
import { sendOtp } from '#shared/otp/otp-service.ts';

/** `POST /api/v1/otp/send`: email a new 6-digit code, good for 10 minutes. */
export const handler = apiHandler(
  { route: routeOf('POST /api/v1/otp/send'), body: sendOtpSchema },
  async ({ caller, body }) => ({ body: await sendOtp(caller, body, caller.rateLimits) }),
);
