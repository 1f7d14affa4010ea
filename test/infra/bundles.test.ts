import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { routeOf } from '#functions/api/route-of.ts';
import { esbuildOptionsFor, routeDefines } from '../../infra/constructs/lambda-defaults.ts';
import { apiBundleBudgetBytes, workerBundleBudgetBytes } from '../bench/lambda-bundles.ts';

/** Bundles an entry as `cdk deploy` does and returns its size and the modules it carries. */
async function bundle(entry: string) {
  const result = await build({
    ...esbuildOptionsFor(entry),
    sourcemap: false,
    write: false,
    metafile: true,
    outfile: 'index.mjs',
    logLevel: 'silent',
  });
  const [output] = Object.values(result.metafile.outputs);
  // Modules that put bytes in the bundle (esbuild also lists those it imported and dropped whole).
  const inputs = Object.entries(output?.inputs ?? {}).filter(([, input]) => input.bytesInOutput > 0);
  return {
    bytes: output?.bytes ?? 0,
    inputs: inputs.map(([path]) => path),
    bytesOf: (path: string) => output?.inputs[path]?.bytesInOutput ?? 0,
  };
}

describe('Lambda bundles', () => {
  it('keep a key-reading API function within the 300 KB budget: zod/mini only, no SDK credential chain', async () => {
    const { bytes, inputs } = await bundle('functions/api/emails/get.ts');
    expect(bytes).toBeLessThanOrEqual(apiBundleBudgetBytes);
    expect(inputs.filter((input) => input.includes('zod/v4/classic'))).toEqual([]);
    expect(
      inputs.filter((input) => /credential-provider-(ini|sso|process|web-identity)/.test(input)),
    ).toEqual([]);
  });

  it('leave html-to-text to the sender', async () => {
    const send = await bundle('functions/api/emails/send.ts');
    expect(send.inputs.filter((input) => input.includes('html-to-text'))).toEqual([]);
    const sender = await bundle('functions/workers/sender.ts');
    expect(sender.inputs.some((input) => input.includes('html-to-text'))).toBe(true);
  });

  it("leave out the SDK's event-stream codec and DynamoDB's endpoint cache, which no function uses", async () => {
    const { inputs } = await bundle('functions/api/keys/list.ts');
    expect(inputs.filter((input) => /event-streams\/|mnemonist|endpoint-cache\//.test(input))).toEqual([]);
  });

  it("keep campaign routes within the API budget, without the sender's rendering or the send path", async () => {
    const { bytes, inputs } = await bundle('functions/api/campaigns/get.ts');
    expect(bytes).toBeLessThanOrEqual(apiBundleBudgetBytes);
    expect(inputs.filter((input) => /html-to-text|entities|mustache|client-s3/.test(input))).toEqual([]);
  });

  it('leave an SDK client out of a route that never calls it', async () => {
    const { bytes, inputs } = await bundle('functions/api/domains/list.ts');
    expect(bytes).toBeLessThanOrEqual(apiBundleBudgetBytes);
    expect(inputs.filter((input) => input.includes('client-sesv2'))).toEqual([]);
  });

  it('keep the queue workers that deliver events within the worker budget', async () => {
    for (const entry of ['functions/workers/webhooks.ts', 'functions/workers/ses-events.ts'])
      expect((await bundle(entry)).bytes, entry).toBeLessThanOrEqual(workerBundleBudgetBytes);
  });

  it('carry only their own routes and no SDK client Mailroom replaced with its own (S3, SQS, Secrets Manager)', async () => {
    for (const entry of [
      'functions/api/emails/send.ts',
      'functions/api/otp/send.ts',
      'functions/api/assets/upload.ts',
    ]) {
      const { inputs, bytesOf } = await bundle(entry);
      expect(
        inputs.filter((input) => /functions\/routes\.ts|client-(s3|sqs|secrets-manager)\//.test(input)),
        entry,
      ).toEqual([]);
      // A variable's name may come along; the capability table may not.
      expect(bytesOf('shared/capabilities.ts'), entry).toBeLessThan(512);
    }
  });

  it("read in a bundle the policies the route table declares for the entry's routes, and no other route", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mailroom-route-of-'));
    try {
      const outfile = join(dir, 'index.mjs');
      const { entryPoints: _entry, ...options } = esbuildOptionsFor('functions/api/emails/send.ts');
      await build({
        ...options,
        stdin: {
          contents: "export { routeOf } from '#functions/api/route-of.ts';",
          resolveDir: process.cwd(),
          loader: 'ts',
        },
        outfile,
        logLevel: 'silent',
      });
      const bundled = (await import(pathToFileURL(outfile).href)) as { routeOf: typeof routeOf };

      expect(routeDefines('functions/api/emails/send.ts')).toHaveProperty('MAILROOM_ROUTE_POLICIES');
      expect(bundled.routeOf('POST /api/v1/emails')).toEqual(routeOf('POST /api/v1/emails'));
      expect(() => bundled.routeOf('GET /api/v1/emails')).toThrow(/No keyed route GET \/api\/v1\/emails/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
