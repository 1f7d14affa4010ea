import { detectContent, safeFileName } from '#shared/assets/asset-content.ts';
import type { ListAssetsQuery } from '#shared/assets/asset-schema.ts';
import { type AssetRecord, deleteAsset, getAsset, listAssets, putAsset } from '#shared/assets/asset-store.ts';
import { deleteObject, putObject } from '#shared/aws/s3.ts';
import { capabilityEnv } from '#shared/env.ts';
import { NotFoundError, ValidationError } from '#shared/errors.ts';
import { isId, newId } from '#shared/ids.ts';
import { assetStore } from '#shared/resources.ts';
import * as z from '#shared/zod.ts';

/** A file a client uploaded, as its transport received it. */
export interface UploadedFile {
  filename: string;
  bytes: Buffer;
}

const env = capabilityEnv('assets:write', { ASSETS_BUCKET: z.string().check(z.minLength(1)) });

/**
 * Stores an uploaded file at a permanent, unguessable key (`assets/<assetId>/<name>`):
 * its type comes from its bytes; images, video and audio are served inline, anything
 * else as a download, so an HTML or SVG file can never run as a page of the asset origin.
 */
export async function uploadAsset(projectId: string, file: UploadedFile): Promise<AssetRecord> {
  if (file.bytes.length === 0) throw new ValidationError('file: the file is empty', 'file');
  const content = await detectContent(file.bytes);
  const id = newId('asset');
  const name = safeFileName(file.filename);
  const key = `${assetStore.keyPrefix}${id}/${name}`;
  await putObject(env().ASSETS_BUCKET, key, file.bytes, {
    contentType: content.contentType,
    contentDisposition: content.inline ? 'inline' : `attachment; filename="${name}"`,
    cacheControl: `public, max-age=${assetStore.cacheSeconds}`,
  });
  const asset: AssetRecord = {
    id,
    projectId,
    name,
    key,
    contentType: content.contentType,
    category: content.category,
    size: file.bytes.length,
    createdAt: new Date().toISOString(),
  };
  try {
    await putAsset(asset);
  } catch (error) {
    // No record, no asset: the object goes too.
    await deleteObject(env().ASSETS_BUCKET, key).catch(() => undefined);
    throw error;
  }
  return asset;
}

/** The project's asset; another project's, or a malformed id, is not found. */
export async function findAsset(projectId: string, id: string): Promise<AssetRecord> {
  const asset = isId('asset', id) ? await getAsset(projectId, id) : undefined;
  if (!asset) throw new NotFoundError('Asset');
  return asset;
}

export function pageAssets(projectId: string, query: ListAssetsQuery) {
  return listAssets(projectId, query);
}

/** Deletes the record and the object (copies already cached may be served up to a day). */
export async function removeAsset(projectId: string, id: string): Promise<AssetRecord> {
  const asset = await findAsset(projectId, id);
  await deleteObject(env().ASSETS_BUCKET, asset.key);
  await deleteAsset(projectId, asset.id);
  return asset;
}
