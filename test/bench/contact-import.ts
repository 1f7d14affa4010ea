import { startLocalRuntime } from '../../infra/local/runtime.ts';
import { machineLoad } from './machine-load.ts';
import { meterPlatform } from './usage-meter.ts';

/**
 * Bounded: one list, one import of the largest a request may hold, a second one of the
 * same rows, two reads.
 */
const rows = 10_000;

/**
 * `POST /api/v1/contacts/import` at its 10,000-row limit on the local platform: time to
 * answer (against API Gateway's 29 s), DynamoDB write and read units per contact, and
 * requests; then the same rows again (all skipped), and the first and a deep page of the
 * list.
 */
export async function benchContactImport() {
  const runtime = await startLocalRuntime({
    apiPort: 0,
    ses: { verificationDelayMs: 0 },
    scheduleIntervalSeconds: 3600,
    logLevel: 'ERROR',
  });
  try {
    const meter = meterPlatform(runtime.gateway);
    const call = async (method: string, path: string, body?: unknown) => {
      const started = performance.now();
      const response = await fetch(`${runtime.apiUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${runtime.credentials.liveKey}`,
          'content-type': 'application/json',
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const json = (await response.json()) as Record<string, unknown>;
      if (response.status !== 200)
        throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
      return { json, ms: performance.now() - started };
    };
    const list = await call('POST', '/api/v1/lists', { name: 'Bench' });
    const listId = String(list.json.id);
    const contacts = Array.from({ length: rows }, (_, n) => ({
      email: `reader.${n}.${Math.random().toString(36).slice(2, 8)}@example.com`,
      name: `Reader ${n}`,
    }));
    // The first call of a function pays its cold start; warm it on a one-row import.
    await call('POST', '/api/v1/contacts/import', { listId, contacts: contacts.slice(0, 1) });

    console.log(`\nContact import (${rows.toLocaleString('en')} rows, ${machineLoad()})`);
    const measure = async (
      label: string,
      run: () => Promise<{ json: Record<string, unknown>; ms: number }>,
    ) => {
      meter.reset();
      meter.start();
      const { json, ms } = await run();
      meter.stop();
      const requests = [...meter.requests.values()].reduce((sum, count) => sum + count, 0);
      console.log(
        `  ${label.padEnd(34)} ${(ms / 1000).toFixed(2).padStart(6)} s   ${(meter.dynamo.writeUnits / rows)
          .toFixed(2)
          .padStart(
            5,
          )} WRU/row   ${(meter.dynamo.readUnits / rows).toFixed(2).padStart(5)} RRU/row   ${String(
          requests,
        ).padStart(
          5,
        )} AWS requests   ${JSON.stringify({ imported: json.importedCount, skipped: json.skippedCount })}`,
      );
    };
    await measure('import 10,000 new rows', () =>
      call('POST', '/api/v1/contacts/import', { listId, contacts }),
    );
    await measure('the same rows again (all skipped)', () =>
      call('POST', '/api/v1/contacts/import', { listId, contacts }),
    );
    for (const pageNumber of [1, 100]) {
      meter.reset();
      meter.start();
      const { ms } = await call('GET', `/api/v1/contacts?listId=${listId}&page=${pageNumber}&pageSize=50`);
      meter.stop();
      console.log(
        `  GET page ${String(pageNumber).padEnd(4)} of 50 ${''.padEnd(20)} ${ms.toFixed(0).padStart(6)} ms  ${meter.dynamo.readUnits
          .toFixed(0)
          .padStart(5)} RRU`,
      );
    }
    console.log('  API Gateway answers a request for at most 29 s.');
  } finally {
    await runtime.stop();
  }
}
