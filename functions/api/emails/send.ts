import { routeOf } from '#functions/api/route-of.ts';
import { admitEmail } from '#shared/admission/admit-email.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { largeEmailAdvice, restBodyLimitBytes } from '#shared/http/body-limits.ts';
import * as z from '#shared/zod.ts';

/** `POST /api/v1/emails`: accept one email for asynchronous delivery. */
export const handler = apiHandler(
  {
    route: routeOf('POST /api/v1/emails'),
    // Any JSON object: the admission path parses it with the send schema.
    body: z.looseObject({}),
    maxBodyBytes: restBodyLimitBytes,
    tooLargeAdvice: largeEmailAdvice,
  },
  async ({ caller, body }) => {
    const accepted = await admitEmail(caller, { request: body });
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
