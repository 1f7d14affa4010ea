import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, screenshotPath } from './chromium.ts';
import {
  addProjectKey,
  api,
  apiUrl,
  eventually,
  setIdentityStatus,
  type Tenant,
  tenantWithDomain,
  uniqueDomain,
} from './support.ts';

let browser: Browser;
let tenant: Tenant;
const problems: string[] = [];

beforeAll(async () => {
  browser = await launchChromium();
  tenant = await tenantWithDomain();
}, 60_000);
afterAll(() => browser?.close());

/** A fresh tab at `width`, failing the test on any script error or CSP violation. */
async function tab(width = 1280): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    // An error answer the page expects (a refused key) is logged by Chromium too; anything else counts.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource'))
      problems.push(`console: ${message.text()}`);
  });
  return page;
}

async function signIn(page: Page, key: string) {
  await page.goto(`${apiUrl}/`);
  // The local platform opens signed in with its own key; sign out and in with the tenant's.
  const signOut = page.getByRole('button', { name: 'Sign out' });
  if (await signOut.isVisible()) await signOut.click();
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Overview' }).waitFor();
}

const shoot = (page: Page, name: string) => page.screenshot({ path: screenshotPath(name), fullPage: true });

describe('the web console in Chromium', () => {
  it('is served on the API port with a strict Content-Security-Policy, and opens signed in locally', async () => {
    const response = await fetch(`${apiUrl}/`);
    expect(response.status).toBe(200);
    const policy = response.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("frame-ancestors 'none'");
    const page = await tab();
    await page.goto(`${apiUrl}/`);
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await page.locator('.banner').waitFor();
    await shoot(page, 'local-signed-in');
    expect(await page.locator('.banner').textContent()).toMatch(/Account\s*active/);
    // The keyboard's first stop is the skip link; it moves the focus and stays on the page.
    await page.goto(`${apiUrl}/#/emails`);
    await page.getByRole('heading', { name: 'Emails' }).waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate('document.activeElement?.id')).toBe('main');
    expect(page.url()).toMatch(/#\/emails$/);
    await page.close();
  });

  it('refuses a wrong key with a clear message', async () => {
    const page = await tab();
    await page.goto(`${apiUrl}/`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').fill(`ak_live_${'0'.repeat(64)}`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('.error').waitFor();
    expect(await page.locator('.error').textContent()).toContain('unauthorized');
    await shoot(page, 'sign-in-refused');
    await page.close();
  });

  it('adds a domain and watches it verify, every record with a copy button', async () => {
    const page = await tab();
    await signIn(page, tenant.key);
    await page.getByRole('link', { name: 'Domains' }).click();
    const domain = uniqueDomain('console');
    await page.getByLabel('Add a sending domain').fill(domain);
    await page.getByRole('button', { name: 'Add domain' }).click();
    await page.getByRole('heading', { name: domain }).waitFor();
    const records = page.locator('table.records tbody tr');
    expect(await records.count()).toBeGreaterThanOrEqual(5);
    expect(await page.getByRole('button', { name: /^Copy .* value$/ }).count()).toBe(await records.count());
    await shoot(page, 'domain-pending');
    await setIdentityStatus(domain, 'SUCCESS');
    await page.getByRole('button', { name: 'Verify now' }).click();
    await page.getByRole('status').filter({ hasText: 'SES says: verified' }).waitFor();
    await page
      .locator('.badge', { hasText: /^verified$/ })
      .first()
      .waitFor();
    await shoot(page, 'domain-verified');
    await page.close();
  });

  it('shows a sent email reach delivered with its timeline', async () => {
    const sent = await api('POST', '/api/v1/emails', {
      key: tenant.key,
      body: {
        from: `console@${tenant.domain}`,
        to: 'reader@example.org',
        subject: 'Seen in the console',
        text: 'Hi',
      },
    });
    expect(sent.status).toBe(200);
    const page = await tab();
    await signIn(page, tenant.key);
    await page.getByRole('link', { name: 'Emails' }).click();
    await page.getByRole('link', { name: 'Seen in the console' }).click();
    await page.locator('.facts .badge', { hasText: 'delivered' }).waitFor({ timeout: 20_000 });
    const timeline = await page.locator('.timeline li').allTextContents();
    expect(timeline.join(' ')).toMatch(/queued.*sent.*delivered/s);
    await shoot(page, 'email-delivered');
    await page.getByRole('link', { name: 'Overview' }).click();
    await page.getByRole('heading', { name: 'Setup' }).waitFor();
    await expect
      .poll(() => page.locator('.checklist .done').count(), { timeout: 15_000 })
      .toBeGreaterThanOrEqual(2);
    await shoot(page, 'overview');
    await page.close();
  }, 60_000);

  it('creates a key shown once, then revokes it', async () => {
    const page = await tab();
    await signIn(page, tenant.key);
    await page.getByRole('link', { name: 'API keys' }).click();
    await page.getByLabel('Name').fill('console test key');
    await page.getByRole('button', { name: 'Create key' }).click();
    const secret = (await page.getByTestId('new-key').textContent()) ?? '';
    expect(secret).toMatch(/^ak_live_[0-9a-f]{64}$/);
    expect((await api('GET', '/api/v1/account', { key: secret })).status).toBe(200);
    const row = page.locator('tr', { hasText: 'console test key' });
    await row.getByRole('button', { name: 'Revoke' }).click();
    await row.getByRole('button', { name: 'Confirm revoke' }).click();
    await row.locator('.badge', { hasText: 'revoked' }).waitFor();
    await shoot(page, 'keys');
    await eventually(
      () => api('GET', '/api/v1/account', { key: secret }),
      (answer) => answer.status === 401,
    );
    await page.close();
  });

  it('signs out when the key it signed in with is revoked', async () => {
    const own = await addProjectKey(tenant.project);
    const page = await tab();
    await signIn(page, own);
    await page.getByRole('link', { name: 'API keys' }).click();
    const row = page.locator('tr', { hasText: 'this session' });
    await row.getByRole('button', { name: 'Revoke' }).click();
    await row.getByText('you will be signed out').waitFor();
    await row.getByRole('button', { name: 'Confirm revoke' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await page.close();
  });

  it('finds a bounced email and the suppression it caused', async () => {
    const bounced = await api('POST', '/api/v1/emails', {
      key: tenant.key,
      body: {
        from: `console@${tenant.domain}`,
        to: 'bounce@simulator.amazonses.com',
        subject: 'Will bounce',
        text: 'x',
      },
    });
    await eventually(
      () => api('GET', `/api/v1/emails/${bounced.body.id}`, { key: tenant.key }),
      (answer) => answer.body?.email?.status === 'bounced',
    );
    const page = await tab();
    await signIn(page, tenant.key);
    await page.getByRole('link', { name: 'Emails' }).click();
    await page.getByLabel('Status').selectOption('bounced');
    await page.getByRole('link', { name: 'Will bounce' }).click();
    await page.getByRole('note').filter({ hasText: 'now suppressed' }).waitFor();
    await shoot(page, 'email-bounced');
    await page.getByRole('note').getByRole('link', { name: 'Suppressions' }).click();
    const row = page.locator('tr', { hasText: 'bounce@simulator.amazonses.com' });
    await row.locator('.badge', { hasText: 'bounce' }).waitFor();
    await shoot(page, 'suppressions');
    await page.close();
  });

  it('renders every page at 1280 and 390 pixels wide, without a script error', async () => {
    for (const width of [1280, 390]) {
      const page = await tab(width);
      await signIn(page, tenant.key);
      for (const section of [
        'overview',
        'emails',
        'domains',
        'templates',
        'contacts',
        'campaigns',
        'suppressions',
        'webhooks',
        'keys',
      ]) {
        await page.goto(`${apiUrl}/#/${section}`);
        await page.locator('h1').waitFor();
        await expect.poll(() => page.getByText('Loading…').count(), { timeout: 15_000 }).toBe(0);
        await shoot(page, `${section}-${width}`);
        const overflow = (await page.evaluate(
          'document.documentElement.scrollWidth - window.innerWidth',
        )) as number;
        expect(overflow, `${section} at ${width} px scrolls sideways`).toBeLessThanOrEqual(1);
      }
      await page.close();
    }
    expect(problems).toEqual([]);
  }, 120_000);
});
