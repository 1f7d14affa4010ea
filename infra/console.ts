/**
 * The web console's build and the headers it is served with, shared by the stack
 * (S3 behind CloudFront) and the local runtime (the API port), so both serve the same
 * bundle under the same Content-Security-Policy.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { apiReferenceInit, writeApiReference } from './api-reference.ts';

const root = join(import.meta.dirname, '..');
export const consoleDir = join(root, 'console');
export const consoleDist = join(consoleDir, 'dist');

/**
 * Nothing but the console's own origin: scripts, styles and API calls from it alone, no
 * framing of the console. Inline styles are allowed for email previews (their HTML
 * depends on them), which render in sandboxed frames without scripts; remote images in
 * previews stay blocked, which also keeps a preview from counting as an open.
 */
export const consoleContentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "frame-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "object-src 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const consoleHeaders: Record<string, string> = {
  'content-security-policy': consoleContentSecurityPolicy,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

function newest(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))));
}

const index = join(consoleDist, 'index.html');
const sources = [
  join(consoleDir, 'src'),
  join(consoleDir, 'index.html'),
  join(consoleDir, 'vite.config.ts'),
  join(consoleDir, 'package.json'),
  join(root, 'package-lock.json'),
  join(root, 'packages/sdk/src'),
  apiReferenceInit,
  join(root, 'infra/api-reference.ts'),
];
const lock = join(consoleDir, '.build-lock');
const fresh = () => existsSync(index) && statSync(index).mtimeMs >= Math.max(...sources.map(newest));
/** A lock older than any build belongs to a process that died holding it. */
const staleLockMs = 300_000;
const pause = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Builds the console with Vite when its bundle is missing or older than its sources (or
 * the SDK's), and adds the API reference page (`/docs`) to it. Several processes may ask
 * at once (test files synthesizing the stack side by side): one builds, under a lock file, into a directory of its own that it then
 * moves into place, so nobody reads a half-written bundle; the others wait for it.
 */
export function ensureConsoleBuilt(): string {
  for (;;) {
    if (!existsSync(lock) && fresh()) return consoleDist;
    let held: number;
    try {
      held = openSync(lock, 'wx');
    } catch {
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > staleLockMs) rmSync(lock, { force: true });
      pause(200);
      continue;
    }
    try {
      if (!fresh()) {
        const staging = `${consoleDist}.${process.pid}`;
        execFileSync(
          process.execPath,
          [
            join(root, 'node_modules/vite/bin/vite.js'),
            'build',
            consoleDir,
            '--outDir',
            staging,
            '--logLevel',
            'warn',
          ],
          // A production build wherever it runs: a test runner's NODE_ENV=test would make Vite
          // build React's development bundle, twice the size of the one `cdk deploy` uploads.
          { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, NODE_ENV: 'production' } },
        );
        writeApiReference(staging);
        rmSync(consoleDist, { recursive: true, force: true });
        renameSync(staging, consoleDist);
      }
    } finally {
      closeSync(held);
      rmSync(lock, { force: true });
    }
  }
}
