import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addProjectKey,
  api,
  capturedMail,
  eventually,
  sesUrl,
  type Tenant,
  tenantWithDomain,
  useLocalAws,
} from './support.ts';
import { Receiver } from './webhook-receiver.ts';

useLocalAws();

let key = '';
let domain = '';
let domainId = '';
let project: Tenant['project'];
const receiver = new Receiver();

beforeAll(async () => {
  ({ key, project, domain, domainId } = await tenantWithDomain());
  const url = await receiver.start();
  await api('POST', '/api/v1/webhooks', { key, body: { url, events: ['email.opened', 'email.clicked'] } });
});
afterAll(() => receiver.stop());

const call = async (method: string, path: string, body?: unknown) =>
  api(method, path, { key: await addProjectKey(project), ...(body === undefined ? {} : { body }) });

const html =
  '<html><body><p>Hi</p><a href="https://shop.example.com/sale?x=1&amp;y=2" ses:tags="campaign:spring">Sale</a> <a href="https://example.com/private" ses:no-track>Private</a></body></html>';

/** The HTML the local SES captured for an email (what its recipient got). */
async function htmlOf(emailId: string) {
  const mail = await eventually(
    async () => (await capturedMail()).find((one) => one.tags.mailroom_email_id === emailId),
    (found) => found !== undefined,
  );
  const parsed = (await (await fetch(`${sesUrl}/_local/mail/${mail?.messageId}`)).json()) as { html: string };
  return parsed.html;
}

const trackedLinks = (body: string) =>
  [...body.matchAll(/href="([^"]*\/_track\/click\/[^"]+)"/g)].map((m) => m[1] ?? '');
const pixelOf = (body: string) => /src="([^"]*\/_track\/open\/[^"]+)"/.exec(body)?.[1];

async function send(extra: Record<string, unknown> = {}) {
  const sent = await call('POST', '/api/v1/emails', {
    from: `news@${domain}`,
    to: `reader-${Date.now()}@example.com`,
    subject: 'Tracked?',
    html,
    ...extra,
  });
  expect(sent.status).toBe(200);
  return sent.body.id as string;
}

const emailOf = async (id: string) => (await call('GET', `/api/v1/emails/${id}`)).body;

describe('open and click tracking', () => {
  it('is off by default: links untouched, no image', async () => {
    const body = await htmlOf(await send());
    expect(trackedLinks(body)).toEqual([]);
    expect(pixelOf(body)).toBeUndefined();
    expect(body).toContain('https://shop.example.com/sale');
  });

  it('follows the domain’s settings: a tracked link redirects and counts a click, the image an open, each once per email in its status', async () => {
    const patched = await call('PATCH', `/api/v1/domains/${domainId}`, {
      open_tracking: true,
      click_tracking: true,
    });
    expect(patched.body).toMatchObject({ open_tracking: true, click_tracking: true });
    expect((await call('GET', `/api/v1/domains/${domainId}`)).body).toMatchObject({ click_tracking: true });

    const id = await send();
    await eventually(
      () => emailOf(id),
      (email) => email.email.status === 'delivered',
    );
    const body = await htmlOf(id);
    const links = trackedLinks(body);
    // One link rewritten; the one marked ses:no-track left as it was.
    expect(links).toHaveLength(1);
    expect(body).toContain('href="https://example.com/private"');
    const pixel = pixelOf(body);
    expect(pixel).toBeDefined();

    const followed = await fetch(links[0] ?? '', {
      redirect: 'manual',
      headers: { 'user-agent': 'Mozilla/5.0 (Macintosh) Firefox/140.0' },
    });
    expect(followed.status).toBe(302);
    expect(followed.headers.get('location')).toBe('https://shop.example.com/sale?x=1&y=2');
    const clicked = await eventually(
      () => emailOf(id),
      (email) => email.email.clicks === 1,
    );
    expect(clicked.email.status).toBe('clicked');
    const click = clicked.events.find((event: { type: string }) => event.type === 'clicked');
    expect(click).toMatchObject({
      link: 'https://shop.example.com/sale?x=1&y=2',
      linkTags: { campaign: ['spring'] },
      userAgent: 'Mozilla/5.0 (Macintosh) Firefox/140.0',
    });

    // Apple Mail Privacy Protection's proxy fetches the image with a bare user agent: counted, and flagged.
    const image = await fetch(pixel ?? '', { headers: { 'user-agent': 'Mozilla/5.0' } });
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/gif');
    const opened = await eventually(
      () => emailOf(id),
      (email) => email.email.opens === 1,
    );
    // An open after a click never downgrades the status.
    expect(opened.email.status).toBe('clicked');
    expect(opened.events.find((event: { type: string }) => event.type === 'opened')).toMatchObject({
      automated: 'apple_mail_privacy_protection',
    });

    const hooks = await eventually(
      async () => receiver.received.map((request) => JSON.parse(request.body)),
      (events) =>
        events.some((event) => event.event === 'email.clicked' && event.data.email_id === id) &&
        events.some((event) => event.event === 'email.opened' && event.data.email_id === id),
    );
    expect(hooks.find((event) => event.event === 'email.clicked')?.data).toMatchObject({
      email_id: id,
      link: 'https://shop.example.com/sale?x=1&y=2',
    });
  });

  it('lets a send turn tracking off (or on) for itself, and never tracks a one-time code', async () => {
    await call('PATCH', `/api/v1/domains/${domainId}`, { open_tracking: true, click_tracking: true });
    const untracked = await htmlOf(await send({ tracking: { opens: false, clicks: false } }));
    expect(trackedLinks(untracked)).toEqual([]);
    expect(pixelOf(untracked)).toBeUndefined();
    const clicksOnly = await htmlOf(await send({ tracking: { opens: false } }));
    expect(trackedLinks(clicksOnly)).toHaveLength(1);
    expect(pixelOf(clicksOnly)).toBeUndefined();

    const otp = await call('POST', '/api/v1/otp/send', {
      email: `code-${Date.now()}@example.com`,
      from: `auth@${domain}`,
    });
    expect(otp.status).toBe(200);
    const code = await htmlOf(otp.body.emailId);
    expect(trackedLinks(code)).toEqual([]);
    expect(pixelOf(code)).toBeUndefined();
    expect(
      (
        await call('POST', '/api/v1/emails', {
          from: `a@${domain}`,
          to: 'b@example.com',
          subject: 'x',
          text: 'x',
          tracking: { opens: 'yes' },
        })
      ).body,
    ).toMatchObject({ code: 'validation_error', field: 'tracking.opens' });
  });

  it('counts a campaign’s opens and clicks, and never tracks its unsubscribe link', async () => {
    await call('PATCH', `/api/v1/domains/${domainId}`, { open_tracking: true, click_tracking: true });
    const list = await call('POST', '/api/v1/lists', { name: 'Tracked' });
    const email = `fan-${Date.now()}@example.com`;
    await call('POST', '/api/v1/contacts', { email, listId: list.body.id });
    const created = await call('POST', '/api/v1/campaigns', {
      name: 'Tracked',
      subject: 'News',
      fromEmail: `news@${domain}`,
      listId: list.body.id,
      content: '<p>Read <a href="https://blog.example.com/post">the post</a></p>',
    });
    const id = created.body.id as string;
    await call('POST', `/api/v1/campaigns/${id}/launch`);
    const mail = await eventually(
      async () => (await capturedMail()).find((one) => one.tags.mailroom_campaign_id === id),
      (found) => found !== undefined,
      30_000,
    );
    const body = await htmlOf(mail?.tags.mailroom_email_id ?? '');
    const links = trackedLinks(body);
    expect(links).toHaveLength(1);
    // The footer's unsubscribe link is marked ses:no-track and stays as it was.
    expect(body).toMatch(/href="http[^"]*\/api\/v1\/unsubscribe\?token=[^"]+" ses:no-track/);
    await fetch(links[0] ?? '', {
      redirect: 'manual',
      headers: { 'user-agent': 'Mozilla/5.0 (X11) Chrome/140' },
    });
    await fetch(pixelOf(body) ?? '', { headers: { 'user-agent': 'Mozilla/5.0 (X11) Chrome/140' } });
    const stats = await eventually(
      async () => (await call('GET', `/api/v1/campaigns/${id}`)).body.data.stats,
      (figures) => figures.clicked === 1 && figures.opened === 1,
      30_000,
    );
    expect(stats).toMatchObject({ opened: 1, clicked: 1 });
  });
});
