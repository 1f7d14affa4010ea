/**
 * The API reference page at `/docs`: Scalar's standalone renderer reading the OpenAPI
 * document the API serves (`/api/v1/openapi.json`). Its files are written into the
 * console's bundle, so the stack (S3 behind CloudFront) and the local runtime (the API
 * port) serve the same files under the same Content-Security-Policy as the console. The
 * renderer (about 5 MB) is a static file, never part of a Lambda bundle.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const root = join(import.meta.dirname, '..');
/** The page's own script, kept as a file so the CSP's `script-src 'self'` allows it. */
export const apiReferenceInit = join(root, 'console/api-reference/init.js');
/** The page's name in the bundle and its path on the console's origin. */
export const apiReferencePage = 'docs';

/** Scalar's self-contained browser build (the package's exports do not name it). */
function rendererFile(): { path: string; version: string } {
  const entry = createRequire(import.meta.url).resolve('@scalar/api-reference');
  const packageRoot = join(dirname(entry), '..');
  const { version } = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as {
    version: string;
  };
  return { path: join(packageRoot, 'dist/browser/standalone.js'), version };
}

/** Whether a file of the console's `static/` is the API reference page's rather than the console's. */
export const isApiReferenceFile = (name: string) => /^(scalar-)?api-reference-/.test(name);

const shortHash = (content: Buffer) => createHash('sha256').update(content).digest('hex').slice(0, 12);

/**
 * The page: no inline script or style; its own script first (it sets up, then starts the
 * renderer once the page is parsed), both scripts named by content so they can be cached forever.
 */
export function apiReferenceHtml(rendererName: string, initName: string): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Mailroom API reference</title>
  </head>
  <body>
    <div id="reference"></div>
    <script src="/static/${initName}"></script>
    <script src="/static/${rendererName}"></script>
  </body>
</html>
`;
}

/**
 * Writes the page (`docs`) and its scripts (under `static/`, beside the console's hashed
 * files) into a built console bundle.
 */
export function writeApiReference(dist: string): void {
  const renderer = rendererFile();
  const init = readFileSync(apiReferenceInit);
  const rendererName = `scalar-api-reference-${renderer.version}.js`;
  const initName = `api-reference-${shortHash(init)}.js`;
  mkdirSync(join(dist, 'static'), { recursive: true });
  copyFileSync(renderer.path, join(dist, 'static', rendererName));
  writeFileSync(join(dist, 'static', initName), init);
  writeFileSync(join(dist, apiReferencePage), apiReferenceHtml(rendererName, initName));
}
