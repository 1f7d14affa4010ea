import middy from '@middy/core';
import { describe, expect, it } from 'vitest';
import { httpEnvelope } from '#shared/http/middleware/http-envelope.ts';
import { idempotency } from '#shared/http/middleware/idempotency.ts';
import type { ApiContext, ApiEvent, ApiResult } from '#shared/http/types.ts';
import { apiEvent, lambdaContext } from '../fixtures/api-event.ts';

/** A counting handler behind the envelope and the idempotency middleware. */
function counted() {
  let runs = 0;
  const handler = middy<ApiEvent, ApiResult, Error, ApiContext>()
    .use(httpEnvelope())
    .use(idempotency())
    .handler(async () => {
      runs += 1;
      return { statusCode: 200, body: JSON.stringify({ run: runs }) };
    });
  return { handler, runs: () => runs };
}

/**
 * The paths that never reach the idempotency store (no table is configured in the unit
 * tier, so a read would answer 500). Replays, conflicts and the in-flight answer are
 * proven against DynamoDB Local in test/integration/api-middleware.test.ts.
 */
describe('idempotency (answers decided before any read)', () => {
  it('lets a request without Idempotency-Key through every time, unmarked', async () => {
    const { handler, runs } = counted();
    for (let i = 0; i < 2; i += 1) {
      const result = await handler(apiEvent({ method: 'POST', body: '{}' }), lambdaContext());
      expect(result.statusCode).toBe(200);
      expect(result.headers?.['idempotent-replayed']).toBeUndefined();
    }
    expect(runs()).toBe(2);
  });

  it('ignores the header on methods that change nothing twice (GET, DELETE)', async () => {
    const { handler, runs } = counted();
    for (const method of ['GET', 'DELETE', 'GET']) {
      const result = await handler(
        apiEvent({ method, headers: { 'idempotency-key': 'k-1' } }),
        lambdaContext(),
      );
      expect(result.statusCode).toBe(200);
    }
    expect(runs()).toBe(3);
  });

  it('400 bad_request for a key that is not 1–255 visible ASCII characters, and the handler never runs', async () => {
    const { handler, runs } = counted();
    for (const key of ['', 'with space', 'é', 'x'.repeat(256)]) {
      for (const method of ['POST', 'PUT', 'PATCH']) {
        const result = await handler(
          apiEvent({ method, headers: { 'idempotency-key': key }, body: '{}' }),
          lambdaContext(),
        );
        expect(result.statusCode, `${method} ${key.slice(0, 10)}`).toBe(400);
        expect(JSON.parse(result.body ?? '')).toEqual({
          error: 'Idempotency-Key must be 1-255 visible ASCII characters.',
          code: 'bad_request',
        });
        expect(result.headers?.['x-request-id']).toBe('req-1');
      }
    }
    expect(runs()).toBe(0);
  });
});
