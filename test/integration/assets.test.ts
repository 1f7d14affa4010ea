import { describe, expect, it } from 'vitest';
import { addProjectKey, apiUrl, defaultProject, freshKey, otherProjectKey, useLocalAws } from './support.ts';

useLocalAws();

/** A 1×1 PNG. */
const png = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
const pdf = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

async function upload(
  key: string,
  bytes: Buffer,
  name: string,
  type = 'application/octet-stream',
  field = 'file',
) {
  const form = new FormData();
  form.append(field, new Blob([bytes], { type }), name);
  const response = await fetch(`${apiUrl}/api/v1/assets`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}` },
    body: form,
  });
  return { status: response.status, headers: response.headers, body: JSON.parse(await response.text()) };
}

const get = async (key: string, path: string) => {
  const response = await fetch(`${apiUrl}${path}`, { headers: { authorization: `Bearer ${key}` } });
  return { status: response.status, body: JSON.parse(await response.text()) };
};

describe('assets', () => {
  it('uploads a file and serves it at its public URL without a key, same bytes and type', async () => {
    const key = await freshKey();
    const created = await upload(key, png, 'logo.png', 'image/png');
    expect(created.status).toBe(200);
    expect(created.body).toEqual({
      object: 'asset',
      id: expect.stringMatching(/^ast_/),
      name: 'logo.png',
      url: expect.stringMatching(/\/assets\/ast_[0-9A-Z]{26}\/logo\.png$/),
      content_type: 'image/png',
      category: 'image',
      size: png.length,
      created_at: expect.any(String),
    });
    const served = await fetch(created.body.url);
    expect(served.status).toBe(200);
    expect(Buffer.from(await served.arrayBuffer())).toEqual(png);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(served.headers.get('x-content-type-options')).toBe('nosniff');
    expect(served.headers.get('content-security-policy')).toContain('sandbox');
    expect(served.headers.get('content-disposition')).toBe('inline');
  });

  it('types a file by its bytes: HTML named .png is not an image and downloads, sandboxed', async () => {
    const key = await freshKey();
    const html = Buffer.from(
      '<!doctype html><html><body><script>alert(document.cookie)</script></body></html>',
    );
    const created = await upload(key, html, 'innocent.png', 'image/png');
    expect(created.body).toMatchObject({ content_type: 'text/html', category: 'other' });
    const served = await fetch(created.body.url);
    expect(served.headers.get('content-type')).toBe('text/html');
    expect(served.headers.get('content-disposition')).toBe('attachment; filename="innocent.png"');
    expect(served.headers.get('content-security-policy')).toMatch(/default-src 'none'.*sandbox/);

    const svg = await upload(
      key,
      Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>1</script></svg>'),
      'x.svg',
    );
    expect(svg.body).toMatchObject({ content_type: 'image/svg+xml', category: 'image' });
    expect((await fetch(svg.body.url)).headers.get('content-disposition')).toMatch(/^attachment/);

    const document = await upload(key, pdf, '../../etc/Report 2026 (final).pdf', 'text/plain');
    expect(document.body).toMatchObject({
      content_type: 'application/pdf',
      category: 'pdf',
      name: 'Report-2026-final-.pdf',
    });
  });

  it('takes 2 MB and refuses one byte more with 413', async () => {
    const key = await freshKey();
    const limit = 2 * 1024 * 1024;
    const exactly = Buffer.concat([png, Buffer.alloc(limit - png.length)]);
    expect((await upload(key, exactly, 'big.png')).status).toBe(200);
    const over = await upload(key, Buffer.alloc(limit + 1, 1), 'too-big.bin');
    expect(over.status).toBe(413);
    expect(over.body.code).toBe('payload_too_large');
  });

  it('lists newest first with a category filter and a cursor, reads and deletes one', async () => {
    const { key } = await otherProjectKey();
    const first = await upload(key, png, 'one.png');
    const second = await upload(key, pdf, 'two.pdf');
    const third = await upload(key, png, 'three.png');
    const all = await get(key, '/api/v1/assets');
    expect(all.body).toMatchObject({ object: 'list', has_more: false, next_cursor: null });
    expect(all.body.data.map((asset: { id: string }) => asset.id)).toEqual([
      third.body.id,
      second.body.id,
      first.body.id,
    ]);
    const images = await get(key, '/api/v1/assets?category=image&limit=1');
    expect(images.body.data.map((asset: { name: string }) => asset.name)).toEqual(['three.png']);
    expect(images.body.has_more).toBe(true);
    const next = await get(key, `/api/v1/assets?category=image&limit=1&cursor=${images.body.next_cursor}`);
    expect(next.body.data.map((asset: { name: string }) => asset.name)).toEqual(['one.png']);
    expect((await get(key, '/api/v1/assets?category=spreadsheet')).status).toBe(400);

    expect((await get(key, `/api/v1/assets/${second.body.id}`)).body).toMatchObject({
      id: second.body.id,
      category: 'pdf',
    });
    const deleted = await fetch(`${apiUrl}/api/v1/assets/${second.body.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${key}` },
    });
    expect(await deleted.json()).toEqual({ object: 'asset', id: second.body.id, deleted: true });
    expect((await get(key, `/api/v1/assets/${second.body.id}`)).status).toBe(404);
    expect((await fetch(second.body.url)).status).toBe(403);
    expect((await fetch(`${apiUrl}/assets/%E0%A4%A`)).status).toBe(403);
  });

  it('keeps a project’s assets to that project and needs the assets scopes', async () => {
    const key = await freshKey();
    const mine = await upload(key, png, 'mine.png');
    const { key: other } = await otherProjectKey();
    expect((await get(other, `/api/v1/assets/${mine.body.id}`)).status).toBe(404);
    const deleted = await fetch(`${apiUrl}/api/v1/assets/${mine.body.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${other}` },
    });
    expect(deleted.status).toBe(404);
    expect((await get(other, '/api/v1/assets')).body.data).toEqual([]);
    const reader = await addProjectKey(defaultProject, { scopes: ['assets.read'] });
    expect((await upload(reader, png, 'x.png')).status).toBe(403);
    expect((await get(reader, '/api/v1/assets')).status).toBe(200);
    expect((await upload(key, png, 'x.png')).headers.get('x-ratelimit-limit')).toBe('30');
  });
});
