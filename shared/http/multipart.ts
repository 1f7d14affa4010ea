import busboy from 'busboy';
import type { UploadedFile } from '#shared/assets/asset-service.ts';
import { BadRequestError, PayloadTooLargeError, ValidationError } from '#shared/errors.ts';
import type { ApiEvent } from '#shared/http/types.ts';

/**
 * The one file of a `multipart/form-data` request in field `field`, parsed by busboy from
 * API Gateway's body (base64 for binary media). Over `maxBytes` → 413; no such field, a
 * second file, or a body that is not multipart → 400.
 */
export function multipartFile(event: ApiEvent, field: string, maxBytes: number): Promise<UploadedFile> {
  const contentType = event.headers?.['content-type'] ?? '';
  if (!/^multipart\/form-data/i.test(contentType))
    return Promise.reject(
      new BadRequestError('Send the file as multipart/form-data, in a field named "file".'),
    );
  const body = Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8');
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: { 'content-type': contentType },
        limits: { fileSize: maxBytes + 1, files: 2, fields: 20 },
      });
    } catch {
      reject(new BadRequestError('The multipart body has no boundary.'));
      return;
    }
    let file: UploadedFile | undefined;
    let failure: Error | undefined;
    const malformed = () => reject(new BadRequestError('The multipart body is malformed.'));
    parser.on('file', (name, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', malformed);
      stream.on('close', () => {
        if (name !== field) return;
        if (file) failure ??= new ValidationError(`${field}: send one file`, field);
        file = { filename: info.filename ?? '', bytes: Buffer.concat(chunks) };
        // Read one byte past the limit, to tell "exactly at it" from "over it".
        if (file.bytes.length > maxBytes)
          failure ??= new PayloadTooLargeError(`An asset is at most ${maxBytes / 1024 / 1024} MB.`);
      });
    });
    parser.on('error', malformed);
    parser.on('close', () => {
      if (failure) reject(failure);
      else if (!file) reject(new ValidationError(`${field}: a file is required`, field));
      else resolve(file);
    });
    parser.end(body);
  });
}
