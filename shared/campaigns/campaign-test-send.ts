import type { AcceptedEmail } from '#shared/admission/accept-email.ts';
import { admitEmail } from '#shared/admission/admit-email.ts';
import type { Principal } from '#shared/auth/principal.ts';
import {
  campaignHtml,
  mergeFields,
  unsubscribeHeaders,
  unsubscribeUrl,
} from '#shared/campaigns/campaign-mail.ts';
import { findCampaign } from '#shared/campaigns/campaign-service.ts';
import { testContact, unsubscribeToken } from '#shared/campaigns/unsubscribe-token.ts';
import { ApiError } from '#shared/errors.ts';

/**
 * `POST /api/v1/campaigns/:id/test`: the campaign merged for each address (as a contact
 * without a name) and sent through the ordinary send path, without launching it. Its
 * unsubscribe link is a test link that changes nothing.
 */
export async function sendCampaignTest(
  caller: Principal,
  id: string,
  to: string[],
  publicUrl: string,
): Promise<(AcceptedEmail & { to: string })[]> {
  const campaign = await findCampaign(caller, id);
  const token = await unsubscribeToken({
    projectId: caller.projectId,
    contactId: testContact,
    campaignId: id,
  });
  const link = unsubscribeUrl(publicUrl, token);
  const sent: (AcceptedEmail & { to: string })[] = [];
  for (const address of to) {
    const values = { name: '', email: address, unsubscribe_url: link };
    try {
      const accepted = await admitEmail(caller, {
        parsed: {
          from: campaign.from,
          to: address,
          subject: mergeFields(campaign.subject, values, 'subject'),
          html: campaignHtml(campaign.content, values),
          headers: unsubscribeHeaders(publicUrl, token),
          tags: { campaign_test: campaign.id.replace(/^cmp_/, '') },
        },
      });
      sent.push({ ...accepted, to: address });
    } catch (error) {
      // One suppressed address does not stop the others; anything else is the request's error.
      if (!(error instanceof ApiError) || error.code !== 'all_recipients_suppressed') throw error;
      sent.push({ id: '', status: 'suppressed', suppressed: [address], to: address });
    }
  }
  return sent;
}
