/** Every webhook event a subscriber may name (docs/webhooks-and-events.md). */
export const webhookEvents = [
  'email.queued',
  'email.sent',
  'email.delivered',
  'email.delivery_delayed',
  'email.bounced',
  'email.soft_bounced',
  'email.complained',
  'email.opened',
  'email.clicked',
  'email.failed',
  'email.unsubscribed',
  'contact.created',
  'contact.updated',
  'contact.deleted',
  'campaign.sending',
  'campaign.paused',
  'campaign.completed',
] as const;

export type WebhookEvent = (typeof webhookEvents)[number];

/** The webhook event for an email history event (`delivered` → `email.delivered`), if any. */
export function webhookEventFor(historyType: string): WebhookEvent | undefined {
  if (historyType === 'rejected') return 'email.failed';
  const name = `email.${historyType}`;
  return (webhookEvents as readonly string[]).includes(name) ? (name as WebhookEvent) : undefined;
}
