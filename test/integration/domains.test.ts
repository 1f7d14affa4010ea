import { GetEmailIdentityCommand, NotFoundException, SESv2Client } from '@aws-sdk/client-sesv2';
import { describe, expect, it } from 'vitest';
import {
  addProjectKey,
  api,
  eventually,
  freshKey,
  otherProjectKey,
  sandboxDomain,
  setIdentityStatus,
  testKey,
  uniqueDomain,
  useLocalAws,
  verifiedDomain,
} from './support.ts';

useLocalAws();
const ses = new SESv2Client({ maxAttempts: 1 });

const email = (from: string) => ({
  from,
  to: 'success@simulator.amazonses.com',
  subject: 'Domains',
  text: 'x',
});

describe('adding a domain', () => {
  it('creates the SES identity and answers its three DKIM tokens, pending', async () => {
    const domain = uniqueDomain();
    const created = await api('POST', '/api/v1/domains', { key: await freshKey(), body: { domain } });
    expect(created.status).toBe(200);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^dom_[0-9A-HJKMNP-TV-Z]{26}$/),
      domain,
      status: 'pending',
      dkimTokens: [expect.any(String), expect.any(String), expect.any(String)],
    });

    const identity = await ses.send(new GetEmailIdentityCommand({ EmailIdentity: domain }));
    expect(identity.DkimAttributes?.Tokens).toEqual(created.body.dkimTokens);
    expect(identity.DkimAttributes?.NextSigningKeyLength).toBe('RSA_2048_BIT');
    expect(identity.MailFromAttributes).toMatchObject({
      MailFromDomain: `mail.${domain}`,
      BehaviorOnMxFailure: 'USE_DEFAULT_VALUE',
    });
    expect(identity.ConfigurationSetName).toBe('mailroom');
  });

  it('lists the DNS records to publish, each with SES status where SES gives one', async () => {
    const domain = uniqueDomain();
    const created = await api('POST', '/api/v1/domains', { key: await freshKey(), body: { domain } });
    const read = await api('GET', `/api/v1/domains/${created.body.id}`);
    expect(read.status).toBe(200);
    const [t1, t2, t3] = created.body.dkimTokens as string[];
    expect(read.body).toMatchObject({ id: created.body.id, object: 'domain', domain, status: 'pending' });
    expect(read.body.dns_records).toEqual([
      expect.objectContaining({
        type: 'CNAME',
        name: `${t1}._domainkey.${domain}`,
        value: `${t1}.dkim.amazonses.com`,
        status: 'pending',
      }),
      expect.objectContaining({
        type: 'CNAME',
        name: `${t2}._domainkey.${domain}`,
        value: `${t2}.dkim.amazonses.com`,
      }),
      expect.objectContaining({
        type: 'CNAME',
        name: `${t3}._domainkey.${domain}`,
        value: `${t3}.dkim.amazonses.com`,
      }),
      expect.objectContaining({ type: 'TXT', name: domain, value: 'v=spf1 include:amazonses.com ~all' }),
      expect.objectContaining({
        type: 'TXT',
        name: `_dmarc.${domain}`,
        value: expect.stringMatching(/^v=DMARC1; p=none;/),
        note: expect.stringMatching(/tighten/),
      }),
      expect.objectContaining({
        type: 'MX',
        name: `mail.${domain}`,
        value: 'feedback-smtp.us-east-1.amazonses.com',
        priority: 10,
        status: 'pending',
      }),
      expect.objectContaining({
        type: 'TXT',
        name: `mail.${domain}`,
        value: 'v=spf1 include:amazonses.com ~all',
      }),
    ]);
    const byName = await api('GET', `/api/v1/domains/${domain}`);
    expect(byName.body.id).toBe(created.body.id);
  });

  it('is verified by the scheduled re-check once SES verifies it, with verified_at', async () => {
    const domain = uniqueDomain();
    const created = await api('POST', '/api/v1/domains', { key: await freshKey(), body: { domain } });
    const listed = await eventually(
      () => api('GET', '/api/v1/domains'),
      (response) =>
        response.body.data.some(
          (d: { id: string; status: string }) => d.id === created.body.id && d.status === 'verified',
        ),
    );
    expect(listed.body.object).toBe('list');
    const entry = listed.body.data.find((d: { id: string }) => d.id === created.body.id);
    expect(entry).toMatchObject({ object: 'domain', domain, dkim_tokens: created.body.dkimTokens });
    expect(Date.parse(entry.verified_at)).toBeGreaterThan(Date.parse(entry.created_at) - 1);
  });

  it('reports FAILED from SES as failed on verify', async () => {
    const domain = uniqueDomain();
    const created = await api('POST', '/api/v1/domains', { key: await freshKey(), body: { domain } });
    await setIdentityStatus(domain, 'FAILED');
    const verdict = await api('POST', `/api/v1/domains/${created.body.id}/verify`);
    expect(verdict.status).toBe(200);
    expect(verdict.body).toEqual({ status: 'failed', domain });
  });

  it('normalises upper case and stores internationalised names as punycode, showing both', async () => {
    const suffix = Date.now().toString(36);
    const upper = await api('POST', '/api/v1/domains', {
      key: await freshKey(),
      body: { domain: `Mixed-${suffix}.Example.COM` },
    });
    expect(upper.body.domain).toBe(`mixed-${suffix}.example.com`);
    const idn = await api('POST', '/api/v1/domains', {
      key: await freshKey(),
      body: { domain: `bücher-${suffix}.example` },
    });
    expect(idn.status).toBe(200);
    expect(idn.body.domain).toMatch(/^xn--[a-z0-9-]+\.example$/);
    expect(idn.body.domain_unicode).toBe(`bücher-${suffix}.example`);
  });
});

describe('one owner per domain', () => {
  it('answers 409 when another project holds the domain, naming no project', async () => {
    const domain = uniqueDomain();
    const mine = await api('POST', '/api/v1/domains', { key: await freshKey(), body: { domain } });
    const other = await otherProjectKey();
    const theirs = await api('POST', '/api/v1/domains', { key: other.key, body: { domain } });
    expect(theirs.status).toBe(409);
    expect(theirs.body.code).toBe('conflict');
    expect(JSON.stringify(theirs.body)).not.toMatch(/prj_|dom_/);
    expect((await api('POST', '/api/v1/domains', { key: await freshKey(), body: { domain } })).status).toBe(
      409,
    );
    // Another project's domain is simply not found, by id or by name.
    expect((await api('GET', `/api/v1/domains/${mine.body.id}`, { key: other.key })).status).toBe(404);
    expect((await api('GET', `/api/v1/domains/${domain}`, { key: other.key })).status).toBe(404);
    expect((await api('DELETE', `/api/v1/domains/${mine.body.id}`, { key: other.key })).status).toBe(404);
  });
});

describe('sending is bound to verified domains', () => {
  it('refuses an unverified domain with domain_not_verified, then accepts it once verified', async () => {
    const domain = uniqueDomain();
    const created = await api('POST', '/api/v1/domains', { key: await freshKey(), body: { domain } });
    const early = await api('POST', '/api/v1/emails', { body: email(`hi@${domain}`) });
    expect(early.status).toBe(400);
    expect(early.body).toMatchObject({ code: 'domain_not_verified', field: 'from' });

    await setIdentityStatus(domain, 'SUCCESS');
    await api('POST', `/api/v1/domains/${created.body.id}/verify`);
    const later = await api('POST', '/api/v1/emails', { body: email(`Team <hi@${domain}>`) });
    expect(later.status).toBe(200);
    const sub = await api('POST', '/api/v1/emails', { body: email(`hi@news.${domain}`) });
    expect(sub.status).toBe(200);
    await eventually(
      () => api('GET', `/api/v1/emails/${later.body.id}`),
      (response) => response.body.email.status === 'delivered',
    );
  });

  it("refuses another project's verified domain", async () => {
    const other = await otherProjectKey();
    const { domain } = await verifiedDomain(other.key);
    const response = await api('POST', '/api/v1/emails', { body: email(`hi@${domain}`) });
    expect(response.body.code).toBe('domain_not_verified');
  });

  it("never lets a project that holds a parent domain send as another project's subdomain", async () => {
    const parent = uniqueDomain('parent');
    const child = await otherProjectKey();
    const { domain: childDomain } = await verifiedDomain(child.key, `shop.${parent}`);
    const holder = await otherProjectKey();
    await verifiedDomain(holder.key, parent);
    const asChild = await api('POST', '/api/v1/emails', {
      key: holder.key,
      body: email(`ceo@${childDomain}`),
    });
    expect(asChild.status).toBe(400);
    expect(asChild.body).toMatchObject({ code: 'domain_not_verified', field: 'from' });
    const below = await api('POST', '/api/v1/emails', {
      key: holder.key,
      body: email(`ceo@eu.${childDomain}`),
    });
    expect(below.body.code).toBe('domain_not_verified');
    // Its own name and its other subdomains stay its own; the child's owner still sends.
    expect(
      (await api('POST', '/api/v1/emails', { key: holder.key, body: email(`hi@${parent}`) })).status,
    ).toBe(200);
    expect(
      (await api('POST', '/api/v1/emails', { key: holder.key, body: email(`hi@news.${parent}`) })).status,
    ).toBe(200);
    expect(
      (await api('POST', '/api/v1/emails', { key: child.key, body: email(`hi@${childDomain}`) })).status,
    ).toBe(200);
  });

  it('stops sending from a domain the moment it is deleted, and deletes its SES identity', async () => {
    const { id, domain } = await verifiedDomain();
    expect((await api('POST', '/api/v1/emails', { body: email(`hi@${domain}`) })).status).toBe(200);
    const deleted = await api('DELETE', `/api/v1/domains/${id}`);
    expect(deleted.body).toEqual({ id, deleted: true });
    expect((await api('POST', '/api/v1/emails', { body: email(`hi@${domain}`) })).body.code).toBe(
      'domain_not_verified',
    );
    await expect(ses.send(new GetEmailIdentityCommand({ EmailIdentity: domain }))).rejects.toBeInstanceOf(
      NotFoundException,
    );
    expect((await api('GET', `/api/v1/domains/${id}`)).status).toBe(404);
    expect((await api('DELETE', `/api/v1/domains/${id}`)).status).toBe(404);
  });

  it('lets a test key send from any domain without verification', async () => {
    const response = await api('POST', '/api/v1/emails', {
      key: testKey,
      body: email('hi@never-added.example.org'),
    });
    expect(response.status).toBe(200);
    expect(response.body.status).toBe('test');
  });

  it('gives a key limited to some domains 403 for the others', async () => {
    const { key: admin, project } = await otherProjectKey();
    const { domain: allowed } = await verifiedDomain(admin);
    const { domain: other } = await verifiedDomain(admin);
    const limited = await addProjectKey(project, { scopes: ['sending_access'], domains: [allowed] });
    expect((await api('POST', '/api/v1/emails', { key: limited, body: email(`a@${allowed}`) })).status).toBe(
      200,
    );
    expect(
      (await api('POST', '/api/v1/emails', { key: limited, body: email(`a@news.${allowed}`) })).status,
    ).toBe(200);
    const refused = await api('POST', '/api/v1/emails', { key: limited, body: email(`a@${other}`) });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('forbidden');

    // On every route: a limited key with domain scopes sees and changes only its domains.
    const manager = await addProjectKey(project, {
      scopes: ['domains.read', 'domains.write'],
      domains: [allowed],
    });
    const listed = await api('GET', '/api/v1/domains', { key: manager });
    expect(
      listed.body.data.map((domain: { name?: string; domain?: string }) => domain.name ?? domain.domain),
    ).toEqual([allowed]);
    for (const [method, path] of [
      ['GET', `/api/v1/domains/${other}`],
      ['POST', `/api/v1/domains/${other}/verify`],
      ['DELETE', `/api/v1/domains/${other}`],
    ] as const) {
      const answer = await api(method, path, { key: manager });
      expect(answer.status, `${method} ${path}`).toBe(403);
    }
    const added = await api('POST', '/api/v1/domains', {
      key: manager,
      body: { domain: uniqueDomain('outside') },
    });
    expect(added.status).toBe(403);
    expect((await api('GET', `/api/v1/domains/${other}`, { key: admin })).status).toBe(200);
  });
});

describe('domain ownership across projects', () => {
  it('refuses a name under another project’s domain, and the sandbox tree', async () => {
    const { domain } = await verifiedDomain();
    const { key: other } = await otherProjectKey();
    const under = await api('POST', '/api/v1/domains', { key: other, body: { domain: `mail2.${domain}` } });
    expect(under.status).toBe(409);
    expect(under.body).toMatchObject({ code: 'conflict' });
    expect(under.body.error).not.toMatch(/prj_/);
    // The owner itself may add names under its own domain.
    const own = await api('POST', '/api/v1/domains', {
      key: await freshKey(),
      body: { domain: `news.${domain}` },
    });
    expect(own.status).toBe(200);
    for (const name of [sandboxDomain, `news.${sandboxDomain}`]) {
      const sandbox = await api('POST', '/api/v1/domains', { key: other, body: { domain: name } });
      expect(sandbox.status, name).toBe(403);
      expect(sandbox.body, name).toMatchObject({ code: 'forbidden' });
    }
  });

  it('treats a name under the sandbox domain as the sandbox, allowance included', async () => {
    const { key } = await otherProjectKey();
    const response = await api('POST', '/api/v1/emails', { key, body: email(`hi@news.${sandboxDomain}`) });
    expect(response.status).toBe(200);
  });
});

describe('the shared sandbox domain', () => {
  it('lets a project without a domain send 100 emails a day from it, and refuses the 101st', async () => {
    const fresh = await otherProjectKey();
    // Two keys of the project, so the per-key limit (100 sends a minute) is not what stops it.
    const keys = [fresh.key, await addProjectKey(fresh.project)];
    const from = `hello@${sandboxDomain}`;
    for (let i = 0; i < 100; i += 1) {
      const response = await api('POST', '/api/v1/emails', { key: keys[i % 2], body: email(from) });
      expect(response.status, `email ${i + 1}`).toBe(200);
    }
    const over = await api('POST', '/api/v1/emails', { key: keys[0], body: email(from) });
    expect(over.status).toBe(429);
    expect(over.body.code).toBe('rate_limited');
    expect(over.body.error).toMatch(/sandbox domain allows 100 emails a day/);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
  }, 60_000);

  it('counts only accepted mail against the allowance', async () => {
    const fresh = await otherProjectKey();
    const keys = [fresh.key, await addProjectKey(fresh.project), await addProjectKey(fresh.project)];
    const from = `hello@${sandboxDomain}`;
    // Refused after the sender check: an unknown template, an all-suppressed recipient list.
    await api('POST', '/api/v1/suppressions', { key: keys[0], body: { email: 'gone@example.com' } });
    for (let i = 0; i < 100; i += 1) {
      const body =
        i % 2 === 0
          ? { from, to: 'success@simulator.amazonses.com', template_id: `tpl_${'0'.repeat(26)}` }
          : { ...email(from), to: 'gone@example.com' };
      const refused = await api('POST', '/api/v1/emails', { key: keys[i % 2], body });
      expect(refused.status, `request ${i + 1}`).toBeGreaterThanOrEqual(400);
      expect(refused.status, `request ${i + 1}`).not.toBe(429);
    }
    const accepted = await api('POST', '/api/v1/emails', { key: keys[2], body: email(from) });
    expect(accepted.status).toBe(200);
  }, 60_000);
});
