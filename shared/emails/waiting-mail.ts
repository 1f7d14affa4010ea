import { type EmailPayload, type SendMessage, storePayload } from '#shared/emails/email-payload.ts';
import {
  setAside,
  takeOffWaitingList,
  type WaitingEmail,
  type WaitingList,
  waitingEmails,
} from '#shared/emails/email-store.ts';
import { requeueEmails } from '#shared/emails/requeue.ts';
import { inParallel } from '#shared/in-parallel.ts';
import { logger } from '#shared/logger.ts';

/**
 * Waiting mail: an email that may not go out yet, and must not be dropped, is set aside
 * on a waiting list until what stops it passes, then released (queued again).
 *
 *   queued ──set aside──▶ waiting (held: account not active · parked: campaign paused)
 *      ▲                       │
 *      └──────release──────────┘  (only entries the release read, by their mark)
 *
 * Held and parked mail are one mechanism (`shared/emails/email-store.ts` keeps the lists):
 * every release path takes off only the entries it read and queued, so an email set
 * aside again meanwhile (a sender that still saw the account inactive or the campaign
 * paused) stays on its list for the next release instead of being lost.
 */

/**
 * Sets a queued email aside while its account is not active, instead of sending or
 * dropping it: its payload goes to S3 and the email joins the account's held list.
 */
export async function holdForAccount(message: SendMessage, payload: EmailPayload): Promise<void> {
  const payloadKey = message.payloadKey ?? (await storePayload(message.emailId, payload));
  const list = { kind: 'held', accountId: message.accountId } as const;
  if (await setAside(message.projectId, message.emailId, list, new Date().toISOString(), payloadKey))
    logger.info('email held: its account is not active', { emailId: message.emailId });
}

/**
 * Parks a waiting campaign email while its campaign is paused: resuming queues it again.
 * False when it is no longer waiting or already claimed.
 */
export function parkForCampaign(message: SendMessage & { campaign: { id: string } }): Promise<boolean> {
  const list = { kind: 'parked', campaignId: message.campaign.id } as const;
  return setAside(message.projectId, message.emailId, list, new Date().toISOString());
}

/**
 * Releases a waiting list page by page: `queue` puts a page's emails back on their queue
 * and answers those it queued, which alone are taken off the list (each only if it still
 * bears the mark read with it). Stops when the list is empty, when a page frees nothing
 * (all set aside again meanwhile: whatever stops them is back), or at `deadline`.
 * Returns how many emails it released.
 */
export async function releaseWaiting(
  list: WaitingList,
  queue: (emails: WaitingEmail[]) => Promise<WaitingEmail[]>,
  options: { deadline?: number; pageSize?: number } = {},
): Promise<number> {
  let released = 0;
  while (options.deadline === undefined || Date.now() < options.deadline) {
    const page = await waitingEmails(list, options.pageSize ?? 500);
    if (page.length === 0) break;
    let freed = 0;
    await inParallel(await queue(page), 8, async (email) => {
      if (await takeOffWaitingList(list, email)) freed += 1;
    });
    released += freed;
    if (freed === 0) break;
  }
  return released;
}

/** Queues every held email of the account again (after the operator restores it); returns how many. */
export function releaseHeldEmails(accountId: string): Promise<number> {
  return releaseWaiting({ kind: 'held', accountId }, (emails) =>
    requeueEmails(emails.map((email) => ({ ...email, payloadKey: email.payloadKey ?? '' }))),
  );
}
