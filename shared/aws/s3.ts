import { errorOf, sendObjectRequest } from '#shared/aws/s3-client.ts';

/** How an object is served: its type, and optionally its disposition and caching. */
export interface ObjectHeaders {
  contentType: string;
  contentDisposition?: string;
  cacheControl?: string;
}

function headersOf(headers: ObjectHeaders): Record<string, string> {
  return {
    'content-type': headers.contentType,
    ...(headers.contentDisposition ? { 'content-disposition': headers.contentDisposition } : {}),
    ...(headers.cacheControl ? { 'cache-control': headers.cacheControl } : {}),
  };
}

/** Objects above this go up in parts of this size (S3 takes parts of 5 MiB to 5 GiB). */
const partBytes = 8 * 1024 * 1024;

/**
 * Stores an object, in one PUT when small, in parts when large (a 40 MB email is a 54 MB
 * payload): parts keep each request small, which S3-compatible stand-ins require too. A
 * failed upload is aborted, so no parts linger (the bucket's lifecycle rule is the backstop).
 */
export async function putObject(bucket: string, key: string, body: Buffer, headers: ObjectHeaders) {
  if (body.length <= partBytes) {
    await sendObjectRequest({ method: 'PUT', bucket, key, headers: headersOf(headers), body });
    return;
  }
  const created = await sendObjectRequest({
    method: 'POST',
    bucket,
    key,
    query: { uploads: '' },
    headers: headersOf(headers),
  });
  const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(created.text())?.[1];
  if (!uploadId) throw new Error(`S3 started no multipart upload of ${key}`);
  try {
    const parts: string[] = [];
    for (let start = 0; start < body.length; start += partBytes) {
      const partNumber = String(parts.length + 1);
      const uploaded = await sendObjectRequest({
        method: 'PUT',
        bucket,
        key,
        query: { partNumber, uploadId },
        body: body.subarray(start, start + partBytes),
      });
      const etag = uploaded.headers.get('etag') ?? '';
      parts.push(`<Part><ETag>${escapeXml(etag)}</ETag><PartNumber>${partNumber}</PartNumber></Part>`);
    }
    const completed = await sendObjectRequest({
      method: 'POST',
      bucket,
      key,
      query: { uploadId },
      headers: { 'content-type': 'application/xml' },
      body: Buffer.from(
        `<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${parts.join('')}</CompleteMultipartUpload>`,
      ),
    });
    // S3 may answer 200 and still report the completion failed, in the body.
    const answer = completed.text();
    if (/<Error>/.test(answer)) throw errorOf(completed.status, answer);
  } catch (error) {
    await sendObjectRequest({ method: 'DELETE', bucket, key, query: { uploadId } }).catch(() => undefined);
    throw error;
  }
}

/** XML text escaped as the SDK escapes it (S3-compatible stores may decode only the named entities). */
const xmlEscapes: Record<string, string> = {
  '&': '&amp;',
  '"': '&quot;',
  "'": '&apos;',
  '<': '&lt;',
  '>': '&gt;',
};

function escapeXml(text: string): string {
  return text.replace(/[&"'<>]/g, (character) => xmlEscapes[character] ?? character);
}

/** An object's body as text. */
export async function getObjectText(bucket: string, key: string): Promise<string> {
  return (await sendObjectRequest({ method: 'GET', bucket, key })).text();
}

/** Deletes an object (deleting one that is not there succeeds, as S3 answers). */
export async function deleteObject(bucket: string, key: string): Promise<void> {
  await sendObjectRequest({ method: 'DELETE', bucket, key });
}
