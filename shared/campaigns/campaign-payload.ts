import {
  type CampaignRecipient,
  campaignHtml,
  mergeFields,
  unsubscribeHeaders,
  unsubscribeUrl,
} from '#shared/campaigns/campaign-mail.ts';
import type { CampaignRecord } from '#shared/campaigns/campaign-store.ts';
import { unsubscribeToken } from '#shared/campaigns/unsubscribe-token.ts';
import { formatMailbox } from '#shared/emails/address.ts';
import type { EmailPayload } from '#shared/emails/email-payload.ts';
import { textFromHtml } from '#shared/emails/plain-text.ts';

/**
 * Everything the sender needs to send one campaign email: the merged subject and HTML
 * (with a derived text part), and the one-click unsubscribe headers (RFC 2369, RFC 8058)
 * naming the same token as `{{unsubscribe_url}}` (see `headerUnsubscribeUrl`).
 */
export async function campaignPayload(
  campaign: Pick<
    CampaignRecord,
    'id' | 'projectId' | 'from' | 'subject' | 'content' | 'publicUrl' | 'tracking'
  >,
  recipient: CampaignRecipient,
  emailId: string,
): Promise<EmailPayload> {
  const token = await unsubscribeToken({
    projectId: campaign.projectId,
    contactId: recipient.contactId,
    campaignId: campaign.id,
  });
  const link = unsubscribeUrl(campaign.publicUrl ?? '', token);
  const headers = unsubscribeHeaders(campaign.publicUrl ?? '', token);
  const values = { name: recipient.name ?? '', email: recipient.email, unsubscribe_url: link };
  const html = campaignHtml(campaign.content, values);
  return {
    from: formatMailbox(campaign.from),
    to: [recipient.email],
    cc: [],
    bcc: [],
    replyTo: [],
    subject: mergeFields(campaign.subject, values, 'subject'),
    html,
    text: textFromHtml(html, emailId),
    headers,
    tags: {},
    tracking: campaign.tracking ?? { opens: false, clicks: false },
    attachments: [],
  };
}
