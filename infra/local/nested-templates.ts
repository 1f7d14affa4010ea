/**
 * Reads a synthesized stack with its nested stacks from a cloud assembly: CDK writes
 * each nested stack's template to a file of its own beside the parent's, which points
 * at it from an `AWS::CloudFormation::Stack` resource (passing the parent's names and
 * ARNs as that resource's `Parameters`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NestedStack, type Stack } from 'aws-cdk-lib';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import type { CfnTemplate, SynthesizedStack } from './synthesized-stack.ts';

/** The nested stacks whose parent is `stack` (not those nested deeper). */
function nestedStacksOf(stack: Stack): NestedStack[] {
  return stack.node
    .findAll()
    .filter((construct): construct is NestedStack => NestedStack.isNestedStack(construct))
    .filter((nested) => nested.nestedStackParent === stack);
}

function read(stack: Stack, template: CfnTemplate, directory: string): SynthesizedStack {
  const nested: Record<string, SynthesizedStack> = {};
  for (const child of nestedStacksOf(stack)) {
    const resource = child.nestedStackResource;
    if (!resource) throw new Error(`${child.node.path} has no stack resource in its parent`);
    const file = JSON.parse(readFileSync(join(directory, child.templateFile), 'utf8')) as CfnTemplate;
    nested[stack.getLogicalId(resource)] = read(child, file, directory);
  }
  return { template, nested };
}

/** `stack` as `assembly` holds it: its template and, by their resources' logical ids, its nested stacks'. */
export function synthesizedStackOf(stack: Stack, assembly: CloudAssembly): SynthesizedStack {
  const template = assembly.getStackByName(stack.stackName).template as CfnTemplate;
  return read(stack, template, assembly.directory);
}
