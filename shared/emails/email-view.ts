import type { EmailEventRecord, EmailRecord } from '#shared/emails/email-store.ts';
import type { emailEventViewSchema, emailViewSchema } from '#shared/emails/email-view-schema.ts';
import type * as z from '#shared/zod.ts';

/**
 * The public shape of an email: no internal fields. `to` is always one string, the
 * recipients joined as a To header joins them ("a@x.com, b@y.com"), however the request
 * gave it: clients of `/api/v1` read `to` as one string, so one shape serves every email.
 */
export function emailView(email: EmailRecord): z.infer<typeof emailViewSchema> {
  return {
    id: email.id,
    object: 'email',
    from: email.from,
    to: typeof email.to === 'string' ? email.to : email.to.join(', '),
    cc: email.cc,
    bcc: email.bcc,
    reply_to: email.replyTo,
    subject: email.subject,
    status: email.status,
    messageId: email.messageId ?? null,
    tags: email.tags,
    ...(email.templateId ? { template_id: email.templateId } : {}),
    ...(email.batchId ? { batch_id: email.batchId } : {}),
    ...(email.campaignId ? { campaign_id: email.campaignId, contact_id: email.contactId } : {}),
    ...(email.suppressed?.length ? { suppressed: email.suppressed } : {}),
    scheduledAt: email.scheduledAt ?? null,
    ...(email.heldAt ? { heldAt: email.heldAt } : {}),
    opens: email.opens,
    clicks: email.clicks,
    ...(email.failureReason ? { failureReason: email.failureReason } : {}),
    createdAt: email.createdAt,
    updatedAt: email.updatedAt,
  };
}

/**
 * The email's history, oldest first. Acceptance is not stored as a row of its own: it
 * is the email's creation, so it costs no extra write on the hot path.
 */
export function eventsView(
  email: EmailRecord,
  events: EmailEventRecord[],
): z.infer<typeof emailEventViewSchema>[] {
  const type = email.mode === 'test' ? 'test' : email.scheduledAt ? 'scheduled' : 'queued';
  const accepted = { type, createdAt: email.createdAt };
  return [
    accepted,
    ...events.map((event) => ({ type: event.type, createdAt: event.createdAt, ...event.details })),
  ];
}
