import { type RateLimitClass, routes } from '#functions/routes.ts';
import type { TestKeyAccess } from '#shared/admission/test-keys.ts';
import type { Scope } from '#shared/tenancy/scopes.ts';

/** What the API middlewares need from a route's row in the route table. */
export interface RoutePolicy {
  /** `any`: every valid key may call it (the SMTP settings). */
  scope: Scope | 'any';
  rateLimit: RateLimitClass;
  testKeys?: TestKeyAccess;
}

/**
 * A handler's row of the route table, by its route key (`POST /api/v1/emails`), so the
 * scope and rate-limit class each handler enforces are the ones the table declares.
 * An unknown key fails at cold start.
 */
export function routeOf(routeKey: string): RoutePolicy {
  const route = routes.find((candidate) => `${candidate.method} ${candidate.path}` === routeKey);
  if (!route || route.scope === 'public')
    throw new Error(`No keyed route ${routeKey} in functions/routes.ts`);
  return { scope: route.scope as Scope | 'any', rateLimit: route.rateLimit, testKeys: route.testKeys };
}
