import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { Route } from '../../functions/routes.ts';
import type { DeploymentSettings } from '../../infra/config.ts';
import { synthesizedStackOf } from '../../infra/local/nested-templates.ts';
import type { CfnResource, CfnValue, SynthesizedStack } from '../../infra/local/synthesized-stack.ts';
import { MailroomStack } from '../../infra/mailroom-stack.ts';

export interface SynthesizeOptions {
  readonly id?: string;
  readonly settings?: DeploymentSettings;
  readonly routes?: readonly Route[];
  readonly env?: { account: string; region: string };
}

/** The Mailroom stack synthesized (without bundles) with its nested stacks' templates. */
export function synthesizeMailroom(options: SynthesizeOptions = {}) {
  // Skip esbuild bundling: these tests are about the templates, not the bundles.
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new MailroomStack(app, options.id ?? 'Test', {
    settings: options.settings,
    routes: options.routes,
    env: options.env,
  });
  const synthesized = synthesizedStackOf(stack, app.synth());
  return { stack, synthesized };
}

/** Every template of a synthesized stack with a name: the parent's `Stack`, a nested one's `Stack/Nested`. */
export function templatesOf(
  stack: SynthesizedStack,
  name = 'Stack',
): { name: string; stack: SynthesizedStack }[] {
  return [
    { name, stack },
    ...Object.entries(stack.nested).flatMap(([id, child]) => templatesOf(child, `${name}/${id}`)),
  ];
}

/** Replaces, anywhere in `value`, each intrinsic `substitute` knows by a value of its own. */
function substituted(value: CfnValue, substitute: (intrinsic: CfnValue) => CfnValue | undefined): CfnValue {
  if (typeof value !== 'object' || value === null) return value;
  const replaced = substitute(value);
  if (replaced !== undefined) return replaced;
  if (Array.isArray(value)) return value.map((inner) => substituted(inner, substitute));
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [key, substituted(inner, substitute)]),
  );
}

/**
 * The resources of the stack and of its nested stacks in one map, as if one template
 * held them all: a nested stack's parameter reads as what its parent passes it, and the
 * parent's read of a nested stack's output as that output's value. So an assertion can
 * follow a reference (a route's integration to its function, an alarm to the function
 * it watches) whichever stack holds either end.
 */
export function flattenedResources(stack: SynthesizedStack): Record<string, CfnResource> {
  return flatten(stack, {}).resources;
}

function flatten(
  { template, nested }: SynthesizedStack,
  parameters: Record<string, CfnValue>,
): { resources: Record<string, CfnResource>; outputs: Record<string, CfnValue> } {
  const outputsOf: Record<string, Record<string, CfnValue>> = {};
  const children: Record<string, CfnResource>[] = [];
  const own = (value: CfnValue) =>
    substituted(value, (intrinsic) =>
      typeof intrinsic.Ref === 'string' && intrinsic.Ref in parameters
        ? parameters[intrinsic.Ref]
        : undefined,
    );
  for (const [id, child] of Object.entries(nested)) {
    const passed = own(template.Resources[id]?.Properties?.Parameters ?? {});
    const flat = flatten(child, passed);
    outputsOf[id] = flat.outputs;
    children.push(flat.resources);
  }
  const fromChildren = (value: CfnValue) =>
    substituted(own(value), (intrinsic) => {
      const [id, attribute] = (intrinsic['Fn::GetAtt'] ?? []) as [string?, string?];
      if (!id || !attribute?.startsWith('Outputs.')) return undefined;
      return outputsOf[id]?.[attribute.slice('Outputs.'.length)];
    });
  const resources: Record<string, CfnResource> = fromChildren(template.Resources);
  for (const child of children) {
    for (const [id, resource] of Object.entries(child)) {
      if (id in resources) throw new Error(`Two stacks hold a resource ${id}`);
      resources[id] = resource;
    }
  }
  const outputs = Object.fromEntries(
    Object.entries(template.Outputs ?? {}).map(([name, output]) => [name, fromChildren(output.Value)]),
  );
  return { resources, outputs };
}

/** The flattened stack as an assertions `Template`, with the parent's outputs. */
export function flattenedTemplate(stack: SynthesizedStack): Template {
  return Template.fromJSON({ Resources: flattenedResources(stack), Outputs: stack.template.Outputs ?? {} });
}
