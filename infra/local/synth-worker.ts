/**
 * Synthesizes the Mailroom stack in a worker thread (so the CDK's few seconds of work run
 * beside the stand-ins' start-up) and posts back its CloudFormation template. Bundling
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

const { settings } = workerData as { settings: DeploymentSettings };
const outdir = mkdtempSync(join(tmpdir(), 'mailroom-synth-'));
try {
  const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new MailroomStack(app, 'Mailroom', {
    settings,
    env: { account: '000000000000', region: 'us-east-1' },
  });
  const template = app.synth().getStackByName(stack.stackName).template;
  parentPort?.postMessage({ template });
} catch (error) {
  parentPort?.postMessage({ error: error instanceof Error ? error.message : String(error) });
} finally {
  rmSync(outdir, { recursive: true, force: true });
}
