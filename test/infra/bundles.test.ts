import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { esbuildOptionsFor } from '../../infra/constructs/lambda-defaults.ts';
import { apiBundleBudgetBytes, workerBundleBudgetBytes } from '../bench/lambda-bundles.ts';

/** Bundles an entry as `cdk deploy` does and returns its size and the modules it took in. */
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
  return { bytes: output?.bytes ?? 0, inputs: Object.keys(output?.inputs ?? {}) };
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
});
