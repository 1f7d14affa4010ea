/** Named, not written inline, so browser bundlers leave the Node 18 fallback alone. */
const nodeCrypto = 'node:crypto';
type HeaderBag = Headers | Record<string, string | string[] | undefined>;

function header(headers: HeaderBag, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const bag = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(bag).find((candidate) => candidate.toLowerCase() === name);
  const value = key === undefined ? undefined : bag[key];
  return Array.isArray(value) ? value[0] : value;
}

type Subtle = typeof globalThis.crypto.subtle;

async function subtleCrypto(): Promise<Subtle> {
  const web = (globalThis as { crypto?: { subtle?: Subtle } }).crypto;
  if (web?.subtle) return web.subtle;
  // Node 18 keeps Web Crypto in its module only.
  const { webcrypto } = await import(nodeCrypto);
  return webcrypto.subtle as Subtle;
}

/**
 * Whether `rawBody` (exactly the bytes received, before any JSON parsing) carries a
 * valid `X-Webhook-Signature`: the hex HMAC-SHA256 of the body with the webhook's
 * secret. Web Crypto's HMAC verification compares in constant time.
 */
export async function verifyWebhook(
  rawBody: string | Uint8Array,
  headers: HeaderBag,
  secret: string,
): Promise<boolean> {
  const signature = header(headers, 'x-webhook-signature')?.trim();
  if (!signature || !/^[0-9a-f]{64}$/i.test(signature) || !secret) return false;
  const bytes = new Uint8Array(32);
  for (let i = 0; i < 32; i++) bytes[i] = Number.parseInt(signature.slice(i * 2, i * 2 + 2), 16);
  const encoder = new TextEncoder();
  const subtle = await subtleCrypto();
  const key = await subtle.importKey(
    'raw',
    encoder.encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['verify'],
  );
  const body = typeof rawBody === 'string' ? encoder.encode(rawBody) : new Uint8Array(rawBody);
  return subtle.verify('HMAC', key, bytes, body);
}
