import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addProjectKey,
  api,
  apiUrl,
  capturedMail,
  eventually,
  sandboxDomain,
  sesUrl,
  type Tenant,
  tenantWithDomain,
  useLocalAws,
  verifiedDomain,
} from './support.ts';
import { Receiver } from './webhook-receiver.ts';

useLocalAws();

// A tenant of its own: its webhooks see only these campaigns' events, its limits only these requests.
let key = '';
let readOnlyKey = '';
let domain = '';
let project: Tenant['project'];
const receiver = new Receiver();

beforeAll(async () => {
  ({ key, project, domain } = await tenantWithDomain());
  readOnlyKey = await addProjectKey(project, { scopes: ['campaigns.read'] });
  const url = await receiver.start();
  const hook = await api('POST', '/api/v1/webhooks', {
    key,
    body: {
      url,
      events: ['campaign.sending', 'campaign.paused', 'campaign.completed', 'email.unsubscribed'],
    },
  });
  expect(hook.status).toBe(200);
});
afterAll(() => receiver.stop());

const call = (method: string, path: string, body?: unknown, as = key) =>
  api(method, path, { key: as, ...(body === undefined ? {} : { body }) });

/** A launch with a key of its own: launching is 5 an hour per key. */
const launch = async (id: string, body?: unknown) =>
  call('POST', `/api/v1/campaigns/${id}/launch`, body, await addProjectKey(project));

// Reading a campaign is 60 a minute per key: polls take turns over a few keys, twice a second.
const pollKeys: string[] = [];
let turn = 0;
async function pollKey() {
  if (pollKeys.length < 4) pollKeys.push(await addProjectKey(project));
  turn += 1;
  return pollKeys[turn % pollKeys.length] as string;
}

async function poll<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`Not reached within ${timeoutMs} ms: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function listWith(contacts: { email: string; name?: string }[]) {
  const list = await call('POST', '/api/v1/lists', { name: `List ${Date.now()}` });
  expect(list.status).toBe(200);
  if (contacts.length > 0) {
    const imported = await call('POST', '/api/v1/contacts/import', { listId: list.body.id, contacts });
    expect(imported.body.importedCount).toBe(contacts.length);
  }
  return list.body.id as string;
}

const addresses = (label: string, count: number) =>
  Array.from({ length: count }, (_, i) => ({ email: `${label}-${i}-${Date.now()}@example.com` }));

async function draft(listId: string, extra: Record<string, unknown> = {}) {
  const created = await call('POST', '/api/v1/campaigns', {
    name: 'Spring Sale',
    subject: 'Hello {{name}}',
    fromEmail: `Shop <news@${domain}>`,
    listId,
    content: '<h1>Save 20%, {{name}}</h1><p>Sent to {{email}}</p>',
    ...extra,
  });
  expect(created.status).toBe(200);
  return created.body.id as string;
}

const campaign = async (id: string) => {
  const answer = await call('GET', `/api/v1/campaigns/${id}`, undefined, await pollKey());
  if (answer.status !== 200) throw new Error(`GET campaign ${id}: ${JSON.stringify(answer.body)}`);
  return answer.body.data;
};

const settled = (id: string, status = 'completed', timeoutMs = 60_000) =>
  poll(
    () => campaign(id),
    (data) => data.status === status,
    timeoutMs,
  );

/** The campaign's captured mail, one entry per message (with its parsed headers and HTML). */
async function mailOf(id: string) {
  const captured = (await capturedMail()).filter((mail) => mail.tags.mailroom_campaign_id === id);
  return Promise.all(
    captured.map(async (mail) => {
      const parsed = (await (await fetch(`${sesUrl}/_local/mail/${mail.messageId}`)).json()) as {
        html: string;
        text: string | null;
        headers: string[];
      };
      const header = (name: string) =>
        parsed.headers
          .map((line) => line.replace(/\r?\n[ \t]+/g, ' '))
          .find((line) => line.toLowerCase().startsWith(`${name.toLowerCase()}:`))
          ?.slice(name.length + 1)
          .trim();
      return { ...mail, html: parsed.html, text: parsed.text ?? '', header };
    }),
  );
}

const unsubscribeLinkOf = (mail: { header: (name: string) => string | undefined }) =>
  /<(https?:\/\/[^>]+)>/.exec(mail.header('List-Unsubscribe') ?? '')?.[1] ?? '';

/** The body's unsubscribe link (the footer's, or the content's `{{unsubscribe_url}}`). */
const bodyUnsubscribeLinkOf = (mail: { html: string }) =>
  (/href="([^"]*\/api\/v1\/unsubscribe\?[^"]*)"/.exec(mail.html)?.[1] ?? '').replace(/&amp;/g, '&');

describe('campaigns: draft to completed', () => {
  it('drafts, edits, launches once, sends each subscribed contact one merged email and completes with exact progress', async () => {
    const listId = await listWith([
      { email: `ann-${Date.now()}@example.com`, name: 'Ann' },
      { email: `bob-${Date.now()}@example.com`, name: 'Bob' },
      { email: `cid-${Date.now()}@example.com`, name: 'Cid' },
      { email: `dee-${Date.now()}@example.com`, name: 'Dee' },
    ]);
    const contacts = (await call('GET', `/api/v1/contacts?listId=${listId}`)).body.contacts as {
      id: string;
      email: string;
      name: string;
    }[];
    const byName = (name: string) =>
      contacts.find((contact) => contact.name === name) as (typeof contacts)[0];
    // Cid unsubscribed himself; Dee's address bounced before.
    await call('PUT', `/api/v1/contacts/${byName('Cid').id}`, { status: 'unsubscribed' });
    await call('POST', '/api/v1/suppressions', { email: byName('Dee').email, reason: 'bounce' });

    const created = await call('POST', '/api/v1/campaigns', {
      name: 'Spring Sale',
      subject: 'Discount!',
      fromEmail: `news@${domain}`,
      listId,
      content: '<h1>Save 20%</h1>',
    });
    expect(created.body).toEqual({
      id: expect.stringMatching(/^cmp_/),
      name: 'Spring Sale',
      status: 'draft',
      listId,
    });
    const id = created.body.id as string;

    const listed = await call('GET', '/api/v1/campaigns?page=1&pageSize=20&status=draft');
    expect(listed.body).toMatchObject({ success: true, pagination: { page: 1, pageSize: 20 } });
    expect(listed.body.data).toContainEqual({ id, name: 'Spring Sale', status: 'draft', sentCount: 0 });

    const edited = await call('PUT', `/api/v1/campaigns/${id}`, {
      subject: 'Hello {{name}}',
      content: '<h1>Save 20%, {{name}}</h1><p>{{email}}</p>',
    });
    expect(edited.body).toMatchObject({
      success: true,
      data: { id, status: 'draft', subject: 'Hello {{name}}' },
    });

    const launched = await launch(id);
    expect(launched.status).toBe(200);
    expect(launched.body).toEqual({
      success: true,
      jobId: expect.stringMatching(/^job_/),
      status: 'sending',
    });
    expect((await launch(id)).status).toBe(409);
    expect((await call('PUT', `/api/v1/campaigns/${id}`, { subject: 'Too late' })).status).toBe(409);
    const deleted = await call('DELETE', `/api/v1/campaigns/${id}`);
    expect(deleted.status).toBe(409);
    expect(deleted.body).toMatchObject({ code: 'conflict', error: 'Only draft campaigns can be deleted' });
    // The list is the campaign's while it sends.
    const listDelete = await call('DELETE', `/api/v1/lists/${listId}`);
    expect([409, 200]).toContain(listDelete.status);

    const done = await settled(id);
    expect(done).toMatchObject({
      id,
      name: 'Spring Sale',
      subject: 'Hello {{name}}',
      status: 'completed',
      sentCount: 2,
      progress: { total: 3, queued: 0, sent: 2, skipped: 1, failed: 0, percent: 100 },
    });
    const delivered = await poll(
      () => campaign(id),
      (data) => data.stats.delivered === 2,
    );
    expect(delivered.stats).toEqual({
      delivered: 2,
      opened: 0,
      clicked: 0,
      bounced: 0,
      complained: 0,
      unsubscribed: 0,
    });

    const mail = await mailOf(id);
    expect(mail.map((one) => one.destination[0]).sort()).toEqual(
      [byName('Ann').email, byName('Bob').email].sort(),
    );
    const ann = mail.find((one) => one.destination[0] === byName('Ann').email) as (typeof mail)[0];
    expect(ann.subject).toBe('Hello Ann');
    expect(ann.html).toContain('Save 20%, Ann');
    expect(ann.html).toContain(byName('Ann').email);
    // No {{unsubscribe_url}} in the content: the footer carries the header's token, on the
    // address that applies on opening (the header's only asks, see below).
    const link = unsubscribeLinkOf(ann);
    expect(link).toMatch(new RegExp(`^${apiUrl}/api/v1/unsubscribe\\?token=tok_unsub_[^&]+&confirm=1$`));
    expect(ann.header('List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    expect(bodyUnsubscribeLinkOf(ann)).toBe(link.replace(/&confirm=1$/, ''));
    // The plain-text part carries the link whole, on one line.
    const textLines = ann.text.split(/\r?\n/);
    expect(textLines.filter((line) => line.includes(bodyUnsubscribeLinkOf(ann)))).toHaveLength(1);
    const textLink = /https?:\/\/\S+\/api\/v1\/unsubscribe\?token=[^\s\]]+/.exec(ann.text)?.[0] ?? '';
    expect(textLink).toBe(bodyUnsubscribeLinkOf(ann));

    // Each recipient's email is in the log, with its campaign.
    const email = await call('GET', `/api/v1/emails/${ann.tags.mailroom_email_id}`);
    expect(email.body.email).toMatchObject({ campaign_id: id, status: 'delivered', subject: 'Hello Ann' });

    const stats = await call('GET', '/api/v1/stats');
    expect(stats.body.campaigns).toMatchObject({ total: expect.any(Number), completed: expect.any(Number) });
    expect(stats.body.campaigns.completed).toBeGreaterThanOrEqual(1);

    await eventually(
      async () => receiver.events('campaign.completed').map((request) => JSON.parse(request.body)),
      (events) => events.some((event) => event.data.campaign_id === id),
    );
    expect(receiver.events('campaign.sending').some((request) => request.body.includes(id))).toBe(true);
  }, 90_000);

  it('answers 404 for unknown and other projects’ campaigns and lists, 400 for bad input, 403 without the scope', async () => {
    const listId = await listWith([]);
    const id = await draft(listId);
    expect((await api('GET', `/api/v1/campaigns/${id}`)).status).toBe(404);
    expect((await call('GET', '/api/v1/campaigns/cmp_01JD8X3M4Q5R6S7T8V9W0XYZAB')).status).toBe(404);
    expect((await call('GET', '/api/v1/campaigns/nope')).status).toBe(404);
    expect((await api('POST', `/api/v1/campaigns/${id}/launch`)).status).toBe(404);
    const otherList = await call('POST', '/api/v1/campaigns', {
      name: 'x',
      subject: 'x',
      fromEmail: `news@${domain}`,
      listId: 'lst_01JD8X3M4Q5R6S7T8V9W0XYZAB',
      content: 'x',
    });
    expect(otherList.status).toBe(404);
    const unverified = await call('POST', '/api/v1/campaigns', {
      name: 'x',
      subject: 'x',
      fromEmail: 'news@not-verified.example.com',
      listId,
      content: 'x',
    });
    expect(unverified.body).toMatchObject({ code: 'domain_not_verified', field: 'from' });
    const missing = await call('POST', '/api/v1/campaigns', { name: 'x', listId });
    expect(missing.body).toMatchObject({ code: 'validation_error', field: 'subject' });
    const injected = await call('POST', '/api/v1/campaigns', {
      name: 'x',
      subject: 'Hi\r\nBcc: victim@example.com',
      fromEmail: `news@${domain}`,
      listId,
      content: 'x',
    });
    expect(injected.body).toMatchObject({ code: 'validation_error', field: 'subject' });
    expect((await call('GET', '/api/v1/campaigns?status=bogus')).status).toBe(400);
    expect(
      (await call('POST', `/api/v1/campaigns/${id}/test`, { to: addresses('t', 6).map((a) => a.email) }))
        .status,
    ).toBe(400);
    const malformed = await api('POST', '/api/v1/campaigns', { key, rawBody: '{"name":' });
    expect(malformed.body).toMatchObject({ code: 'bad_request' });
    expect((await call('GET', `/api/v1/campaigns/${id}`, undefined, readOnlyKey)).status).toBe(200);
    expect((await call('POST', `/api/v1/campaigns/${id}/launch`, undefined, readOnlyKey)).status).toBe(403);

    const removed = await call('DELETE', `/api/v1/campaigns/${id}`);
    expect(removed.body).toEqual({ id, deleted: true });
    expect((await call('GET', `/api/v1/campaigns/${id}`)).status).toBe(404);
  });

  it('refuses a domain-limited key every change to another domain’s campaign (403), and allows its own', async () => {
    const other = (await verifiedDomain(key)).domain;
    const limited = await addProjectKey(project, { domains: [domain] });
    const listId = await listWith([]);
    const theirs = await draft(listId, { fromEmail: `news@${other}` });
    const ours = await draft(listId);
    for (const [method, path, body] of [
      ['PUT', `/api/v1/campaigns/${theirs}`, { subject: 'Taken over', fromEmail: `news@${domain}` }],
      ['DELETE', `/api/v1/campaigns/${theirs}`, undefined],
      ['POST', `/api/v1/campaigns/${theirs}/launch`, undefined],
      ['POST', `/api/v1/campaigns/${theirs}/test`, { to: [`t-${Date.now()}@example.com`] }],
    ] as const) {
      const answer = await call(method, path, body, limited);
      expect(answer.status, `${method} ${path}`).toBe(403);
      expect(answer.body.code).toBe('forbidden');
    }
    expect(await campaign(theirs)).toMatchObject({
      status: 'draft',
      subject: 'Hello {{name}}',
      fromEmail: `news@${other}`,
    });
    // Its own domain's campaign, as before.
    const edited = await call('PUT', `/api/v1/campaigns/${ours}`, { subject: 'Ours' }, limited);
    expect(edited.status).toBe(200);
    expect((await call('DELETE', `/api/v1/campaigns/${ours}`, undefined, limited)).status).toBe(200);
  });

  it('launches and delivers a campaign from the shared sandbox domain, as single sends may send from it', async () => {
    const people = addresses('sandbox', 2);
    // Contacts one by one: imports are 5 an hour per key, and the other tests take them.
    const listId = await listWith([]);
    for (const person of people)
      expect((await call('POST', '/api/v1/contacts', { ...person, listId })).status).toBe(200);
    const id = await draft(listId, { fromEmail: `Shop <news@${sandboxDomain}>` });
    expect((await launch(id)).body).toMatchObject({ success: true, status: 'sending' });
    const done = await settled(id);
    expect(done.progress).toMatchObject({ total: 2, sent: 2, queued: 0, failed: 0 });
    const mail = await mailOf(id);
    expect(mail.map((one) => one.destination[0]).sort()).toEqual(people.map((one) => one.email).sort());
    expect(mail.every((one) => one.header('From')?.includes(`news@${sandboxDomain}`))).toBe(true);
  });

  it('sends a test of the merged campaign to a few addresses without launching it; its link changes nothing', async () => {
    const listId = await listWith([]);
    const id = await draft(listId, { content: '<p>Hi {{name}} <a href="{{unsubscribe_url}}">leave</a></p>' });
    const to = `tester-${Date.now()}@example.com`;
    const sent = await call('POST', `/api/v1/campaigns/${id}/test`, { to: [to] });
    expect(sent.body).toEqual({
      success: true,
      data: [{ id: expect.stringMatching(/^em_/), to, status: 'queued' }],
    });
    expect((await campaign(id)).status).toBe('draft');
    const mail = await eventually(
      async () => (await capturedMail()).find((one) => one.destination.includes(to)),
      (found) => found !== undefined,
    );
    const parsed = (await (await fetch(`${sesUrl}/_local/mail/${mail?.messageId}`)).json()) as {
      html: string;
    };
    const link = (/href="([^"]+)"/.exec(parsed.html)?.[1] ?? '').replace(/&amp;/g, '&');
    expect(link).toContain('/api/v1/unsubscribe?token=tok_unsub_');
    const page = await fetch(link);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('test send');
  });
});

describe('unsubscribe', () => {
  /** Per recipient: the header's address (`link`) and the body's (`bodyLink`). */
  let links: { email: string; link: string; bodyLink: string }[] = [];
  let campaignId = '';
  let listId = '';

  beforeAll(async () => {
    listId = await listWith(addresses('unsub', 4));
    campaignId = await draft(listId);
    await launch(campaignId);
    await settled(campaignId);
    links = (await mailOf(campaignId)).map((mail) => ({
      email: mail.destination[0] as string,
      link: unsubscribeLinkOf(mail),
      bodyLink: bodyUnsubscribeLinkOf(mail),
    }));
    expect(links).toHaveLength(4);
    expect(links.every(({ link, bodyLink }) => bodyLink !== '' && link !== bodyLink)).toBe(true);
  }, 60_000);

  const contactOf = async (email: string) =>
    (
      (await call('GET', `/api/v1/contacts?listId=${listId}&search=${encodeURIComponent(email)}`)).body
        .contacts as {
        id: string;
        status: string;
      }[]
    )[0];

  it('the List-Unsubscribe address changes nothing when fetched (a scanner, a preview) and answers a page whose button applies it', async () => {
    const [, , , fourth] = links;
    for (let i = 0; i < 3; i++) {
      const fetched = await fetch(fourth?.link ?? '', { headers: { accept: 'text/html' } });
      expect(fetched.status).toBe(200);
      expect(fetched.headers.get('content-security-policy')).toContain("default-src 'none'");
      const html = await fetched.text();
      expect(html).toContain('Unsubscribe from this list?');
      expect(html).toMatch(
        /<form method="post" action="[^"]*\/api\/v1\/unsubscribe\?token=[^"]+"><input type="hidden" name="action" value="unsubscribe"><button type="submit">Unsubscribe<\/button><\/form>/,
      );
      // Without asking for HTML (a bare scanner), the same.
      expect((await fetch(fourth?.link ?? '')).status).toBe(200);
    }
    expect((await contactOf(fourth?.email ?? ''))?.status).toBe('subscribed');
    expect((await campaign(campaignId)).stats.unsubscribed).toBe(0);

    // The page's button: a POST of its form.
    const action = /<form method="post" action="([^"]+)"/.exec(
      await (await fetch(fourth?.link ?? '')).text(),
    )?.[1];
    const pressed = await fetch((action ?? '').replace(/&amp;/g, '&'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'action=unsubscribe',
    });
    expect(pressed.status).toBe(200);
    expect(await pressed.text()).toContain('You have been unsubscribed');
    expect((await contactOf(fourth?.email ?? ''))?.status).toBe('unsubscribed');
    // Back, for the JSON POST of the next test.
    await fetch(fourth?.link ?? '', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'action=resubscribe',
    });
    expect((await contactOf(fourth?.email ?? ''))?.status).toBe('subscribed');
  });

  it('GET of the body’s link applies it and answers a confirmation page that offers to resubscribe; the page’s button does', async () => {
    const [first] = links;
    const before = (await campaign(campaignId)).stats.unsubscribed as number;
    const opened = await fetch(first?.bodyLink ?? '', { headers: { accept: 'text/html' } });
    expect(opened.status).toBe(200);
    expect(opened.headers.get('content-type')).toMatch(/^text\/html/);
    expect(opened.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await opened.text();
    expect(html).toContain('unsubscribed');
    expect(html).toMatch(/<form method="post"[^>]*>.*Resubscribe/s);
    expect((await contactOf(first?.email ?? ''))?.status).toBe('unsubscribed');
    // Opening it again changes nothing and still answers the page.
    expect((await fetch(first?.bodyLink ?? '')).status).toBe(200);
    const stats = await poll(
      () => campaign(campaignId),
      (data) => data.stats.unsubscribed === before + 1,
    );
    expect(stats.stats.unsubscribed).toBe(before + 1);
    const event = await eventually(
      async () => receiver.events('email.unsubscribed').map((request) => JSON.parse(request.body)),
      (events) => events.some((one) => one.data.email === first?.email),
    );
    expect(event.find((one) => one.data.email === first?.email)?.data).toMatchObject({
      campaign_id: campaignId,
      list_id: listId,
      source: 'link',
    });

    const again = await fetch(first?.link ?? '', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'action=resubscribe',
    });
    expect(again.status).toBe(200);
    expect(await again.text()).toContain('subscribed again');
    expect((await contactOf(first?.email ?? ''))?.status).toBe('subscribed');
  });

  it('takes the RFC 8058 one-click POST and the JSON POST, idempotently, and keeps transactional mail flowing', async () => {
    const [, second, third] = links;
    for (let i = 0; i < 2; i++) {
      const oneClick = await fetch(second?.link ?? '', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
      });
      expect(oneClick.status).toBe(200);
    }
    expect((await contactOf(second?.email ?? ''))?.status).toBe('unsubscribed');
    const multipart = await fetch(third?.link ?? '', {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=XyZ' },
      body: '--XyZ\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--XyZ--\r\n',
    });
    expect(multipart.status).toBe(200);
    expect((await contactOf(third?.email ?? ''))?.status).toBe('unsubscribed');

    const token = new URL(links[3]?.link ?? '').searchParams.get('token');
    for (let i = 0; i < 2; i++) {
      const json = await api('POST', '/api/v1/unsubscribe', { key: null, body: { token } });
      expect(json).toMatchObject({ status: 200, body: { ok: true } });
    }
    expect((await contactOf(links[3]?.email ?? ''))?.status).toBe('unsubscribed');

    // A list unsubscribe is not a suppression: a password reset still goes out.
    const reset = await call('POST', '/api/v1/emails', {
      from: `auth@${domain}`,
      to: second?.email,
      subject: 'Reset',
      text: 'x',
    });
    expect(reset.body).toMatchObject({ status: 'queued' });
  });

  it('refuses forged, altered and missing tokens with 400, and never without a JSON error', async () => {
    const link = links[0]?.link ?? '';
    const token = new URL(link).searchParams.get('token') ?? '';
    const flip = (at: number) => token.slice(0, at) + (token[at] === 'a' ? 'b' : 'a') + token.slice(at + 1);
    const forged = [
      flip(token.length - 1),
      `${token}00`,
      token.replace(/\.con_[^.]+\./, '.con_01JD8X3M4Q5R6S7T8V9W0XYZAB.'),
      'tok_unsub_abc123',
      '',
    ];
    for (const bad of forged) {
      const answer = await api('POST', '/api/v1/unsubscribe', { key: null, body: { token: bad } });
      expect(answer.status).toBe(400);
      expect(answer.body.code).toBe('validation_error');
      const opened = await fetch(`${apiUrl}/api/v1/unsubscribe?token=${encodeURIComponent(bad)}`);
      expect(opened.status).toBe(400);
    }
    const page = await fetch(`${apiUrl}/api/v1/unsubscribe?token=${encodeURIComponent(flip(20))}`, {
      headers: { accept: 'text/html' },
    });
    expect(page.status).toBe(400);
    expect(await page.text()).toContain('not valid');
    expect((await api('POST', '/api/v1/unsubscribe', { key: null, rawBody: '{"token":' })).status).toBe(400);
    expect((await api('POST', '/api/v1/unsubscribe', { key: null, body: { token: 5 } })).status).toBe(400);
    expect((await contactOf(links[0]?.email ?? ''))?.status).toBe('subscribed');
  });
});

describe('campaign controls', () => {
  it('pauses (its queued mail waits) and resumes, and every recipient still gets exactly one email', async () => {
    const listId = await listWith(addresses('pause', 60));
    const id = await draft(listId);
    await launch(id);
    const paused = await call('POST', `/api/v1/campaigns/${id}/pause`);
    expect(paused.body).toMatchObject({
      success: true,
      data: { id, status: 'paused', pausedReason: 'manual' },
    });
    expect((await call('POST', `/api/v1/campaigns/${id}/pause`)).status).toBe(409);
    // Every email written and not sent is soon parked (senders trust their copy of the
    // campaign for the suite's 1-second cache): then none is on its way to SES.
    const { waitingEmails } = await import('#shared/emails/email-store.ts');
    const parked = async () => (await waitingEmails({ kind: 'parked', campaignId: id })).length;
    const still = await poll(
      async () => ({ data: await campaign(id), parked: await parked() }),
      ({ data, parked }) => data.progress.queued === parked,
    );
    expect(still.data.status).toBe('paused');
    expect((await mailOf(id)).length).toBe(still.data.progress.sent);

    const resumed = await call('POST', `/api/v1/campaigns/${id}/resume`);
    expect(resumed.body.data.status).toBe('sending');
    const done = await settled(id);
    expect(done.progress).toMatchObject({
      total: 60,
      sent: 60,
      queued: 0,
      failed: 0,
      skipped: 0,
      percent: 100,
    });
    const mail = await mailOf(id);
    expect(mail).toHaveLength(60);
    expect(new Set(mail.map((one) => one.destination[0])).size).toBe(60);
    await eventually(
      async () => receiver.events('campaign.paused').map((request) => JSON.parse(request.body)),
      (events) =>
        events.some((event) => event.data.campaign_id === id && event.data.paused_reason === 'manual'),
    );
  }, 90_000);

  it('cancels: mail not yet sent is canceled and counted, nothing goes out after', async () => {
    const listId = await listWith(addresses('cancel', 150));
    const id = await draft(listId);
    await launch(id);
    const cancelled = await call('POST', `/api/v1/campaigns/${id}/cancel`);
    expect(cancelled.body.data.status).toBe('cancelled');
    expect((await call('POST', `/api/v1/campaigns/${id}/resume`)).status).toBe(409);
    const final = await poll(
      () => campaign(id),
      (data) => data.progress.queued === 0,
      30_000,
    );
    const sent = (await mailOf(id)).length;
    expect(final.progress.sent).toBe(sent);
    expect(final.progress.sent + final.progress.skipped).toBe(final.progress.total);
    expect(sent).toBeLessThan(150);
  }, 60_000);

  it('schedules a launch: scheduled until its time, cancellable before it', async () => {
    const listId = await listWith(addresses('later', 2));
    const id = await draft(listId);
    const at = new Date(Date.now() + 3600_000).toISOString();
    const launched = await launch(id, { scheduledAt: at });
    expect(launched.body).toMatchObject({ success: true, status: 'scheduled', scheduledAt: at });
    expect((await call('POST', `/api/v1/campaigns/${id}/pause`)).status).toBe(409);
    expect((await call('POST', `/api/v1/campaigns/${id}/cancel`)).body.data.status).toBe('cancelled');
    expect(await mailOf(id)).toHaveLength(0);

    const soon = await draft(listId);
    await launch(soon, { scheduledAt: new Date(Date.now() + 3000).toISOString() });
    expect((await campaign(soon)).status).toBe('scheduled');
    expect((await settled(soon)).progress.sent).toBe(2);
  }, 60_000);
});
