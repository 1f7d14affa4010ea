import { describe, expect, it } from 'vitest';
import { api, apiUrl, sandboxDomain } from './support.ts';

const valid = { from: `a@${sandboxDomain}`, to: 'success@simulator.amazonses.com', subject: 'Hi', text: 'x' };

describe('errors use the JSON shape {error, code}', () => {
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
