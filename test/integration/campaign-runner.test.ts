import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addProjectKey,
  api,
  apiUrl,
  capturedMail,
  eventually,
  sesUrl,
  type Tenant,
  tenantWithDomain,
  useLocalAws,
} from './support.ts';
import { Receiver } from './webhook-receiver.ts';

useLocalAws();

let domain = '';
let project: Tenant['project'];
const receiver = new Receiver();

beforeAll(async () => {
  let key: string;
  ({ project, domain, key } = await tenantWithDomain());
  const hook = await api('POST', '/api/v1/webhooks', {
    key,
    body: { url: await receiver.start(), events: ['campaign.completed'] },
  });
  expect(hook.status).toBe(200);
});
afterAll(() => receiver.stop());

/** The campaign's `campaign.completed` webhook, once it came. */
const completedEvent = (id: string) =>
  eventually(
    async () =>
      receiver
        .events('campaign.completed')
        .map((request) => JSON.parse(request.body))
        .find((event) => event.data.campaign_id === id),
    (event) => event !== undefined,
    60_000,
  );

/** Launched as the launch route does, but off the ticks' list: the test runs the first tick itself. */
async function launchOffTicks(id: string, recipients: number) {
  const { transitionCampaign } = await import('#shared/campaigns/campaign-store.ts');
  await transitionCampaign(project.id, id, 'launch', new Date().toISOString(), {
    status: 'sending',
    set: {
      jobId: `job_${id.slice(4)}`,
      launchedAt: new Date().toISOString(),
      publicUrl: apiUrl,
      authority: 'verified',
      plannedRecipients: recipients,
      cursor: '',
      expanded: false,
      written: 0,
      skipped: 0,
      tested: 0,
    },
  });
}

const call = async (method: string, path: string, body?: unknown) =>
  api(method, path, { key: await addProjectKey(project), ...(body === undefined ? {} : { body }) });

async function campaignTo(label: string, count: number) {
  const list = await call('POST', '/api/v1/lists', { name: label });
  const contacts = Array.from({ length: count }, (_, i) => ({ email: `${label}-${i}@example.com` }));
  const imported = await call('POST', '/api/v1/contacts/import', { listId: list.body.id, contacts });
  expect(imported.body.importedCount).toBe(count);
  const created = await call('POST', '/api/v1/campaigns', {
    name: label,
    subject: `${label} news`,
    fromEmail: `news@${domain}`,
    listId: list.body.id,
    content: '<p>Hello {{email}}</p>',
  });
  return created.body.id as string;
}

/** The campaign once `done` accepts it (read every second with a new key: reads are 60 a minute per key). */
async function waitFor(id: string, done: (data: Record<string, unknown>) => boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await call('GET', `/api/v1/campaigns/${id}`);
    if (body.data && done(body.data)) return body.data;
    if (Date.now() > deadline) throw new Error(`campaign not as expected: ${JSON.stringify(body)}`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

const completed = (id: string, timeoutMs: number) =>
  waitFor(id, (data) => data.status === 'completed', timeoutMs);

/** Sends the local SES refused for the rate so far. */
const throttles = async () =>
  ((await (await fetch(`${sesUrl}/_local/account/throttles`)).json()) as { throttled: number }).throttled;

/** How many messages the local SES took for each recipient of the campaign. */
async function deliveriesPerRecipient(id: string) {
  const counts = new Map<string, number>();
  for (const mail of await capturedMail())
    if (mail.tags.mailroom_campaign_id === id)
      for (const to of mail.destination) counts.set(to, (counts.get(to) ?? 0) + 1);
  return counts;
}

describe('the campaign runner', () => {
  it('neither skips nor doubles anyone when a run dies after queueing part of a page and the next run replays it', async () => {
    const label = `crash-${Date.now()}`;
    const id = await campaignTo(label, 120);
    const { transitionCampaign, getCampaign } = await import('#shared/campaigns/campaign-store.ts');
    const { runCampaignTick } = await import('#shared/campaigns/campaign-runner.ts');
    const { queueBulkEmails } = await import('#shared/emails/send-queue.ts');
    // Launched as the launch route does, but off the ticks' list: this test runs the first tick itself.
    await transitionCampaign(project.id, id, 'launch', new Date().toISOString(), {
      status: 'sending',
      set: {
        jobId: 'job_crash',
        launchedAt: new Date().toISOString(),
        publicUrl: apiUrl,
        authority: 'verified',
        plannedRecipients: 120,
        cursor: '',
        expanded: false,
        written: 0,
        skipped: 0,
        tested: 0,
      },
    });
    // The run dies after handing 25 emails of its first page to the queue.
    let queued = 0;
    const dying = async (messages: Parameters<typeof queueBulkEmails>[0]) => {
      const room = Math.max(0, 25 - queued);
      await queueBulkEmails(messages.slice(0, room));
      queued += Math.min(room, messages.length);
      if (messages.length > room) throw new Error('the runner died here');
    };
    await expect(runCampaignTick(project.id, id, dying)).rejects.toThrow('the runner died here');
    const afterCrash = await getCampaign(project.id, id);
    expect(afterCrash).toMatchObject({ cursor: '', written: 0 });

    // The runner comes back (SQS redelivers its tick): here through pause and resume, which tick it.
    expect((await call('POST', `/api/v1/campaigns/${id}/pause`)).status).toBe(200);
    expect((await call('POST', `/api/v1/campaigns/${id}/resume`)).status).toBe(200);
    const done = await completed(id, 90_000);
    expect(done.progress).toEqual({ total: 120, queued: 0, sent: 120, skipped: 0, failed: 0, percent: 100 });
    const counts = await deliveriesPerRecipient(id);
    expect(counts.size).toBe(120);
    expect([...counts.values()].every((count) => count === 1)).toBe(true);
  }, 120_000);

  it('counts every send when the counter’s transactions keep conflicting (its fallback), and completes', async () => {
    const label = `conflict-${Date.now()}`;
    const id = await campaignTo(label, 12);
    const { dynamo } = await import('#shared/aws/dynamodb.ts');
    const { runCampaignTick } = await import('#shared/campaigns/campaign-runner.ts');
    const { deliverEmail } = await import('#shared/delivery/deliver-email.ts');
    const { SendBudget } = await import('#shared/emails/send-rate.ts');
    const { WebhookOutbox } = await import('#shared/webhooks/publish-event.ts');
    // In this process only: every transaction on the campaign's counters meets another
    // (so the sender falls back to writing the email and its counter one after the
    // other), and every other plain write to them meets one too, as DynamoDB answers a
    // write to an item a transaction holds.
    let plainWrites = 0;
    const injected = 'injected-counter-conflicts';
    dynamo.middlewareStack.add(
      (next) => async (args) => {
        const request = (args as { request?: { body?: unknown; headers?: Record<string, string> } }).request;
        const raw = request?.body;
        const body =
          typeof raw === 'string' ? raw : raw instanceof Uint8Array ? Buffer.from(raw).toString('utf8') : '';
        const target = request?.headers?.['x-amz-target'] ?? '';
        if (body.includes(`CAMPAIGNSTATS#${id}`)) {
          if (target.endsWith('.TransactWriteItems'))
            throw Object.assign(new Error('Transaction cancelled'), {
              name: 'TransactionCanceledException',
              CancellationReasons: [{ Code: 'None' }, { Code: 'TransactionConflict' }],
            });
          if (target.endsWith('.UpdateItem') && plainWrites++ % 2 === 0)
            throw Object.assign(new Error('Transaction is ongoing for the item'), {
              name: 'TransactionConflictException',
            });
        }
        return next(args);
      },
      { step: 'build', name: injected },
    );
    await launchOffTicks(id, 12);
    try {
      // The run's emails go to SES from this process, as the bulk sender would send them;
      // a send that throws is left as its redelivered message would find it.
      const sendHere = async (messages: Parameters<typeof deliverEmail>[0][]) => {
        const context = { budget: new SendBudget(messages.length, 1), webhooks: new WebhookOutbox() };
        await Promise.all(
          messages.map((message) =>
            deliverEmail(message, Date.now() + 60_000, context).catch(() => undefined),
          ),
        );
        await context.webhooks.flush();
      };
      await runCampaignTick(project.id, id, sendHere);
    } finally {
      dynamo.middlewareStack.remove(injected);
    }
    expect(plainWrites).toBeGreaterThan(0);
    expect((await deliveriesPerRecipient(id)).size).toBe(12);

    // Every send counted: the run that wrote the last page finds nothing outstanding and completes it.
    const done = await completed(id, 60_000);
    expect(done.progress).toEqual({ total: 12, queued: 0, sent: 12, skipped: 0, failed: 0, percent: 100 });
    expect((await completedEvent(id)).data).toMatchObject({ campaign_id: id, status: 'completed' });
  }, 120_000);

  it('heals its progress: a campaign whose recipients are all settled completes whatever its counters say', async () => {
    const label = `heal-${Date.now()}`;
    const id = await campaignTo(label, 20);
    const launched = await call('POST', `/api/v1/campaigns/${id}/launch`);
    expect(launched.body.status).toBe('sending');
    // A count lost for good (a process that died between an email's change and its counter's).
    const { dynamo, tableName } = await import('#shared/aws/dynamodb.ts');
    const { UpdateCommand } = await import('@aws-sdk/lib-dynamodb');
    await dynamo.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: { pk: `CAMPAIGNSTATS#${id}`, sk: '0' },
        UpdateExpression: 'ADD sent :lost',
        ExpressionAttributeValues: { ':lost': -1 },
      }),
    );
    const done = await completed(id, 90_000);
    expect(done.progress).toEqual({ total: 20, queued: 0, sent: 20, skipped: 0, failed: 0, percent: 100 });
    expect(done.sentCount).toBe(20);
    expect((await completedEvent(id)).data).toMatchObject({ campaign_id: id, status: 'completed' });
    const counts = await deliveriesPerRecipient(id);
    expect(counts.size).toBe(20);
    expect([...counts.values()].every((count) => count === 1)).toBe(true);
    // Its list is free again.
    expect((await call('DELETE', `/api/v1/lists/${done.listId}`)).status).toBe(200);
  }, 120_000);

  it('pauses itself when its account leaves active, and sends the rest once restored and resumed', async () => {
    const label = `flagged-${Date.now()}`;
    const id = await campaignTo(label, 40);
    const { changeAccountStatus } = await import('#shared/tenancy/tenancy-store.ts');
    const change = (from: 'active' | 'flagged', to: 'active' | 'flagged') =>
      changeAccountStatus(project.accountId, {
        from,
        to,
        reason: 'test',
        by: 'operator',
        at: new Date().toISOString(),
      });
    expect((await call('POST', `/api/v1/campaigns/${id}/launch`)).body.status).toBe('sending');
    expect(await change('active', 'flagged')).toBe(true);
    const paused = await waitFor(id, (data) => data.status === 'paused', 30_000);
    expect(paused.pausedReason).toBe('account_not_active');

    expect(await change('flagged', 'active')).toBe(true);
    // The API trusts its copy of the account's status for a few seconds.
    const deadline = Date.now() + 15_000;
    let resumed = await call('POST', `/api/v1/campaigns/${id}/resume`);
    while (resumed.status === 403 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      resumed = await call('POST', `/api/v1/campaigns/${id}/resume`);
    }
    expect(resumed.status).toBe(200);
    const done = await completed(id, 90_000);
    expect(done.progress).toMatchObject({ total: 40, sent: 40, queued: 0 });
    const counts = await deliveriesPerRecipient(id);
    expect(counts.size).toBe(40);
    expect([...counts.values()].every((count) => count === 1)).toBe(true);
  }, 150_000);

  it('keeps a share of the SES rate for transactional mail: single sends overtake the campaign, and SES never throttles', async () => {
    const label = `pace-${Date.now()}`;
    const id = await campaignTo(label, 200);
    // At the suite's MaxSendRate (14): campaigns fill 11 of each second's sends, 3 stay free.
    const throttledBefore = await throttles();
    expect((await call('POST', `/api/v1/campaigns/${id}/launch`)).body.status).toBe('sending');
    // Once the campaign is well under way, a few password resets.
    const started = Date.now();
    while ((await deliveriesPerRecipient(id)).size < 40 && Date.now() - started < 60_000)
      await new Promise((resolve) => setTimeout(resolve, 200));
    const singles: string[] = [];
    for (let i = 0; i < 5; i++) {
      const sent = await call('POST', '/api/v1/emails', {
        from: `auth@${domain}`,
        to: `reset-${label}-${i}@example.com`,
        subject: `${label} reset ${i}`,
        text: 'Your code',
      });
      expect(sent.body.status).toBe('queued');
      singles.push(sent.body.id);
    }
    await completed(id, 120_000);
    // Capture order (the local SES lists newest first): each reset went out ahead of most of the campaign's rest.
    const order = (await capturedMail()).reverse();
    const campaignPositions = order
      .map((mail, index) => (mail.tags.mailroom_campaign_id === id ? index : -1))
      .filter((index) => index >= 0);
    expect(campaignPositions).toHaveLength(200);
    for (const single of singles) {
      const position = order.findIndex((mail) => mail.tags.mailroom_email_id === single);
      expect(position).toBeGreaterThan(-1);
      const campaignAfter = campaignPositions.filter((index) => index > position).length;
      expect(campaignAfter, `campaign emails captured after reset ${single}`).toBeGreaterThan(60);
    }
    const throttledAfter = await throttles();
    expect(throttledAfter - throttledBefore).toBe(0);
  }, 180_000);
});
