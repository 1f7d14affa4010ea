import { TtlCache } from '#shared/cache/ttl-cache.ts';
import { type CampaignRecord, campaignCountItem, getCampaign } from '#shared/campaigns/campaign-store.ts';
import type { SendMessage } from '#shared/emails/email-payload.ts';
import { cancelCampaignEmail } from '#shared/emails/email-store.ts';
import { SendDeferredError } from '#shared/emails/send-deferred.ts';
import { parkForCampaign } from '#shared/emails/waiting-mail.ts';
import { logger } from '#shared/logger.ts';
import { settings } from '#shared/settings.ts';

/** A sender's copies of campaigns: a pause or cancel reaches every sender within `lifetimes.campaign`. */
const campaigns = new TtlCache<string, Promise<CampaignRecord | undefined>>(
  () => settings().lifetimes.campaign,
  // A sender meets few campaigns.
  { maxEntries: 1000 },
);

const campaignOf = (projectId: string, id: string) =>
  campaigns.remember(`${projectId}/${id}`, () => getCampaign(projectId, id, { consistent: false }));

/**
 * Whether a campaign email may go to SES now, asked just before sending: yes while its
 * campaign is sending; a paused campaign's email is parked (resuming queues it again), a
 * cancelled (or vanished) campaign's email is canceled and counted. Any other status on
 * this sender's copy (a read from just before a launch or a scheduled start) is read
 * again, strongly consistent, and if it still says neither, the email waits
 * (`SendDeferredError`). The answer for `send` carries the campaign, from which the email
 * is rendered.
 */
export async function campaignGate(
  message: SendMessage & { campaign: NonNullable<SendMessage['campaign']> },
): Promise<{ send: true; campaign: CampaignRecord } | { send: false }> {
  let campaign = await campaignOf(message.projectId, message.campaign.id);
  if (!campaign || !decided(campaign.status)) {
    campaign = await getCampaign(message.projectId, message.campaign.id, { consistent: true });
    campaigns.set(`${message.projectId}/${message.campaign.id}`, Promise.resolve(campaign));
  }
  const now = new Date().toISOString();
  if (campaign && (campaign.status === 'sending' || campaign.status === 'completed'))
    return { send: true, campaign };
  if (campaign?.status === 'paused') {
    if (await parkForCampaign(message))
      logger.info('campaign email parked: its campaign is paused', { emailId: message.emailId });
    return { send: false };
  }
  if (campaign && campaign.status !== 'cancelled')
    throw new SendDeferredError(`the campaign is ${campaign.status}; the email waits`);
  await cancelCampaignEmail(message.projectId, message.emailId, now, [
    campaignCountItem(message.campaign.id, message.emailId, 'canceled'),
  ]);
  return { send: false };
}

/** Statuses that settle what a campaign's queued email does. */
const decided = (status: string) => ['sending', 'completed', 'paused', 'cancelled'].includes(status);
