import { GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { queues, sesEventsTopic } from '#shared/resources.ts';
import {
  api,
  defaultProject,
  eventually,
  otherProjectKey,
  sendAndWait,
  useLocalAws,
  verifiedDomain,
} from './support.ts';

const env = useLocalAws();
let from = '';
beforeAll(async () => {
  from = `events@${(await verifiedDomain()).domain}`;
});

/** Puts an SNS notification carrying `event` on the events queue, as SNS would. */
async function deliverNotification(messageId: string, event: Record<string, unknown>) {
  const sqs = new SQSClient({});
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: env[queues.sesEvents.envVar],
      MessageBody: JSON.stringify({
        Type: 'Notification',
        MessageId: messageId,
        TopicArn: env[sesEventsTopic.envVar],
        Message: JSON.stringify(event),
        Timestamp: new Date().toISOString(),
      }),
    }),
  );
  sqs.destroy();
}

/** The `mail` of an SES event about one of this project's emails, tagged as the sender tags it. */
/** Resolves once the events queue holds no message, waiting or in flight: every event was handled. */
async function eventsQueueDrained() {
  const sqs = new SQSClient({});
  await eventually(
    async () => {
      const { Attributes = {} } = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: env[queues.sesEvents.envVar],
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      return (
        Number(Attributes.ApproximateNumberOfMessages) +
        Number(Attributes.ApproximateNumberOfMessagesNotVisible)
      );
    },
    (messages) => messages === 0,
  );
  sqs.destroy();
}

const mailOf = (
  email: { id: string; messageId: string },
  owner: { id: string; accountId: string } = defaultProject,
) => ({
  timestamp: new Date().toISOString(),
  messageId: email.messageId,
  destination: ['success@simulator.amazonses.com'],
  tags: {
    mailroom_email_id: [email.id],
    mailroom_project_id: [owner.id],
    mailroom_account_id: [owner.accountId],
  },
});

describe('SES events → status, suppression, counters', () => {
  it('bounce@ ends bounced, suppressed and counted; the bounce is in analytics', async () => {
    const to = `bounce+${Date.now()}@simulator.amazonses.com`;
    const { id } = await sendAndWait({ from, to, subject: 'Bounce', text: 'x' }, 'bounced');
    const listed = await eventually(
      () => api('GET', '/api/v1/suppressions?type=bounce&limit=1000'),
      (response) => response.body.data.some((entry: { email: string }) => entry.email === to),
    );
    expect(listed.body.data.find((entry: { email: string }) => entry.email === to)).toMatchObject({
      type: 'bounce',
      reason: 'General',
      source_email_id: id,
    });
    const bounces = await api('GET', '/api/v1/analytics/bounces?limit=100');
    expect(bounces.body.data).toContainEqual(
      expect.objectContaining({
        email_id: id,
        recipient: to,
        type: 'Permanent',
        subtype: 'General',
        category: 'hard',
      }),
    );
    const today = new Date().toISOString().slice(0, 10);
    const summary = await api('GET', `/api/v1/analytics/summary?from=${today}&to=${today}`);
    expect(summary.body.bounced).toBeGreaterThanOrEqual(1);
    expect(summary.body.days[0]).toMatchObject({ date: today });
  });

  it('complaint@ ends complained and suppressed; ooto@ is delivered and not suppressed', async () => {
    const complainer = `complaint+${Date.now()}@simulator.amazonses.com`;
    await sendAndWait({ from, to: complainer, subject: 'Complaint', text: 'x' }, 'complained');
    const away = `ooto+${Date.now()}@simulator.amazonses.com`;
    await sendAndWait({ from, to: away, subject: 'Away', text: 'x' }, 'delivered');
    const list = await eventually(
      () => api('GET', '/api/v1/suppressions?limit=1000'),
      (response) => response.body.data.some((entry: { email: string }) => entry.email === complainer),
    );
    expect(list.body.data.find((entry: { email: string }) => entry.email === complainer)?.type).toBe(
      'complaint',
    );
    expect(list.body.data.some((entry: { email: string }) => entry.email === away)).toBe(false);
  });

  it('changes nothing when the same SNS message arrives twice', async () => {
    const { id, email } = await sendAndWait(
      { from, to: 'success@simulator.amazonses.com', subject: 'Open', text: 'x' },
      'delivered',
    );
    const open = {
      eventType: 'Open',
      mail: mailOf({ id, messageId: email.messageId }),
      open: { timestamp: new Date().toISOString(), userAgent: 'test', ipAddress: '192.0.2.1' },
    };
    const notificationId = `dup-${Date.now()}`;
    await deliverNotification(notificationId, open);
    await deliverNotification(notificationId, open);
    const read = await eventually(
      () => api('GET', `/api/v1/emails/${id}`),
      (response) => response.body.email.opens >= 1,
    );
    // Once the queue is drained, the second copy was handled too.
    await eventsQueueDrained();
    const again = await api('GET', `/api/v1/emails/${id}`);
    expect(again.body.email.opens).toBe(1);
    expect(again.body.events.filter((event: { type: string }) => event.type === 'opened')).toHaveLength(1);
    // An open moves delivered to opened (never back).
    expect(read.body.email.status).toBe('opened');
  });

  it('attributes an event only to the email whose record it matches, whatever its tags say', async () => {
    const { id, email } = await sendAndWait(
      { from, to: 'success@simulator.amazonses.com', subject: 'Mine', text: 'x' },
      'delivered',
    );
    const bounceOf = (mail: ReturnType<typeof mailOf>) => ({
      eventType: 'Bounce',
      mail,
      bounce: {
        bounceType: 'Permanent',
        bounceSubType: 'General',
        timestamp: new Date().toISOString(),
        bouncedRecipients: [{ emailAddress: `forged+${Date.now()}@example.com` }],
      },
    });
    // Another tenant's tags naming this email, and this email's tags on another SES message.
    const { project } = await otherProjectKey();
    await deliverNotification(
      `forged-${Date.now()}`,
      bounceOf(mailOf({ id, messageId: email.messageId }, project)),
    );
    await deliverNotification(
      `replayed-${Date.now()}`,
      bounceOf(mailOf({ id, messageId: `other-${email.messageId}` })),
    );
    // A genuine event after them, to know both were handled.
    await deliverNotification(`open-${Date.now()}`, {
      eventType: 'Open',
      mail: mailOf({ id, messageId: email.messageId }),
      open: { timestamp: new Date().toISOString(), userAgent: 'test', ipAddress: '192.0.2.1' },
    });
    await eventually(
      () => api('GET', `/api/v1/emails/${id}`),
      (response) => response.body.email.opens >= 1,
    );
    await eventsQueueDrained();
    const read = await api('GET', `/api/v1/emails/${id}`);
    expect(read.body.email.status).toBe('opened');
    expect(read.body.events.map((event: { type: string }) => event.type)).not.toContain('bounced');
  });

  it('keeps bounced when a Delivery arrives after the Bounce', async () => {
    const { id, email } = await sendAndWait(
      { from, to: `bounce+late${Date.now()}@simulator.amazonses.com`, subject: 'Late', text: 'x' },
      'bounced',
    );
    await deliverNotification(`late-${Date.now()}`, {
      eventType: 'Delivery',
      mail: mailOf({ id, messageId: email.messageId }),
      delivery: { timestamp: new Date().toISOString(), recipients: ['x@example.com'] },
    });
    await eventually(
      () => api('GET', `/api/v1/emails/${id}`),
      (response) => response.body.events.some((event: { type: string }) => event.type === 'delivered'),
    );
    expect((await api('GET', `/api/v1/emails/${id}`)).body.email.status).toBe('bounced');
  });
});

describe('suppression list API', () => {
  it('adds by hand (one or many), lists with a type filter and pages, and deletes', async () => {
    const stamp = Date.now();
    const one = await api('POST', '/api/v1/suppressions', {
      body: { email: `Manual.${stamp}@Example.COM`, reason: 'asked' },
    });
    expect(one.status).toBe(200);
    expect(one.body.data).toEqual([`Manual.${stamp}@example.com`]);
    const many = Array.from({ length: 30 }, (_, i) => `bulk${i}.${stamp}@example.net`);
    expect((await api('POST', '/api/v1/suppressions', { body: { emails: many } })).body.added).toBe(30);

    const first = await api('GET', '/api/v1/suppressions?type=manual&limit=10');
    expect(first.body).toMatchObject({ object: 'list', has_more: true });
    expect(first.body.data).toHaveLength(10);
    expect(first.body.data.every((entry: { type: string }) => entry.type === 'manual')).toBe(true);
    const second = await api(
      'GET',
      `/api/v1/suppressions?type=manual&limit=10&startingAfter=${first.body.next_cursor}`,
    );
    expect(second.body.data[0].email > first.body.data[9].email).toBe(true);

    const blocked = await api('POST', '/api/v1/emails', {
      body: { from, to: `manual.${stamp}@example.com`.replace('manual', 'Manual'), subject: 'x', text: 'x' },
    });
    expect(blocked.body.code).toBe('all_recipients_suppressed');

    const removed = await api('DELETE', `/api/v1/suppressions/Manual.${stamp}@EXAMPLE.com`);
    expect(removed.body).toEqual({ email: `Manual.${stamp}@example.com`, deleted: true });
    expect((await api('DELETE', `/api/v1/suppressions/Manual.${stamp}@example.com`)).status).toBe(404);
    const tooMany = await api('POST', '/api/v1/suppressions', {
      body: { emails: Array.from({ length: 1001 }, (_, i) => `x${i}@example.org`) },
    });
    expect(tooMany.body).toMatchObject({ code: 'validation_error', field: 'emails' });
  });
});

describe('GET /api/v1/stats', () => {
  it('answers the project’s counts with rates and the account status', async () => {
    const stats = await api('GET', '/api/v1/stats');
    expect(stats.body).toMatchObject({
      contacts: expect.any(Number),
      campaigns: { total: expect.any(Number), sending: expect.any(Number), completed: expect.any(Number) },
      emailsThisMonth: expect.any(Number),
      domains: expect.any(Number),
      bounceRate24h: expect.any(Number),
      complaintRate24h: expect.any(Number),
      bounceRate30d: expect.any(Number),
      complaintRate30d: expect.any(Number),
      accountStatus: 'active',
    });
    expect(stats.body.emailsThisMonth).toBeGreaterThan(0);
    expect(stats.body.domains).toBeGreaterThan(0);
  });
});
