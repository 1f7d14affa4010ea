import { describe, expect, it } from 'vitest';
import { routes } from '#functions/routes.ts';
import type { Scope } from '#shared/tenancy/scopes.ts';
import { mailroom, mailroomFails } from './cli.ts';
import {
  addProjectKey,
  api,
  apiUrl,
  defaultProject,
  eventually,
  liveKey,
  otherProjectKey,
  sandboxDomain,
  testKey,
  verifiedDomain,
} from './support.ts';

const keyed = routes.filter((route) => route.scope !== 'public' && route.scope !== 'any');
// `/mcp` speaks JSON-RPC, not REST: its own test holds it to the key (mcp.test.ts).
const anyKey = routes.filter((route) => route.scope === 'any' && route.path !== '/mcp');
const samplePath = (path: string) =>
  path.replace('{id}', 'em_01JD0000000000000000000000').replace('{email}', 'nobody@example.com');

describe('scopes, over the whole route table', () => {
  it.each(keyed.map((route) => [`${route.method} ${route.path}`, route] as const))(
    '%s refuses a key without its scope and accepts one with it',
    async (_, route) => {
      const other: Scope = route.scope === 'stats.read' ? 'keys.read' : 'stats.read';
      const without = await addProjectKey(defaultProject, { scopes: [other] });
      const withScope = await addProjectKey(defaultProject, { scopes: [route.scope as Scope] });
      const path = samplePath(route.path);
      const refused = await api(route.method, path, {
        key: without,
        rawBody: route.method === 'GET' ? undefined : '{}',
      });
      expect(refused.status).toBe(403);
      expect(refused.body.code).toBe('forbidden');
      const allowed = await api(route.method, path, {
        key: withScope,
        rawBody: route.method === 'GET' ? undefined : '{}',
      });
      expect([401, 403]).not.toContain(allowed.status);
    },
  );

  it.each(anyKey.map((route) => [`${route.method} ${route.path}`, route] as const))(
    '%s takes any valid key, whatever its scopes',
    async (_, route) => {
      const narrow = await addProjectKey(defaultProject, { scopes: ['stats.read'] });
      expect((await api(route.method, route.path, { key: narrow })).status).toBe(200);
      expect((await api(route.method, route.path, { key: null })).status).toBe(401);
    },
  );

  it('lets read_only read everything and change nothing; sending_access send and nothing else', async () => {
    const reader = await addProjectKey(defaultProject, { scopes: ['read_only'] });
    expect((await api('GET', '/api/v1/domains', { key: reader })).status).toBe(200);
    expect(
      (await api('POST', '/api/v1/templates', { key: reader, body: { name: 'x', text: 'x' } })).status,
    ).toBe(403);
    const sender = await addProjectKey(defaultProject, { scopes: ['sending_access'] });
    const sent = await api('POST', '/api/v1/emails', {
      key: sender,
      body: { from: `a@${sandboxDomain}`, to: 'success@simulator.amazonses.com', subject: 'x', text: 'x' },
    });
    expect(sent.status).toBe(200);
    expect((await api('GET', '/api/v1/emails', { key: sender })).status).toBe(403);
  });
});

describe('keys', () => {
  it('creates a key shown once, lists it without the secret, and revokes it for good', async () => {
    const admin = await addProjectKey(defaultProject);
    const created = await api('POST', '/api/v1/keys', {
      key: admin,
      body: { name: 'Backend', scopes: ['emails.send', 'emails.read'], mode: 'live' },
    });
    expect(created.status).toBe(200);
    expect(created.body.key).toMatch(/^ak_live_[0-9a-f]{64}$/);
    expect(created.body).toMatchObject({
      name: 'Backend',
      scopes: ['emails.send', 'emails.read'],
      last_four: created.body.key.slice(-4),
    });

    const listed = await api('GET', '/api/v1/keys', { key: admin });
    expect(JSON.stringify(listed.body)).not.toMatch(/ak_(live|test)_[0-9a-f]{64}/);
    expect(listed.body.data).toContainEqual(
      expect.objectContaining({ id: created.body.id, prefix: 'ak_live_' }),
    );

    const key = created.body.key as string;
    expect((await api('GET', '/api/v1/emails?limit=1', { key })).status).toBe(200);
    expect((await api('DELETE', `/api/v1/keys/${created.body.id}`, { key: admin })).body).toMatchObject({
      revoked: true,
    });
    await eventually(
      () => api('GET', '/api/v1/emails?limit=1', { key }),
      (response) => response.status === 401,
      8000,
    );
    expect((await api('DELETE', `/api/v1/keys/${created.body.id}`, { key: admin })).status).toBe(404);
  });

  it('never makes a key with more rights than the one asking', async () => {
    const sender = await addProjectKey(defaultProject, { scopes: ['sending_access', 'keys.write'] });
    const broader = await api('POST', '/api/v1/keys', {
      key: sender,
      body: { name: 'x', scopes: ['full_access'] },
    });
    expect(broader.status).toBe(403);
    expect(
      (await api('POST', '/api/v1/keys', { key: sender, body: { name: 'x', scopes: ['emails.send'] } }))
        .status,
    ).toBe(200);

    const limited = await addProjectKey(defaultProject, { domains: ['one.example'] });
    const elsewhere = await api('POST', '/api/v1/keys', {
      key: limited,
      body: { name: 'x', scopes: ['emails.send'], domains: ['two.example'] },
    });
    expect(elsewhere.status).toBe(403);
    const inherited = await api('POST', '/api/v1/keys', {
      key: limited,
      body: { name: 'x', scopes: ['emails.send'] },
    });
    expect(inherited.body.domains).toEqual(['one.example']);

    const live = await api('POST', '/api/v1/keys', {
      key: testKey,
      body: { name: 'x', scopes: ['emails.send'], mode: 'live' },
    });
    expect(live.status).toBe(403);
  });
});

describe('test keys', () => {
  it('send and read, but change no key, domain, webhook or suppression (403 saying so)', async () => {
    const changes: [string, string, unknown][] = [
      ['POST', '/api/v1/keys', { name: 'x', scopes: ['emails.send'] }],
      ['DELETE', `/api/v1/keys/key_${'0'.repeat(26)}`, undefined],
      ['POST', '/api/v1/domains', { domain: 'test-key.example.com' }],
      ['DELETE', '/api/v1/domains/test-key.example.com', undefined],
      ['POST', '/api/v1/webhooks', { url: 'https://example.com/hook', events: ['email.sent'] }],
      ['PATCH', `/api/v1/webhooks/whk_${'0'.repeat(26)}`, { active: false }],
      ['DELETE', `/api/v1/webhooks/whk_${'0'.repeat(26)}`, undefined],
      ['POST', '/api/v1/suppressions', { email: 'someone@example.com' }],
      ['DELETE', '/api/v1/suppressions/someone@example.com', undefined],
    ];
    for (const [method, path, body] of changes) {
      const response = await api(method, path, { key: testKey, body });
      expect(response.status, `${method} ${path}`).toBe(403);
      expect(response.body, `${method} ${path}`).toMatchObject({ code: 'forbidden' });
      expect(response.body.error).toMatch(/test key/);
    }
    for (const path of ['/api/v1/keys', '/api/v1/domains', '/api/v1/webhooks', '/api/v1/suppressions']) {
      expect((await api('GET', path, { key: testKey })).status, path).toBe(200);
    }
  });
});

describe('test keys on live resources', () => {
  it('may not rename, delete or import into a live list, unsubscribe a contact, delete an asset or change a live campaign', async () => {
    const { domain } = await verifiedDomain();
    const list = await api('POST', '/api/v1/lists', { body: { name: 'Live list' } });
    const listId = list.body.id as string;
    const contact = await api('POST', '/api/v1/contacts', {
      body: { listId, email: `live-${Date.now()}@example.com` },
    });
    const form = new FormData();
    form.append('file', new Blob([Buffer.from('live asset')], { type: 'text/plain' }), 'live.txt');
    const asset = await fetch(`${apiUrl}/api/v1/assets`, {
      method: 'POST',
      headers: { authorization: `Bearer ${liveKey}` },
      body: form,
    }).then(async (response) => JSON.parse(await response.text()));
    const campaign = await api('POST', '/api/v1/campaigns', {
      body: { name: 'Live', subject: 'Hi', fromEmail: `news@${domain}`, listId, content: '<p>Hi</p>' },
    });
    expect([list.status, contact.status, campaign.status]).toEqual([200, 200, 200]);

    const changes: [string, string, unknown][] = [
      ['PUT', `/api/v1/lists/${listId}`, { name: 'Renamed by a test key' }],
      ['DELETE', `/api/v1/lists/${listId}`, undefined],
      ['POST', '/api/v1/contacts/import', { listId, contacts: [{ email: 'imported@example.com' }] }],
      ['PUT', `/api/v1/contacts/${contact.body.id}`, { status: 'unsubscribed' }],
      ['DELETE', `/api/v1/assets/${asset.id}`, undefined],
      ['PUT', `/api/v1/campaigns/${campaign.body.id}`, { name: 'Changed by a test key' }],
      ['POST', `/api/v1/campaigns/${campaign.body.id}/launch`, undefined],
    ];
    for (const [method, path, body] of changes) {
      const response = await api(method, path, { key: testKey, body, rawBody: body ? undefined : '{}' });
      expect(response.status, `${method} ${path}`).toBe(403);
      expect(Object.keys(response.body).sort(), `${method} ${path}`).toEqual(['code', 'error']);
      expect(response.body.code, `${method} ${path}`).toBe('forbidden');
    }

    // Nothing changed, and the test key still reads and sends test mail.
    const listNow = await api('GET', `/api/v1/lists/${listId}`, { key: testKey });
    expect(listNow.body.data).toMatchObject({ name: 'Live list' });
    const listed = await api('GET', `/api/v1/contacts?listId=${listId}`, { key: testKey });
    expect(JSON.stringify(listed.body)).not.toContain('imported@example.com');
    const contactNow = await api('GET', `/api/v1/contacts/${contact.body.id}`, { key: testKey });
    expect(contactNow.body.data).toMatchObject({ status: 'subscribed' });
    expect((await api('GET', `/api/v1/assets/${asset.id}`, { key: testKey })).status).toBe(200);
    const campaignNow = await api('GET', `/api/v1/campaigns/${campaign.body.id}`, { key: testKey });
    expect(campaignNow.body.data).toMatchObject({ name: 'Live', status: 'draft' });
    const sent = await api('POST', '/api/v1/emails', {
      key: testKey,
      body: { from: `a@${domain}`, to: 'success@simulator.amazonses.com', subject: 'x', text: 'x' },
    });
    expect(sent.body).toMatchObject({ success: true, status: 'test' });
  });
});

describe('rate limits and quotas', () => {
  it('reports the window on every response and answers 429 with Retry-After past it', async () => {
    const key = await addProjectKey(defaultProject);
    const first = await api('GET', '/api/v1/templates', { key });
    expect(first.headers.get('x-ratelimit-limit')).toBe('60');
    expect(first.headers.get('x-ratelimit-remaining')).toBe('59');
    expect(Number(first.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
    expect(first.headers.get('x-request-id')).toBeTruthy();

    const row = {
      from: `a@${sandboxDomain}`,
      to: 'success@simulator.amazonses.com',
      subject: 'x',
      text: 'x',
    };
    const test = await addProjectKey(defaultProject, { mode: 'test' });
    for (let i = 0; i < 10; i += 1) {
      const batch = await api('POST', '/api/v1/emails/batch', { key: test, body: { emails: [row] } });
      expect(batch.status, `batch ${i + 1}`).toBe(200);
    }
    const over = await api('POST', '/api/v1/emails/batch', { key: test, body: { emails: [row] } });
    expect(over.status).toBe(429);
    expect(over.body.code).toBe('rate_limited');
    expect(over.headers.get('x-ratelimit-limit')).toBe('10');
    expect(over.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('holds a batch of 100 to an account window of 50 a minute, and a month to its quota', async () => {
    const { key, project } = await otherProjectKey();
    await mailroom(
      'accounts',
      'limits',
      'set',
      project.accountId,
      '--per-minute',
      '50',
      '--monthly-quota',
      '3',
    );
    const row = {
      from: `a@${sandboxDomain}`,
      to: 'success@simulator.amazonses.com',
      subject: 'x',
      text: 'x',
    };
    const test = await addProjectKey(project, { mode: 'test' });
    const big = await api('POST', '/api/v1/emails/batch', {
      key: test,
      body: { emails: Array.from({ length: 100 }, () => row) },
    });
    expect(big.status).toBe(429);
    expect(big.body.error).toMatch(/50 emails per minute/);
    expect(big.headers.get('x-ratelimit-limit')).toBe('50');

    for (let i = 0; i < 3; i += 1)
      expect((await api('POST', '/api/v1/emails', { key, body: row })).status).toBe(200);
    const fourth = await api('POST', '/api/v1/emails', { key, body: row });
    expect(fourth.status).toBe(402);
    expect(fourth.body.code).toBe('quota_exceeded');
    // Test keys do not count toward the quota.
    expect((await api('POST', '/api/v1/emails', { key: test, body: row })).status).toBe(200);
  });

  it('counts a refused request nowhere: the windows that had room give it back', async () => {
    const { key, project } = await otherProjectKey();
    const test = await addProjectKey(project, { mode: 'test' });
    await mailroom('accounts', 'limits', 'set', project.accountId, '--per-hour', '5', '--monthly-quota', '4');
    const row = {
      from: `a@${sandboxDomain}`,
      to: 'success@simulator.amazonses.com',
      subject: 'x',
      text: 'x',
    };
    for (let i = 0; i < 3; i += 1)
      expect((await api('POST', '/api/v1/emails', { key, body: row })).status).toBe(200);
    // The month has room for 1 more, the hour for 2: the batch of 2 is refused by the month...
    const refused = await api('POST', '/api/v1/emails/batch', { key, body: { emails: [row, row] } });
    expect(refused.status).toBe(402);
    // ...and the hour it fitted in gave its 2 back: test keys (hour, no quota) still send 2, then no more.
    for (let i = 0; i < 2; i += 1)
      expect((await api('POST', '/api/v1/emails', { key: test, body: row })).status).toBe(200);
    const full = await api('POST', '/api/v1/emails', { key: test, body: row });
    expect(full.status).toBe(429);
    expect(full.body.error).toMatch(/5 emails per hour/);
  });
  it('spreads a busy account over usage shards without letting it past a limit', async () => {
    const { project } = await otherProjectKey();
    // 600 an hour: two shards of 300 each, so batches land on either and fall over to the
    // other. (An hour, not a minute: a window that turns over mid-test would have room again.)
    await mailroom(
      'accounts',
      'limits',
      'set',
      project.accountId,
      '--per-hour',
      '600',
      '--per-second',
      '1000',
    );
    const test = await addProjectKey(project, { mode: 'test' });
    const row = {
      from: `a@${sandboxDomain}`,
      to: 'success@simulator.amazonses.com',
      subject: 'x',
      text: 'x',
    };
    const batch = () =>
      api('POST', '/api/v1/emails/batch', {
        key: test,
        body: { emails: Array.from({ length: 100 }, () => row) },
      });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) statuses.push((await batch()).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);
    const over = await batch();
    expect(over.status).toBe(429);
    expect(over.body.error).toMatch(/600 emails per hour/);
    expect(over.headers.get('x-ratelimit-remaining')).toBe('0');
  });
});

describe('the mailroom CLI', () => {
  it('creates an account, a project and a key that then sends', async () => {
    const account = await mailroom('accounts', 'create', 'Acme');
    expect(account).toMatchObject({ id: expect.stringMatching(/^acc_/), name: 'Acme', status: 'active' });
    expect((await mailroom('accounts', 'list')).map((a: { id: string }) => a.id)).toContain(account.id);
    const project = await mailroom('projects', 'create', account.id, 'Web');
    expect((await mailroom('projects', 'list', account.id))[0]).toMatchObject({
      id: project.id,
      name: 'Web',
    });
    const key = await mailroom('keys', 'create', project.id, '--name', 'backend', '--scopes', 'full_access');
    expect(key.key).toMatch(/^ak_live_/);

    const sent = await api('POST', '/api/v1/emails', {
      key: key.key,
      body: {
        from: `hello@${sandboxDomain}`,
        to: 'success@simulator.amazonses.com',
        subject: 'From the CLI',
        text: 'x',
      },
    });
    expect(sent.status).toBe(200);
    const keys = await mailroom('keys', 'list', project.id);
    expect(keys[0]).toMatchObject({ id: key.id, mode: 'live' });
    expect(JSON.stringify(keys)).not.toContain(key.key);
    expect(await mailroom('keys', 'revoke', project.id, key.id)).toEqual({ id: key.id, revoked: true });
    expect(await mailroom('domains', 'list', project.id)).toEqual([]);
  });

  it('sets up a first account, project and full-access key in one command', async () => {
    const first = await mailroom('init', 'Fresh Co', '--project', 'Production');
    expect(first).toEqual({
      accountId: expect.stringMatching(/^acc_/),
      projectId: expect.stringMatching(/^prj_/),
      key: expect.stringMatching(/^ak_live_/),
    });
    expect((await mailroom('projects', 'list', first.accountId))[0]).toMatchObject({ name: 'Production' });
    const sent = await api('POST', '/api/v1/emails', {
      key: first.key,
      body: {
        from: `hello@${sandboxDomain}`,
        to: 'success@simulator.amazonses.com',
        subject: 'First',
        text: 'x',
      },
    });
    expect(sent.status).toBe(200);
  });

  it('answers mistakes with one line and a non-zero exit', async () => {
    const unknown = await mailroomFails('accounts', 'explode');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim().split('\n')).toHaveLength(1);
    expect((await mailroomFails('accounts', 'show', 'acc_nope')).stderr).toMatch(/No account acc_nope/);
    expect((await mailroomFails('accounts', 'limits', 'set', 'acc_x', '--per-minute', 'many')).code).toBe(2);
  });
});
