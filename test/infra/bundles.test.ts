import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { esbuildOptions } from '../../infra/constructs/lambda-defaults.ts';

/** Bundles an entry as `cdk deploy` does and returns its size and the modules it took in. */
async function bundle(entry: string) {
  const result = await build({
    ...esbuildOptions,
    entryPoints: [entry],
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
    expect(bytes).toBeLessThanOrEqual(300 * 1024);
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
});
