import { routeOf } from '#functions/api/route-of.ts';
import { acceptEmail } from '#shared/admission/accept-email.ts';
import { sendEmailSchema } from '#shared/emails/send-email-schema.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { largeEmailAdvice, restBodyLimitBytes } from '#shared/http/body-limits.ts';

/** `POST /api/v1/emails`: accept one email for asynchronous delivery. */
export const handler = apiHandler(
  {
    route: routeOf('POST /api/v1/emails'),
    body: sendEmailSchema,
    maxBodyBytes: restBodyLimitBytes,
    tooLargeAdvice: largeEmailAdvice,
  },
  async ({ caller, body }) => {
    const accepted = await acceptEmail(caller, body);
    return {
      body: {
        id: accepted.id,
        success: true,
        status: accepted.status,
        ...(accepted.suppressed.length > 0 ? { suppressed: accepted.suppressed } : {}),
      },
    };
  },
);
