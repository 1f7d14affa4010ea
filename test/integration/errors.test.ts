import { describe, expect, it } from 'vitest';
import { api, apiUrl, liveKey, sandboxDomain } from './support.ts';

const valid = { from: `a@${sandboxDomain}`, to: 'success@simulator.amazonses.com', subject: 'Hi', text: 'x' };

describe('errors use the JSON shape {error, code}', () => {
  it('401 without a key, with an unknown key, or with a malformed one', async () => {
    for (const key of [null, `ak_live_${'0'.repeat(64)}`, 'not-a-key']) {
      const response = await api('POST', '/api/v1/emails', { key, body: valid });
      expect(response.status).toBe(401);
      expect(response.body).toEqual({ error: expect.any(String), code: 'unauthorized' });
      expect(response.headers.get('x-request-id')).toBeTruthy();
    }
  });

  it('accepts the key as X-Relay-Key too', async () => {
    const response = await api('POST', '/api/v1/emails', {
      key: null,
      headers: { 'x-relay-key': liveKey },
      body: valid,
    });
    expect(response.status).toBe(200);
  });

  it('400 bad_request for malformed JSON, an empty body or a non-object body', async () => {
    for (const rawBody of ['{"from":', '', '[1,2]', '"text"']) {
      const response = await api('POST', '/api/v1/emails', { rawBody });
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('bad_request');
      expect(typeof response.body.error).toBe('string');
    }
  });

  it('400 validation_error naming the field for missing or wrongly typed fields', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ ...valid, from: undefined }, 'from'],
      [{ ...valid, to: undefined }, 'to'],
      [{ ...valid, to: 42 }, 'to'],
      [{ ...valid, to: 'not-an-address' }, 'to'],
      [{ ...valid, subject: ['x'] }, 'subject'],
      [{ ...valid, text: undefined }, 'html'],
      [{ ...valid, to: Array.from({ length: 51 }, (_, i) => `r${i}@example.com`) }, 'to'],
    ];
    for (const [body, field] of cases) {
      const response = await api('POST', '/api/v1/emails', { body });
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body).toMatchObject({ code: 'validation_error', field });
    }
  });

  it('refuses fields the platform does not carry yet, rather than dropping them', async () => {
    const response = await api('POST', '/api/v1/emails', { body: { ...valid, surprise: true } });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('validation_error');
  });

  it('413 payload_too_large for a body over the limit', async () => {
    const response = await api('POST', '/api/v1/emails', {
      body: { ...valid, text: 'x'.repeat(11 * 1024 * 1024) },
    });
    expect(response.status).toBe(413);
    expect(response.body.code).toBe('payload_too_large');
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('431 for header fields over 16 KB, in JSON with a request id like every answer', async () => {
    const response = await fetch(`${apiUrl}/api/v1/emails`, { headers: { 'x-padding': 'x'.repeat(20_000) } });
    expect(response.status).toBe(431);
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await response.json()).toMatchObject({ code: 'bad_request' });
  });

  it('413 for an 8 MB attachment over REST, saying SMTP takes up to 40 MB', async () => {
    const content = Buffer.alloc(8 * 1024 * 1024, 7).toString('base64');
    const response = await api('POST', '/api/v1/emails', {
      body: { ...valid, attachments: [{ filename: 'big.bin', content }] },
    });
    expect(response.status).toBe(413);
    expect(response.body).toMatchObject({ code: 'payload_too_large' });
    expect(response.body.error).toMatch(/SMTP/);
    expect(response.body.error).toMatch(/40 MB/);
  });

  it('404 not_found for a path no route serves', async () => {
    const response = await api('GET', '/api/v1/nothing-here');
    expect(response.status).toBe(404);
    expect(response.body.code).toBe('not_found');
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('GET /health answers without a key', async () => {
    const response = await fetch(`${apiUrl}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: 'ok',
      version: expect.stringMatching(/^\d+\.\d+\.\d+$/),
    });
  });
});
