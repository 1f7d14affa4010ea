/**
 * Synthesizes the Mailroom stack in a worker thread (so the CDK's few seconds of work run
 * beside the stand-ins' start-up) and posts back its CloudFormation template with its
 * nested stacks' (read from the assembly before it is removed). Bundling
 * is skipped: the local runtime needs the template's environments and policies, not the
 * Lambda zips.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { App } from 'aws-cdk-lib';
import type { DeploymentSettings } from '../config.ts';
import { MailroomStack } from '../mailroom-stack.ts';
import { synthesizedStackOf } from './nested-templates.ts';

const { settings } = workerData as { settings: DeploymentSettings };
const outdir = mkdtempSync(join(tmpdir(), 'mailroom-synth-'));
try {
  const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new MailroomStack(app, 'Mailroom', {
    settings,
    env: { account: '000000000000', region: 'us-east-1' },
  });
  parentPort?.postMessage({ stack: synthesizedStackOf(stack, app.synth()) });
} catch (error) {
  parentPort?.postMessage({ error: error instanceof Error ? error.message : String(error) });
} finally {
  rmSync(outdir, { recursive: true, force: true });
}
