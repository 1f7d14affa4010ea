import { describe, expect, it } from 'vitest';
import { routes } from '#functions/routes.ts';
import { admitPrincipal } from '#shared/admission/admit-principal.ts';
import { changesState, testKeyMay } from '#shared/admission/test-keys.ts';
import type { Principal } from '#shared/auth/principal.ts';
import { ApiError, statusByCode } from '#shared/errors.ts';
import type { Scope } from '#shared/tenancy/scopes.ts';

const principal = (mode: Principal['mode']): Principal => ({
  keyId: 'key_01JD0000000000000000000000',
  keyName: 'matrix',
  projectId: 'prj_01JD0000000000000000000000',
  accountId: 'acc_01JD0000000000000000000000',
  mode,
  scopes: ['full_access'],
  domains: [],
});

/**
 * Every route but a read that a test key may still call: it sends test mail (single,
 * batch, one-time codes, campaign tests), changes only test campaigns and the codes of
 * its own sends (checked by their services), or is the MCP gateway, whose every call is
 * checked again on its own route. Anything else would change what a live user sees.
 */
const testKeyWrites = new Set([
  'POST /api/v1/emails',
  'POST /api/v1/emails/batch',
  'POST /api/v1/otp/send',
  'POST /api/v1/otp/verify',
  'POST /api/v1/campaigns',
  'PUT /api/v1/campaigns/{id}',
  'DELETE /api/v1/campaigns/{id}',
  'POST /api/v1/campaigns/{id}/launch',
  'POST /api/v1/campaigns/{id}/pause',
  'POST /api/v1/campaigns/{id}/resume',
  'POST /api/v1/campaigns/{id}/cancel',
  'POST /api/v1/campaigns/{id}/test',
  'ANY /mcp',
]);

const keyed = routes.filter((route) => route.scope !== 'public');
const routeKey = (route: (typeof routes)[number]) => `${route.method} ${route.path}`;

describe('test keys over the whole route table', () => {
  it.each(keyed.map((route) => [routeKey(route), route] as const))('%s', async (key, route) => {
    const request = { changes: changesState(route.method), testKeys: route.testKeys };
    const expected = route.method === 'GET' || testKeyWrites.has(key);
    expect(testKeyMay(principal('test'), request)).toBe(expected);
    expect(testKeyMay(principal('live'), request)).toBe(true);
    if (expected) return;
    // Refused before anything is read or counted: the account and rate window are never reached.
    const refusal = await admitPrincipal(principal('test'), {
      ...request,
      scope: route.scope as Scope | 'any',
      rateClass: route.rateLimit,
    }).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(ApiError);
    expect((refusal as ApiError).code).toBe('forbidden');
    expect(statusByCode[(refusal as ApiError).code]).toBe(403);
    expect((refusal as ApiError).message).toMatch(/test key/);
  });

  it('names only routes of the table among those a test key may change', () => {
    const known = new Set(keyed.map(routeKey));
    expect([...testKeyWrites].filter((key) => !known.has(key))).toEqual([]);
    expect(keyed.filter((route) => route.method === 'GET' && route.testKeys).map(routeKey)).toEqual([]);
  });
});
