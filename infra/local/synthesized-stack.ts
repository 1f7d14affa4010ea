import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { DeploymentSettings } from '../config.ts';

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation values are free-form JSON, read by shape.
export type CfnValue = any;

export interface CfnResource {
  Type: string;
  Properties?: Record<string, CfnValue>;
  Metadata?: Record<string, CfnValue>;
}

export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
  Parameters?: Record<string, CfnValue>;
  Outputs?: Record<string, { Value: CfnValue }>;
}

/**
 * A synthesized stack: its template and its nested stacks, keyed by the logical id of
 * the `AWS::CloudFormation::Stack` resource that creates each in this template.
 */
/**
 * Evaluates the intrinsics CDK writes (Ref, Fn::GetAtt, Fn::Join, Fn::Select, Fn::Split)
 * in a template value; what a `Ref` and a `Fn::GetAtt` stand for is the caller's to say
 * (the local runtime's stand-ins, or deployed names when measuring a template).
 */
export function intrinsicEvaluator(lookup: {
  ref: (name: string) => CfnValue;
  getAtt: (logicalId: string, attribute: string) => CfnValue;
}): (value: CfnValue) => CfnValue {
  const evaluate = (value: CfnValue): CfnValue => {
    if (typeof value !== 'object' || value === null) return value;
    if (Array.isArray(value)) return value.map(evaluate);
    if ('Ref' in value) return lookup.ref(value.Ref as string);
    if ('Fn::GetAtt' in value) {
      const [logicalId, attribute] = value['Fn::GetAtt'] as [string, string];
      return lookup.getAtt(logicalId, attribute);
    }
    if ('Fn::Join' in value) {
      const [separator, parts] = value['Fn::Join'] as [string, CfnValue[]];
      return (evaluate(parts) as string[]).join(separator);
    }
    if ('Fn::Select' in value) {
      const [index, list] = value['Fn::Select'] as [number, CfnValue];
      return (evaluate(list) as string[])[Number(index)];
    }
    if ('Fn::Split' in value) {
      const [separator, source] = value['Fn::Split'] as [string, CfnValue];
      return String(evaluate(source)).split(separator);
    }
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, evaluate(inner)]));
  };
  return evaluate;
}

export interface SynthesizedStack {
  template: CfnTemplate;
  nested: Record<string, SynthesizedStack>;
}

const root = join(import.meta.dirname, '..', '..');

/** Every file the stack's template can depend on: the CDK code, the shared definitions, the locked versions. */
function stackInputs(): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) files.push(path);
    }
  };
  walk(join(root, 'infra'));
  walk(join(root, 'shared'));
  const local = join(root, 'infra', 'local');
  return [
    ...files.filter((file) => !file.startsWith(local)),
    join(root, 'functions', 'routes.ts'),
    join(root, 'package-lock.json'),
  ].sort();
}

/** A fingerprint of the settings and of every input file's content. */
function fingerprint(settings: DeploymentSettings): string {
  const hash = createHash('sha256').update(JSON.stringify(settings));
  for (const file of stackInputs()) hash.update(relative(root, file)).update(readFileSync(file));
  return hash.digest('hex').slice(0, 32);
}

/**
 * The stack exactly as `cdk synth` would build it for `settings` (without the Lambda
 * bundles), nested stacks included. The templates are kept under `cacheDir`, named by a fingerprint of the
 * settings and of every file it can depend on, so a start after no change to the stack
 * skips the CDK's seconds of work and a start after any change synthesizes anew.
 */
export async function synthesizeStack(
  settings: DeploymentSettings,
  cacheDir = join(root, 'node_modules', '.cache', 'mailroom-synth'),
): Promise<SynthesizedStack> {
  const cached = join(cacheDir, `${fingerprint(settings)}.json`);
  if (existsSync(cached)) return JSON.parse(readFileSync(cached, 'utf8')) as SynthesizedStack;
  const stack = await synthesize(settings);
  mkdirSync(cacheDir, { recursive: true });
  // Written aside, then renamed: a start running beside this one never reads half a file.
  const partial = `${cached}.${process.pid}`;
  writeFileSync(partial, JSON.stringify(stack));
  renameSync(partial, cached);
  return stack;
}

function synthesize(settings: DeploymentSettings): Promise<SynthesizedStack> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(join(import.meta.dirname, 'synth-worker.ts'), { workerData: { settings } });
    worker.once('message', (message: { stack?: SynthesizedStack; error?: string }) => {
      if (message.stack) resolve(message.stack);
      else reject(new Error(`cdk synth failed: ${message.error}`));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`cdk synth worker exited with ${code}`));
    });
  });
}
