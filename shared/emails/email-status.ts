/** Every status an email can have (contract, "Sending"). */
export const emailStatuses = [
  'queued',
  'scheduled',
  'sent',
  'delivered',
  'delivery_delayed',
  'bounced',
  'complained',
  'rejected',
  'failed',
  'suppressed',
  'canceled',
  'test',
] as const;

export type EmailStatus = (typeof emailStatuses)[number];

/**
 * How strong each status is. SES events arrive out of order and more than once, so a
 * status only ever moves to a stronger one: complained > bounced > delivered >
 * delivery_delayed > sent > queued. Terminal outcomes decided before SES accepted
 * the message (rejected, failed, suppressed, test) are never overwritten.
 */
const rank: Record<EmailStatus, number> = {
  queued: 0,
  scheduled: 0,
  sent: 10,
  delivery_delayed: 20,
  delivered: 30,
  bounced: 50,
  complained: 60,
  rejected: 100,
  failed: 100,
  suppressed: 100,
  canceled: 100,
  test: 100,
};

/** The statuses an email may be in for `next` to replace it. */
export function statusesWeakerThan(next: EmailStatus): EmailStatus[] {
  return emailStatuses.filter((status) => rank[status] < rank[next]);
}
