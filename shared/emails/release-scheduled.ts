import { maxQueueDelaySeconds, payloadKeyOf } from '#shared/emails/email-payload.ts';
import { dueForRelease, markReleased } from '#shared/emails/email-store.ts';
import { requeueEmails } from '#shared/emails/requeue.ts';

/**
 * The release sweep: emails scheduled beyond SQS's 15-minute delay wait in the table
 * (payload in S3); each run queues those due within the next 14 minutes, delayed to
 * their exact time, and takes them off the sweep. One that the queue refused stays for
 * the next run.
 */
export async function releaseScheduledEmails(now = Date.now()): Promise<number> {
  const horizon = new Date(now + (maxQueueDelaySeconds - 60) * 1000).toISOString();
  const due = await dueForRelease(horizon);
  const queued = await requeueEmails(
    due.map((email) => ({ ...email, payloadKey: payloadKeyOf(email.id) })),
    now,
  );
  for (const email of queued) await markReleased(email.projectId, email.id);
  return due.length;
}
