import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleContentSecurityPolicy } from '../../infra/console.ts';
import { launchChromium, screenshotPath } from './chromium.ts';
import { apiUrl } from './support.ts';

let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
}, 60_000);
afterAll(() => browser?.close());

describe('the API reference page at /docs', () => {
  it('is served with the console’s Content-Security-Policy, its scripts from the platform itself', async () => {
    const response = await fetch(`${apiUrl}/docs`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('content-security-policy')).toBe(consoleContentSecurityPolicy);
    const html = await response.text();
    const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBe(2);
    for (const [, attributes, body] of scripts) {
      expect(body).toBe('');
      const src = /src="([^"]+)"/.exec(attributes ?? '')?.[1] ?? '';
      expect(src).toMatch(/^\/static\//);
      const script = await fetch(`${apiUrl}${src}`);
      expect(script.status).toBe(200);
      expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
      await script.arrayBuffer();
    }
  });

  it('renders the served OpenAPI document in Chromium with no CSP violation and nothing fetched from elsewhere', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      // The browser's own favicon request is answered 404; anything else logged as an error counts.
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource'))
        problems.push(`console: ${message.text()}`);
    });
    const origin = new URL(apiUrl).origin;
    page.on('request', (request) => {
      if (!request.url().startsWith(origin) && !request.url().startsWith('data:'))
        problems.push(`request elsewhere: ${request.url()}`);
    });
    // Every violation, reported or not (a refused probe for eval logs nothing to the console).
    await page.addInitScript(`
      globalThis.cspViolations = [];
      document.addEventListener('securitypolicyviolation', (event) => globalThis.cspViolations.push(
        event.violatedDirective + ' ' + event.blockedURI + ' ' + event.sourceFile + ':' + event.lineNumber));
    `);
    const served = page.waitForResponse((response) => response.url() === `${origin}/api/v1/openapi.json`);
    await page.goto(`${apiUrl}/docs`);
    expect((await served).status()).toBe(200);
    await page.getByRole('heading', { name: 'Mailroom API' }).waitFor({ timeout: 60_000 });
    await page.goto(`${apiUrl}/docs#tag/emails/POST/api/v1/emails`);
    await page.getByRole('heading', { name: 'POST /api/v1/emails' }).waitFor({ timeout: 30_000 });
    // The sidebar lists the tag's other operations; the page renders sections as they near the view.
    await page.getByText('GET /api/v1/emails/{id}').first().waitFor();
    await page.screenshot({ path: screenshotPath('api-reference') });
    expect(await page.evaluate('globalThis.cspViolations')).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  }, 120_000);
});
