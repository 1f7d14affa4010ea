import { describe, expect, it } from 'vitest';
import { routes } from '../../functions/routes.ts';
import { apiUrl, freshKey } from './support.ts';

/**
 * Values an attacker or a broken client puts where an id goes: broken percent-encoding,
 * overlong and truncated UTF-8, NUL, traversal, and ids far over DynamoDB's key size.
 */
const hostileSegments = [
  '%ZZ',
  '%',
  '%C0%AE',
  '%E2%82',
  '%00',
  '..',
  '%2e%2e%2f',
  'x'.repeat(2000),
  `key_${'A'.repeat(2000)}`,
  `em_${'0'.repeat(2000)}`,
  '%F0%9F%9A%80',
];

/** Query values that once reached the store unchecked. */
const hostileQueries: Record<string, string[]> = {
  '/api/v1/emails': [
    'tag=:',
    'tag=:x',
    'tag=%00',
    'from=1960-01-01T00:00:00Z',
    'to=1969-12-31T23:59:59Z',
    'limit=-1',
    'startingAfter=%ZZ',
  ],
  '/api/v1/suppressions': ['limit=0', 'type=%ZZ'],
  '/api/v1/analytics/summary': ['from=0000-01-01', 'to=99999-01-01'],
};

/** Every answer is a client error, never a 5xx, and an error is `{error, code}` JSON. */
async function expectContractAnswer(label: string, response: Response) {
  expect(response.status, label).toBeLessThan(500);
  if (response.status >= 400) {
    const body = (await response.json()) as { error?: unknown; code?: unknown };
    expect(typeof body.error, label).toBe('string');
    expect(typeof body.code, label).toBe('string');
  } else await response.arrayBuffer();
}

describe('hostile input, generated over the route table', () => {
  it('gets a 4xx as `{error, code}` JSON from every route with a path id, never a 5xx', async () => {
    for (const route of routes.filter(
      (candidate) => candidate.path.includes('{') && !candidate.path.includes('+'),
    )) {
      // A key of its own per route, so no rate limit hides an answer.
      const headers = { authorization: `Bearer ${await freshKey()}`, 'content-type': 'application/json' };
      for (const segment of hostileSegments) {
        const path = route.path.replace(/\{\w+\}/g, segment);
        const response = await fetch(`${apiUrl}${path}`, {
          method: route.method,
          headers,
          ...(['POST', 'PUT', 'PATCH'].includes(route.method) ? { body: '{}' } : {}),
        });
        await expectContractAnswer(`${route.method} ${path.slice(0, 80)}`, response);
      }
    }
  }, 120_000);

  it('gets a 4xx for hostile query values on the list routes', async () => {
    const headers = { authorization: `Bearer ${await freshKey()}` };
    for (const [path, queries] of Object.entries(hostileQueries)) {
      for (const query of queries) {
        const response = await fetch(`${apiUrl}${path}?${query}`, { headers });
        await expectContractAnswer(`GET ${path}?${query}`, response);
      }
    }
  });
});
