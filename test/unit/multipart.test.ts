import { describe, expect, it } from 'vitest';
import { uploadAsset } from '#shared/assets/asset-service.ts';
import { multipartFile } from '#shared/http/multipart.ts';
import { apiEvent } from './fixtures/api-event.ts';

const limit = 2 * 1024 * 1024;

/** The event API Gateway hands over for a form a real client (fetch's FormData) would send. */
async function formEvent(bytes: Buffer, name: string, field = 'file') {
  const form = new FormData();
  form.append(field, new Blob([bytes]), name);
  const request = new Request('http://localhost/api/v1/assets', { method: 'POST', body: form });
  const body = Buffer.from(await request.arrayBuffer());
  return apiEvent({
    headers: { 'content-type': request.headers.get('content-type') ?? '' },
    body: body.toString('base64'),
    isBase64Encoded: true,
  });
}

const refusalOf = (reading: Promise<unknown>) =>
  reading.then(
    () => undefined,
    (error: { code?: string; statusCode?: number; details?: Record<string, unknown> }) => ({
      code: error.code,
      status: error.statusCode,
      field: error.details?.field,
    }),
  );

describe('multipartFile (the file of an upload)', () => {
  it('takes a file of exactly the limit, as sent', async () => {
    const bytes = Buffer.alloc(limit, 7);
    const file = await multipartFile(await formEvent(bytes, 'big.png'), 'file', limit);
    expect(file.filename).toBe('big.png');
    expect(file.bytes.equals(bytes)).toBe(true);
  });

  it('413 payload_too_large for one byte more', async () => {
    const event = await formEvent(Buffer.alloc(limit + 1, 1), 'too-big.bin');
    expect(await refusalOf(multipartFile(event, 'file', limit))).toMatchObject({
      code: 'payload_too_large',
      status: 413,
    });
  });

  it('400 validation_error on `file` for a form without that field', async () => {
    const event = await formEvent(Buffer.from('x'), 'a.png', 'attachment');
    expect(await refusalOf(multipartFile(event, 'file', limit))).toEqual({
      code: 'validation_error',
      status: 400,
      field: 'file',
    });
  });

  it('400 bad_request for a JSON body, and a 4xx for a multipart body cut off', async () => {
    const json = apiEvent({ headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(await refusalOf(multipartFile(json, 'file', limit))).toMatchObject({
      code: 'bad_request',
      status: 400,
    });
    const broken = apiEvent({
      headers: { 'content-type': 'multipart/form-data; boundary=x' },
      body: '--x\r\nContent-Disposition: form-data; name="file"; filename="a"\r\n\r\nno end',
    });
    const refused = await refusalOf(multipartFile(broken, 'file', limit));
    expect(refused?.status).toBeGreaterThanOrEqual(400);
    expect(refused?.status).toBeLessThan(500);
  });
});

describe('uploadAsset', () => {
  it('400 validation_error on `file` for an empty file, before anything is stored', async () => {
    // No bucket or table is configured in the unit tier: a write would fail otherwise.
    expect(await refusalOf(uploadAsset('prj_1', { filename: 'empty.txt', bytes: Buffer.alloc(0) }))).toEqual({
      code: 'validation_error',
      status: 400,
      field: 'file',
    });
  });
});
