import { type RateLimitClass, type Route, routeKey, routes } from '#functions/routes.ts';
import type { TestKeyAccess } from '#shared/admission/test-keys.ts';
import type { Scope } from '#shared/tenancy/scopes.ts';

/** What the API middlewares need from a route's row in the route table. */
export interface RoutePolicy {
  /** `any`: every valid key may call it (the SMTP settings). */
  scope: Scope | 'any';
  rateLimit: RateLimitClass;
  testKeys?: TestKeyAccess;
}

/** The policies of the keyed routes among `table`, by route key (`POST /api/v1/emails`). */
export function routePolicies(table: readonly Route[]): Record<string, RoutePolicy> {
  const policies: Record<string, RoutePolicy> = {};
  for (const route of table) {
    if (route.scope === 'public') continue;
    policies[routeKey(route)] = {
      scope: route.scope as Scope | 'any',
      rateLimit: route.rateLimit,
      ...(route.testKeys ? { testKeys: route.testKeys } : {}),
    };
  }
  return policies;
}

/**
 * The policies of the routes served by this bundle's entry, as JSON, written in by esbuild
 * when a function is bundled (`routeDefines` in `infra/constructs/lambda-defaults.ts`):
 * a function then carries its own routes' rows, not the whole table. Unbundled (the local
 * runtime, tests) it is not defined and the table itself is read; both come from the same
 * rows through `routePolicies`.
 */
declare const MAILROOM_ROUTE_POLICIES: string;

const policies: Record<string, RoutePolicy> =
  typeof MAILROOM_ROUTE_POLICIES === 'undefined'
    ? routePolicies(routes)
    : JSON.parse(MAILROOM_ROUTE_POLICIES);

/**
 * A handler's row of the route table, by its route key (`POST /api/v1/emails`), so the
 * scope and rate-limit class each handler enforces are the ones the table declares.
 * An unknown key (or one served by another entry) fails at cold start.
 */
export function routeOf(key: string): RoutePolicy {
  const policy = Object.hasOwn(policies, key) ? policies[key] : undefined;
  if (!policy) throw new Error(`No keyed route ${key} in functions/routes.ts`);
  return policy;
}
