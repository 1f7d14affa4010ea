import { failEmail } from '#shared/delivery/deliver-email.ts';
import type { SendMessage } from '#shared/emails/email-payload.ts';
import { type EmailRecord, unclaimedQueuedEmails } from '#shared/emails/email-store.ts';
import { asList } from '#shared/emails/send-email-schema.ts';
import { listAccounts, listProjects } from '#shared/tenancy/tenancy-store.ts';
import { WebhookOutbox } from '#shared/webhooks/publish-event.ts';

/**
 * How old a `queued`, unclaimed email must be before it counts as lost: longer than any
 * queue message of it can live (the sender puts an email back for want of SES capacity
 * for about a day, then fails it itself), so only an email whose message never reached
 * the queue is that old and still waiting.
 */
export const lostAfterMs = 26 * 3_600_000;

/** How far before that bound each run looks: several hourly runs see each email. */
const lookbackMs = 3 * 3_600_000;

/** The failure reason a lost email shows. */
export const lostReason = 'accept_interrupted: the email was recorded but never queued';

/**
 * Fails the emails a crash left `queued` forever: recorded, then cut off before their
 * queue message was sent, so nothing will ever send them (and their payload, which
 * travels in the message, is gone). Each becomes `failed` with `lostReason` and its
 * project's webhooks hear `email.failed`, so every accepted email ends in a visible
 * status. Returns how many it failed.
 */
export async function failLostEmails(now = Date.now()): Promise<number> {
  const until = now - lostAfterMs;
  const from = until - lookbackMs;
  const webhooks = new WebhookOutbox();
  let failed = 0;
  for (const account of await listAccounts()) {
    for (const project of await listProjects(account.id)) {
      for (const email of await unclaimedQueuedEmails(project.id, from, until)) {
        await failEmail(messageOf(email), payloadOf(email), lostReason, webhooks);
        failed += 1;
      }
    }
  }
  await webhooks.flush();
  return failed;
}

/** The send message the email would have had, as far as failing it needs. */
function messageOf(email: EmailRecord): SendMessage {
  return {
    emailId: email.id,
    projectId: email.projectId,
    accountId: email.accountId,
    ...(email.campaignId
      ? {
          campaign: {
            id: email.campaignId,
            contactId: email.contactId ?? '',
            email: asList(email.to)[0] ?? '',
          },
        }
      : {}),
  };
}

/** What the webhooks are told of it: the record's own envelope and subject. */
function payloadOf(email: EmailRecord) {
  return {
    from: email.from,
    to: asList(email.to),
    cc: email.cc,
    bcc: email.bcc,
    replyTo: email.replyTo,
    subject: email.subject,
    headers: {},
    tags: email.tags,
    attachments: [],
  };
}
