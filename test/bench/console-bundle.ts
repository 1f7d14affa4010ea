import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { isApiReferenceFile } from '../../infra/api-reference.ts';
import { consoleDist, ensureConsoleBuilt } from '../../infra/console.ts';
import { machineLoad } from './machine-load.ts';

/**
 * The web console's bundle as browsers fetch it: each file's bytes, raw and gzipped, built
 * afresh. The API reference page's files share the bundle but not the console's pages, so
 * they are listed apart and left out of the console's total.
 */
export function benchConsoleBundle() {
  rmSync(consoleDist, { recursive: true, force: true });
  const started = performance.now();
  ensureConsoleBuilt();
  const built = performance.now() - started;
  const assets = readdirSync(join(consoleDist, 'static'));
  const files = [
    'index.html',
    ...assets.filter((name) => !isApiReferenceFile(name)).map((name) => `static/${name}`),
  ];
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1).padStart(7)} KB`;
  console.log(`\nWeb console bundle (Vite, built in ${Math.round(built)} ms; ${machineLoad()})`);
  let raw = 0;
  let gzipped = 0;
  for (const file of files) {
    const body = readFileSync(join(consoleDist, file));
    const zipped = gzipSync(body).length;
    raw += body.length;
    gzipped += zipped;
    console.log(`  ${kb(body.length)} ${kb(zipped)} gzip  ${file}`);
  }
  console.log(`  ${kb(raw)} ${kb(gzipped)} gzip  in all`);
  console.log('API reference page (/docs), fetched only there:');
  for (const file of ['docs', ...assets.filter(isApiReferenceFile).map((name) => `static/${name}`)]) {
    const body = readFileSync(join(consoleDist, file));
    console.log(`  ${kb(body.length)} ${kb(gzipSync(body).length)} gzip  ${file}`);
  }
}
