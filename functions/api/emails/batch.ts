import { routeOf } from '#functions/api/route-of.ts';
import { acceptBatch } from '#shared/admission/accept-batch.ts';
import { batchSchema } from '#shared/emails/send-email-schema.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { largeEmailAdvice, restBodyLimitBytes } from '#shared/http/body-limits.ts';

/** `POST /api/v1/emails/batch`: up to 100 emails, each judged alone. */
export const handler = apiHandler(
  {
    route: routeOf('POST /api/v1/emails/batch'),
    body: batchSchema,
    maxBodyBytes: restBodyLimitBytes,
    tooLargeAdvice: largeEmailAdvice,
  },
  async ({ caller, body }) => ({ body: await acceptBatch(caller, body.emails) }),
);
