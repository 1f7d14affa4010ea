import { functionMetadataKey, resourceMetadataKey } from '../constructs/deployed-ids.ts';
import { type DeployedFunction, deployedFunctions } from '../function-catalogue.ts';
import type { PolicyStatement } from './iam/policy.ts';
import { localAccountId, localAws } from './local-aws.ts';
import type { GeneratedSecret } from './secrets-server.ts';
import {
  type CfnResource,
  type CfnTemplate,
  type CfnValue,
  intrinsicEvaluator,
  type SynthesizedStack,
} from './synthesized-stack.ts';

/** What a marked resource of the template is called locally: its `Ref` and its attributes. */
export interface LocalResource {
  ref: string;
  attributes: Record<string, string>;
}

/** A function as the stack deployed it, with every reference resolved to the local stand-ins. */
export interface FunctionDeployment {
  definition: DeployedFunction;
  /** Its `Environment.Variables` (a task: its container's `Environment`). */
  environment: Record<string, string>;
  /** Names of the secrets a task's container receives (values come from the local runtime). */
  secrets: string[];
  /** Every statement of every policy attached to its role. */
  statements: PolicyStatement[];
  /** The role's name, as AWS shows it in AccessDenied messages. */
  roleName: string;
  memoryMb: number;
}

const pseudoParameters: Record<string, string> = {
  'AWS::Partition': 'aws',
  'AWS::Region': localAws.region,
  'AWS::AccountId': localAccountId,
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::StackName': 'Mailroom',
  'AWS::NoValue': '',
};

type Resolve = (value: CfnValue) => CfnValue;

/**
 * Resolves CloudFormation intrinsics (Ref, Fn::GetAtt, Fn::Join, Fn::Select, Fn::Split)
 * against the local resources. A nested stack's parameter resolves to what its parent
 * passes it (`parameter`), resolved in the parent. A reference to a resource the local
 * runtime does not stand in for resolves through `unknown`.
 */
function resolver(
  template: CfnTemplate,
  locals: Record<string, LocalResource>,
  unknown: (logicalId: string, attribute?: string) => string,
  parameter: (name: string) => CfnValue | undefined = () => undefined,
): Resolve {
  const localOf = (logicalId: string): LocalResource | undefined => {
    const marker = template.Resources[logicalId]?.Metadata?.[resourceMetadataKey];
    return typeof marker === 'string' ? locals[marker] : undefined;
  };
  return intrinsicEvaluator({
    ref: (name) => pseudoParameters[name] ?? localOf(name)?.ref ?? parameter(name) ?? unknown(name),
    getAtt: (logicalId, attribute) =>
      localOf(logicalId)?.attributes[attribute] ?? unknown(logicalId, attribute),
  });
}

/** The logical id a `{ "Fn::GetAtt": [id, "Arn"] }` or `{ "Ref": id }` points at. */
function referencedId(value: CfnValue): string | undefined {
  if (value?.['Fn::GetAtt']) return value['Fn::GetAtt'][0];
  if (value?.Ref) return value.Ref;
  return undefined;
}

/**
 * Every function of the catalogue as the synthesized stack deployed it, nested stacks
 * included: its environment and its role's policy statements, resolved to local names
 * and ARNs. A catalogue function missing from every template, or an environment
 * variable pointing at something the local runtime cannot stand in for, fails here, loudly.
 */
export function functionDeployments(
  stack: SynthesizedStack,
  locals: Record<string, LocalResource>,
): Map<string, FunctionDeployment> {
  const deployments = new Map<string, FunctionDeployment>();
  collectDeployments(stack, locals, deployments, { strictly: () => undefined, leniently: () => undefined });
  const missing = deployedFunctions.filter((fn) => !deployments.has(fn.id) && fn.kind !== 'task');
  if (missing.length > 0) throw new Error(`Not in the template: ${missing.map((fn) => fn.id).join(', ')}`);
  return deployments;
}

/** How a template's parameters resolve: to the values its parent passes, resolved there. */
interface Parameters {
  strictly: (name: string) => CfnValue | undefined;
  leniently: (name: string) => CfnValue | undefined;
}

function collectDeployments(
  { template, nested }: SynthesizedStack,
  locals: Record<string, LocalResource>,
  deployments: Map<string, FunctionDeployment>,
  parameters: Parameters,
) {
  const resources = Object.entries(template.Resources);
  const strictly = resolver(
    template,
    locals,
    (logicalId, attribute) => {
      throw new Error(
        `The local runtime has no stand-in for ${logicalId}${attribute ? `.${attribute}` : ''} (${template.Resources[logicalId]?.Type})`,
      );
    },
    parameters.strictly,
  );
  // Policies may name resources with no local stand-in (log groups, X-Ray): such a statement matches nothing here.
  const leniently = resolver(
    template,
    locals,
    (logicalId, attribute) => `unresolved:${logicalId}:${attribute ?? 'Ref'}`,
    parameters.leniently,
  );

  // A role's statements: its inline policies' and those of every policy attached to it.
  const statementsOfRole = (roleId: string): PolicyStatement[] => [
    ...(
      (template.Resources[roleId]?.Properties?.Policies ?? []) as {
        PolicyDocument: { Statement: CfnValue };
      }[]
    ).flatMap((policy) => leniently(policy.PolicyDocument.Statement) as PolicyStatement[]),
    ...resources
      .filter(
        ([, resource]) =>
          resource.Type === 'AWS::IAM::Policy' &&
          ((resource.Properties?.Roles ?? []) as CfnValue[]).some((role) => referencedId(role) === roleId),
      )
      .flatMap(([, policy]) => leniently(policy.Properties?.PolicyDocument.Statement) as PolicyStatement[]),
  ];

  for (const [logicalId, resource] of resources) {
    const id = resource.Metadata?.[functionMetadataKey];
    if (typeof id !== 'string') continue;
    const definition = deployedFunctions.find((fn) => fn.id === id);
    if (!definition) throw new Error(`The template's ${logicalId} is ${id}, which the catalogue lacks`);
    deployments.set(id, deploymentOf(definition, resource, statementsOfRole, strictly));
  }

  for (const [logicalId, child] of Object.entries(nested)) {
    // What the parent passes the nested stack, resolved only when the nested stack uses it.
    const passed = (template.Resources[logicalId]?.Properties?.Parameters ?? {}) as Record<string, CfnValue>;
    collectDeployments(child, locals, deployments, {
      strictly: (name) => (name in passed ? strictly(passed[name]) : undefined),
      leniently: (name) => (name in passed ? leniently(passed[name]) : undefined),
    });
  }
}

function deploymentOf(
  definition: DeployedFunction,
  resource: CfnResource,
  statementsOfRole: (roleId: string) => PolicyStatement[],
  resolve: Resolve,
): FunctionDeployment {
  const properties = resource.Properties ?? {};
  if (resource.Type === 'AWS::ECS::TaskDefinition') {
    const [container] = properties.ContainerDefinitions as CfnValue[];
    const roleId = referencedId(properties.TaskRoleArn) ?? '';
    return {
      definition,
      environment: Object.fromEntries(
        (container.Environment as { Name: string; Value: CfnValue }[]).map((entry) => [
          entry.Name,
          String(resolve(entry.Value)),
        ]),
      ),
      secrets: ((container.Secrets ?? []) as { Name: string }[]).map((secret) => secret.Name),
      statements: statementsOfRole(roleId),
      roleName: roleId,
      memoryMb: Number(properties.Memory ?? 512),
    };
  }
  const roleId = referencedId(properties.Role) ?? '';
  return {
    definition,
    environment: Object.fromEntries(
      Object.entries((properties.Environment?.Variables ?? {}) as Record<string, CfnValue>).map(
        ([name, value]) => [name, String(resolve(value))],
      ),
    ),
    secrets: [],
    statements: statementsOfRole(roleId),
    roleName: roleId,
    memoryMb: Number(properties.MemorySize ?? 128),
  };
}

/** Every template of a synthesized stack: its own, then its nested stacks' (depth first). */
function templatesOf(stack: SynthesizedStack): CfnTemplate[] {
  return [stack.template, ...Object.values(stack.nested).flatMap(templatesOf)];
}

/** The `GenerateSecretString` of the stack's secret marked `name` (`secret:signingKeys`). */
export function generatedSecretOf(stack: SynthesizedStack, name: string): GeneratedSecret {
  const resource = templatesOf(stack)
    .flatMap((template) => Object.values(template.Resources))
    .find((candidate) => candidate.Metadata?.[resourceMetadataKey] === name);
  const spec = resource?.Properties?.GenerateSecretString as Record<string, unknown> | undefined;
  if (!spec) throw new Error(`No generated secret ${name} in the template`);
  return {
    secretStringTemplate: spec.SecretStringTemplate as string | undefined,
    generateStringKey: spec.GenerateStringKey as string | undefined,
    passwordLength: spec.PasswordLength as number | undefined,
  };
}
