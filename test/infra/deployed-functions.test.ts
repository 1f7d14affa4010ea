import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { variablesOf } from '#shared/capabilities.ts';
import type { DeploymentSettings } from '../../infra/config.ts';
import { functionMetadataKey, resourceMetadataKey } from '../../infra/constructs/deployed-ids.ts';
import { esbuildOptions } from '../../infra/constructs/lambda-defaults.ts';
import { deployedFunctions } from '../../infra/function-catalogue.ts';
import { functionDeployments, type LocalResource } from '../../infra/local/deployment.ts';
import { isAllowed } from '../../infra/local/iam/policy.ts';
import type { SynthesizedStack } from '../../infra/local/synthesized-stack.ts';
import { synthesizeMailroom, templatesOf } from './synthesized.ts';

/** The settings variants a deployment can take; each function must load under every one. */
const variants: Record<string, DeploymentSettings> = {
  default: {},
  'SES tenants': { sesTenants: true },
  'SMTP relay and sandbox': {
    smtpCertificateSecretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:relay-AbCdEf',
    smtpHostname: 'smtp.example.com',
    sandboxDomain: 'sandbox.example.com',
  },
  'dev stage': { stage: 'dev' },
};

/** Variables every function gets from the house defaults, beside its capabilities' own. */
const houseVariables = new Set(['NODE_OPTIONS', 'POWERTOOLS_SERVICE_NAME', 'POWERTOOLS_LOG_LEVEL']);

function synthesize(settings: DeploymentSettings): SynthesizedStack {
  return synthesizeMailroom({
    id: 'Mailroom',
    settings,
    env: { account: '123456789012', region: 'eu-west-1' },
  }).synthesized;
}

/** Deployed-looking values for every resource the templates mark, as CloudFormation would resolve them. */
function deployedValues(stack: SynthesizedStack): Record<string, LocalResource> {
  const values: Record<string, LocalResource> = {};
  const resources = templatesOf(stack).flatMap(({ stack: { template } }) =>
    Object.entries(template.Resources),
  );
  for (const [logicalId, resource] of resources) {
    const marker = resource.Metadata?.[resourceMetadataKey];
    if (typeof marker !== 'string') continue;
    const name = `mailroom-${logicalId.toLowerCase()}`;
    const arn = `arn:aws:${marker.split(':')[0]}:eu-west-1:123456789012:${name}`;
    const ref = marker.startsWith('queue')
      ? `https://sqs.eu-west-1.amazonaws.com/123456789012/${name}`
      : name;
    values[marker] = {
      ref,
      attributes: {
        Arn: arn,
        TopicArn: arn,
        QueueName: name,
        QueueUrl: ref,
        DomainName: `${name}.cloudfront.net`,
      },
    };
  }
  return values;
}

const outdir = mkdtempSync(join(tmpdir(), 'mailroom-bundles-'));
const bundleOf = new Map<string, string>();

beforeAll(async () => {
  // Every Lambda entry bundled as `cdk deploy` bundles it (the same esbuild options).
  const entries = [...new Set(deployedFunctions.filter((fn) => fn.kind !== 'task').map((fn) => fn.entry))];
  const result = await build({
    ...esbuildOptions,
    entryPoints: Object.fromEntries(entries.map((entry, index) => [`fn${index}`, entry])),
    outdir,
    outExtension: { '.js': '.mjs' },
    sourcemap: false,
    metafile: true,
    logLevel: 'silent',
  });
  for (const [output, meta] of Object.entries(result.metafile.outputs)) {
    if (meta.entryPoint) bundleOf.set(meta.entryPoint, join(process.cwd(), output));
  }
}, 120_000);

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

/**
 * Imports a bundle in a fresh worker thread whose environment is exactly `environment`
 * plus what the Lambda runtime sets, and reports whether it exported a handler.
 */
function load(bundle: string, environment: Record<string, string>): Promise<string> {
  const probe = `
    import { parentPort, workerData } from 'node:worker_threads';
    try {
      const module = await import(workerData);
      parentPort.postMessage(typeof module.handler === 'function' ? 'ok' : 'no handler export');
    } catch (error) {
      parentPort.postMessage(String(error?.stack ?? error));
    }`;
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(probe)}`), {
      workerData: pathToFileURL(bundle).href,
      env: {
        ...environment,
        AWS_REGION: 'eu-west-1',
        AWS_ACCESS_KEY_ID: 'ASIAEXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'example',
        AWS_SESSION_TOKEN: 'example',
        AWS_LAMBDA_FUNCTION_NAME: 'probe',
      },
    });
    worker.once('message', (message: string) => {
      resolve(message);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}

/**
 * Each bundle's load outcome under each distinct environment it is deployed with. Loading is
 * a function of the bundle and its environment alone, so a pair one variant (or another
 * function) already loaded proves nothing new: every variant loads only the pairs it adds.
 */
const loaded = new Map<string, Promise<string>>();
function loadOnce(bundle: string, environment: Record<string, string>): Promise<string> {
  const key = JSON.stringify([bundle, Object.entries(environment).sort(([a], [b]) => a.localeCompare(b))]);
  let outcome = loaded.get(key);
  if (!outcome) {
    outcome = load(bundle, environment);
    loaded.set(key, outcome);
  }
  return outcome;
}

for (const [variant, settings] of Object.entries(variants)) {
  describe(`every deployed function (${variant})`, () => {
    const template = synthesize(settings);
    const values = deployedValues(template);
    const deployments = functionDeployments(template, values);

    it('resolves a nested route stack’s function through the parameters its parent passes', () => {
      const id = 'route:POST /api/v1/emails';
      const inParent = Object.values(template.template.Resources).some(
        (resource) => resource.Metadata?.[functionMetadataKey] === id,
      );
      expect(inParent, 'the route function lives in a nested stack').toBe(false);
      const deployment = deployments.get(id);
      const [table, send, bulk] = [values.table, values['queue:send'], values['queue:bulkSend']];
      expect(deployment?.environment).toMatchObject({ TABLE_NAME: table?.ref, SEND_QUEUE_URL: send?.ref });
      const may = (action: string, resource = '') =>
        isAllowed(deployment?.statements ?? [], { action, resource });
      expect(may('dynamodb:PutItem', table?.attributes.Arn)).toBe(true);
      expect(may('sqs:SendMessage', send?.attributes.Arn)).toBe(true);
      // What its capabilities do not name stays denied, locally as on AWS.
      expect(may('sqs:SendMessage', bulk?.attributes.Arn)).toBe(false);
      expect(may('dynamodb:Scan', table?.attributes.Arn)).toBe(false);
    });

    it('is in the template, with no variable beyond its capabilities and the house defaults', () => {
      const expected = deployedFunctions.filter(
        (fn) => fn.kind !== 'task' || settings.smtpCertificateSecretArn,
      );
      expect([...deployments.keys()].sort()).toEqual(expected.map((fn) => fn.id).sort());
      for (const deployment of deployments.values()) {
        const carried = variablesOf(deployment.definition.capabilities);
        const own =
          deployment.definition.kind === 'task'
            ? ['SMTP_HOSTNAME', 'SMTP_PROXY_PROTOCOL', 'SMTP_TASK_MEMORY_MIB']
            : [];
        const stray = Object.keys(deployment.environment).filter(
          (name) => !carried.has(name) && !houseVariables.has(name) && !own.includes(name),
        );
        expect(stray, deployment.definition.id).toEqual([]);
      }
    });

    it('loads its bundle with only its synthesized environment', async () => {
      const failures: string[] = [];
      for (const deployment of deployments.values()) {
        if (deployment.definition.kind === 'task') continue;
        const bundle = bundleOf.get(deployment.definition.entry);
        if (!bundle) throw new Error(`no bundle for ${deployment.definition.entry}`);
        const outcome = await loadOnce(bundle, deployment.environment);
        if (outcome !== 'ok') failures.push(`${deployment.definition.id}: ${outcome.split('\n')[0]}`);
      }
      expect(failures).toEqual([]);
    }, 120_000);
  });
}

describe('the load check', () => {
  it('fails a bundle that reads a variable its function lacks at import', async () => {
    const bundle = join(outdir, 'eager.mjs');
    await build({
      ...esbuildOptions,
      stdin: {
        contents:
          "import { readEnv } from '#shared/env.ts'; import * as z from '#shared/zod.ts';" +
          'const env = readEnv({ TABLE_NAME: z.string() }); export const handler = async () => env;',
        resolveDir: process.cwd(),
        loader: 'ts',
      },
      outfile: bundle,
      sourcemap: false,
      logLevel: 'silent',
    });
    expect(await load(bundle, {})).toMatch(/TABLE_NAME/);
    expect(await load(bundle, { TABLE_NAME: 'mailroom' })).toBe('ok');
  });
});
