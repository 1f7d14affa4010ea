import { routeOf } from '#functions/api/route-of.ts';
import { testCampaignSchema } from '#shared/campaigns/campaign-schema.ts';
import { sendCampaignTest } from '#shared/campaigns/campaign-test-send.ts';
import { asList } from '#shared/emails/send-email-schema.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { publicBaseUrl } from '#shared/http/public-url.ts';

/** `POST /api/v1/campaigns/:id/test {to}`: the merged campaign to at most five addresses, without launching. */
export const handler = apiHandler(
  { route: routeOf('POST /api/v1/campaigns/{id}/test'), body: testCampaignSchema },
  async ({ event, caller, params, body }) => {
    const sent = await sendCampaignTest(caller, params.id ?? '', asList(body.to), publicBaseUrl(event));
    return {
      body: { success: true, data: sent.map(({ id, to, status }) => ({ id: id || null, to, status })) },
    };
  },
);
