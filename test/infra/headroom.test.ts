import { beforeAll, describe, expect, it } from 'vitest';
import { type Route, routes } from '../../functions/routes.ts';
import type { SynthesizedStack } from '../../infra/local/synthesized-stack.ts';
import { routeArea } from '../../infra/route-areas.ts';
import { largestInlinePolicy, limits, measure, type TemplateMeasures } from './stack-measures.ts';
import { flattenedResources, synthesizeMailroom } from './synthesized.ts';

/** How many routes the deployment must hold: today's table and the next features' (~120 more) with room. */
const routesToHold = 250;

/** `/api/v1/emails/{id}` → `/api/v1/emails/grown2/{id}`: a new path under the same resource (so the same area). */
function grownPath(path: string, copy: number): string {
  const segments = path.split('/');
  const resourceAt = segments[1] === 'api' && /^v\d+$/.test(segments[2] ?? '') ? 3 : 1;
  return [...segments.slice(0, resourceAt + 1), `grown${copy}`, ...segments.slice(resourceAt + 1)].join('/');
}

/**
 * The real route table grown past `routesToHold` as the next features grow it: every
 * area gains routes in proportion to what it has (each route copied under new paths of
 * its own resource, so the copies land in its area). A greedy path (`{proxy+}`) must end
 * its path, so it is not copied.
 */
function grownRouteTable(): Route[] {
  const copyable = routes.filter((route) => !route.path.includes('+}'));
  const copies = Math.ceil((routesToHold - routes.length) / copyable.length);
  return [
    ...routes,
    ...Array.from({ length: copies }, (_, index) =>
      copyable.map((route) => ({ ...route, path: grownPath(route.path, index + 1) })),
    ).flat(),
  ];
}

describe('the route table grown for the test', () => {
  it('holds at least 250 routes, every area grown, each route in its original area', () => {
    const grown = grownRouteTable();
    expect(grown.length).toBeGreaterThanOrEqual(routesToHold);
    expect(new Set(grown.map((route) => `${route.method} ${route.path}`)).size).toBe(grown.length);
    expect(routeArea({ path: grownPath('/api/v1/emails/{id}', 2), scope: 'any' })).toBe(
      routeArea({ path: '/api/v1/emails/{id}', scope: 'any' }),
    );
  });
});

describe.each([
  ['the real route table', routes],
  ['a route table grown past 250 routes', grownRouteTable()],
])('the deployment of %s', (_name, table) => {
  let synthesized: SynthesizedStack;
  let measures: TemplateMeasures[];

  beforeAll(() => {
    synthesized = synthesizeMailroom({ routes: table }).synthesized;
    measures = measure(synthesized);
  }, 600_000);

  it('holds a function for every route, in nested stacks of the route areas', () => {
    const described = new Set(
      Object.values(flattenedResources(synthesized))
        .filter((resource) => resource.Type === 'AWS::Lambda::Function')
        .map((fn) => fn.Properties?.Description),
    );
    for (const route of table)
      expect(described, `${route.method} ${route.path}`).toContain(`${route.method} ${route.path}`);
    const areas = new Set(table.map(routeArea));
    expect(Object.keys(synthesized.nested)).toHaveLength(areas.size);
    // No route's function in the parent stack.
    const parentFunctions = Object.values(synthesized.template.Resources).filter(
      (resource) => resource.Type === 'AWS::Lambda::Function',
    );
    for (const fn of parentFunctions)
      expect(String(fn.Properties?.Description)).not.toMatch(/^(GET|POST|PUT|PATCH|DELETE|ANY) \//);
  });

  it('keeps every stack under 400 resources and within the parameters and outputs a template takes', () => {
    for (const template of measures) {
      expect(template.resources, template.name).toBeLessThan(limits.resourcesPerStack);
      expect(template.parameters, template.name).toBeLessThanOrEqual(limits.parametersPerStack);
      expect(template.outputs, template.name).toBeLessThanOrEqual(limits.outputsPerStack);
    }
  });

  it('keeps every template within the 1 MB CloudFormation reads from S3', () => {
    for (const template of measures) expect(template.bytes, template.name).toBeLessThan(limits.templateBytes);
  });

  it('keeps every role’s inline policies under 8,000 characters with ARNs at their deployed length', () => {
    const largest = largestInlinePolicy(measures);
    expect(largest.chars, `${largest.stack} ${largest.role}`).toBeGreaterThan(0);
    expect(largest.chars, `${largest.stack} ${largest.role}`).toBeLessThan(limits.inlinePolicyChars);
  });
});

describe('the measures', () => {
  it('render a function ARN at the length a deployment gives it', () => {
    const [parent] = measure({
      template: {
        Resources: {
          Fn: { Type: 'AWS::Lambda::Function' },
          Role: {
            Type: 'AWS::IAM::Role',
            Properties: {
              Policies: [{ PolicyDocument: { Statement: [{ Resource: { 'Fn::GetAtt': ['Fn', 'Arn'] } }] } }],
            },
          },
        },
      },
      nested: {},
    });
    // `arn:aws:lambda:<region>:<account>:function:` and a 64-character generated name.
    const arn = 'arn:aws:lambda:ap-southeast-2:123456789012:function:'.length + 64;
    expect(parent?.inlinePolicies).toEqual([
      { role: 'Role', chars: JSON.stringify({ Statement: [{ Resource: 'x'.repeat(arn) }] }).length },
    ]);
  });
});
