import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';

/**
 * One S3 client per process (`AWS_ENDPOINT_URL_S3` points it at fauxqs locally).
 * Marked pure: a bundle whose code never sends through it leaves the client, and its
 * SDK package, out (building a client has no effect anything relies on).
 */
export const s3 = /* @__PURE__ */ new S3Client({});

/** Objects above this go up in parts of this size (S3 takes parts of 5 MiB to 5 GiB). */
const partBytes = 8 * 1024 * 1024;

/**
 * Stores an object, in one PUT when small, in parts when large (a 40 MB email is a 54 MB
 * payload): parts keep each request small, which S3-compatible stand-ins require too. A
 * failed upload is aborted, so no parts linger (the bucket's lifecycle rule is the backstop).
 */
export async function putObject(bucket: string, key: string, body: Buffer, contentType: string) {
  if (body.length <= partBytes) {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }));
    return;
  }
  const { UploadId } = await s3.send(
    new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType: contentType }),
  );
  try {
    const parts: { ETag?: string; PartNumber: number }[] = [];
    for (let start = 0; start < body.length; start += partBytes) {
      const PartNumber = parts.length + 1;
      const { ETag } = await s3.send(
        new UploadPartCommand({
          Bucket: bucket,
          Key: key,
          UploadId,
          PartNumber,
          Body: body.subarray(start, start + partBytes),
        }),
      );
      parts.push({ ETag, PartNumber });
    }
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: key,
        UploadId,
        MultipartUpload: { Parts: parts },
      }),
    );
  } catch (error) {
    await s3
      .send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId }))
      .catch(() => undefined);
    throw error;
  }
}

/** An object's body as text. */
export async function getObjectText(bucket: string, key: string): Promise<string> {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return (await object.Body?.transformToString()) ?? '';
}
