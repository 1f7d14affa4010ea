import { lookup } from 'node:dns/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { classifyAddress } from '#shared/webhooks/address-policy.ts';

export interface TargetPolicy {
  /** Allow `http:` and loopback addresses (the local runtime only). */
  allowLoopback: boolean;
}

/** Why a URL may not receive webhooks, or undefined when it may (its form only; no DNS). */
export function urlProblem(raw: string, policy: TargetPolicy): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.username || url.password) return 'must not carry credentials';
  if (url.protocol !== 'https:' && !(policy.allowLoopback && url.protocol === 'http:'))
    return 'must use https';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) !== 0) {
    const verdict = classifyAddress(host);
    if (verdict === 'blocked' || (verdict === 'loopback' && !policy.allowLoopback)) {
      return 'must not point at a private, loopback, link-local or reserved address';
    }
  }
  return undefined;
}

/**
 * The address to connect to for `url`: its host's addresses, refused as a whole if any
 * is private (so DNS that answers with a mix cannot sneak one in), and plain http only
 * to loopback where that is allowed. The delivery connects to the vetted address
 * itself, so a second, different DNS answer cannot redirect it (rebinding).
 */
export async function vettedAddress(
  url: string,
  policy: TargetPolicy,
): Promise<{ address: string; family: number }> {
  const problem = urlProblem(url, policy);
  if (problem) throw new Error(`Webhook URL ${problem}`);
  const target = new URL(url);
  const host = target.hostname.replace(/^\[|\]$/g, '');
  const answers =
    isIP(host) !== 0
      ? [{ address: host, family: isIP(host) }]
      : await lookup(host, { all: true, verbatim: true });
  for (const answer of answers) {
    const verdict = classifyAddress(answer.address);
    if (verdict === 'blocked' || (verdict === 'loopback' && !policy.allowLoopback)) {
      throw new Error(`${host} resolves to ${answer.address}, a private or reserved address`);
    }
  }
  const first = answers[0];
  if (!first) throw new Error(`${host} does not resolve`);
  if (target.protocol === 'http:' && classifyAddress(first.address) !== 'loopback') {
    throw new Error('Webhook URL must use https (plain http reaches only this machine, in local mode)');
  }
  return first;
}

export interface PostResult {
  status: number;
  /** The start of the response body, for the delivery log. */
  body: string;
}

/**
 * POSTs `body` to `url` with the given headers: no redirects followed, a hard timeout,
 * and at most `maxResponseBytes` of the answer read. Throws on refusal, network errors
 * and timeouts; any HTTP status is a result.
 */
export async function postJson(
  url: string,
  body: string,
  headers: Record<string, string>,
  options: TargetPolicy & { timeoutMs: number; maxResponseBytes: number },
): Promise<PostResult> {
  const target = new URL(url);
  const vetted = await vettedAddress(url, options);
  const pinned: LookupFunction = (_hostname, lookupOptions, callback) => {
    if ((lookupOptions as { all?: boolean }).all) callback(null, [vetted] as never, vetted.family);
    else callback(null, vetted.address, vetted.family);
  };
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<PostResult>((resolve, reject) => {
    const request = send(
      target,
      {
        method: 'POST',
        lookup: pinned,
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        signal: AbortSignal.timeout(options.timeoutMs),
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          if (size < options.maxResponseBytes)
            chunks.push(chunk.subarray(0, options.maxResponseBytes - size));
          size += chunk.length;
          if (size >= options.maxResponseBytes) response.destroy();
        });
        const done = () =>
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
        response.on('end', done);
        response.on('close', done);
        response.on('error', done);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}
