/**
 * Which nested stack holds a route: its *area*, derived from its path. A CloudFormation
 * stack holds at most 500 resources and a route costs five (function, role, route,
 * integration, invoke permission), so the routes live in one nested stack per area of
 * the API, beside the parent stack's shared resources (table, queues, buckets, topics,
 * the HTTP API itself, the workers).
 *
 * The area comes from the route's first path segment under `/api/v1/` (its resource),
 * never from its position in the table: adding a route never moves another route to a
 * different stack (CloudFormation would create the moved route before deleting the old
 * one, and API Gateway refuses two routes with one key). A resource not named below is
 * an area of its own; a public route outside them joins the service routes. Split an
 * area (a new entry here) when the headroom test says one grows past its share.
 *
 * Pure data: no CDK.
 */
import type { Route } from '../functions/routes.ts';

/** Resources grouped into one area, so small resources do not each cost a stack. */
const areaOfResource: Readonly<Record<string, string>> = {
  emails: 'Sending',
  otp: 'Sending',
  templates: 'Sending',
  smtp: 'Sending',
  domains: 'Domains',
  contacts: 'Audience',
  lists: 'Audience',
  suppressions: 'Audience',
  unsubscribe: 'Audience',
  campaigns: 'Campaigns',
  assets: 'Campaigns',
  webhooks: 'Account',
  keys: 'Account',
  account: 'Account',
  analytics: 'Account',
  stats: 'Account',
  mcp: 'Service',
};

/** The area of the service routes: health, the OpenAPI documents, not found. */
const serviceArea = 'Service';

/** `/api/v1/emails/{id}` → `emails`; `/health` → `health`; `/{proxy+}` → `{proxy+}`. */
function resourceOf(path: string): string {
  const segments = path.split('/').filter(Boolean);
  const [first = '', second = '', third = ''] = segments;
  return first === 'api' && /^v\d+$/.test(second) ? third : first;
}

/** `event-types` → `EventTypes`: a construct id made of the resource's words. */
function pascalCase(resource: string): string {
  return (resource.match(/[A-Za-z0-9]+/g) ?? [])
    .map((word) => word[0]?.toUpperCase() + word.slice(1).toLowerCase())
    .join('');
}

export function routeArea(route: Pick<Route, 'path' | 'scope'>): string {
  const resource = resourceOf(route.path);
  const grouped = areaOfResource[resource];
  if (grouped) return grouped;
  if (route.scope === 'public') return serviceArea;
  return pascalCase(resource) || serviceArea;
}

/** The routes of each area, in route-table order, areas in order of first appearance. */
export function routesByArea<R extends Pick<Route, 'path' | 'scope'>>(
  routes: readonly R[],
): Map<string, R[]> {
  const areas = new Map<string, R[]>();
  for (const route of routes) {
    const area = routeArea(route);
    areas.set(area, [...(areas.get(area) ?? []), route]);
  }
  return areas;
}
