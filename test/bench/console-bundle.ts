import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { consoleDist, ensureConsoleBuilt } from '../../infra/console.ts';
import { machineLoad } from './machine-load.ts';

/** The web console's bundle as browsers fetch it: each file's bytes, raw and gzipped, built afresh. */
export function benchConsoleBundle() {
  rmSync(consoleDist, { recursive: true, force: true });
  const started = performance.now();
  ensureConsoleBuilt();
  const built = performance.now() - started;
  const files = ['index.html', ...readdirSync(join(consoleDist, 'static')).map((name) => `static/${name}`)];
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
}
