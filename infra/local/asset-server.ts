/**
 * The local stand-in for the assets' CloudFront distribution: `GET /assets/…` on the local
 * API port, read from the assets bucket on fauxqs with the distribution's headers. Like
 * CloudFront in front of a bucket it may only read, a missing object is a 403.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { assetStore } from '#shared/resources.ts';
import type { ExtraHandler } from './http-adapter.ts';

function refuse(response: ServerResponse, status: number, code: string) {
  response.writeHead(status, { 'content-type': 'application/xml', ...assetStore.responseHeaders });
  response.end(
    `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${code}</Message></Error>`,
  );
}

async function serve(s3: S3Client, request: IncomingMessage, response: ServerResponse, key: string) {
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: assetStore.name, Key: key }));
    const body = Buffer.from((await object.Body?.transformToByteArray()) ?? []);
    response.writeHead(200, {
      'content-type': object.ContentType ?? 'application/octet-stream',
      'content-length': String(body.length),
      ...(object.ContentDisposition ? { 'content-disposition': object.ContentDisposition } : {}),
      ...(object.CacheControl ? { 'cache-control': object.CacheControl } : {}),
      ...(object.ETag ? { etag: object.ETag } : {}),
      'x-frame-options': 'DENY',
      ...assetStore.responseHeaders,
    });
    response.end(request.method === 'HEAD' ? undefined : body);
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'NoSuchKey' || name === 'NotFound') return refuse(response, 403, 'AccessDenied');
    refuse(response, 502, 'BadGateway');
  }
}

/** Serves assets from the bucket; other paths are left to the next handler. */
export function assetHandler(s3: S3Client): ExtraHandler {
  return (request, response, url) => {
    if (!url.pathname.startsWith(`/${assetStore.keyPrefix}`)) return false;
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      refuse(response, 403, 'MethodNotAllowed');
      return true;
    }
    let key: string;
    try {
      key = decodeURIComponent(url.pathname.slice(1));
    } catch {
      // A broken percent-encoding names no object.
      refuse(response, 403, 'AccessDenied');
      return true;
    }
    void serve(s3, request, response, key);
    return true;
  };
}
