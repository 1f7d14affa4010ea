/**
 * A contact's subscription status: who may set which, and which platform mark wins.
 *
 *   subscribed ⇄ unsubscribed        (the API, the unsubscribe link)
 *        │            │
 *        └─────┬──────┘
 *              ▼
 *           bounced ──▶ complained    (the platform, from SES events)
 *
 * A hard bounce or a complaint of the address marks the contact, whatever it was; a
 * complaint outranks a bounce, and a bounce never replaces a complaint. The API may move a
 * bounced or complained contact back to `subscribed` only once the address is off the
 * project's suppression list (see `contact-service.ts`).
 */
export const contactStatuses = ['subscribed', 'unsubscribed', 'bounced', 'complained'] as const;

export type ContactStatus = (typeof contactStatuses)[number];

/** The statuses a caller may set; the others are the platform's. */
export const settableStatuses = ['subscribed', 'unsubscribed'] as const;

/** What SES events make of a contact. */
export type PlatformMark = 'bounced' | 'complained';

/** Whether a platform mark changes a contact of `status`. */
export function markApplies(status: ContactStatus, mark: PlatformMark): boolean {
  if (status === 'complained') return false;
  return status !== mark;
}
