import { routeOf } from '#functions/api/route-of.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { verifyOtpSchema } from '#shared/otp/otp-schema.ts';
import { verifyOtp } from '#shared/otp/otp-service.ts';

/** `POST /api/v1/otp/verify`: `{ok:true}` once for the latest code, else `otp_invalid` / `otp_expired`. */
export const handler = apiHandler(
  { route: routeOf('POST /api/v1/otp/verify'), body: verifyOtpSchema },
  async ({ caller, body }) => ({ body: await verifyOtp(caller, body) }),
);
