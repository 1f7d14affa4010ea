import type { AssetRecord } from '#shared/assets/asset-store.ts';
import type { assetViewSchema } from '#shared/assets/asset-view-schema.ts';
import { capabilityEnv } from '#shared/env.ts';
import * as z from '#shared/zod.ts';

const env = capabilityEnv(['assets:write', 'settings:assetsUrl'], {
  ASSETS_BASE_URL: z.string().check(z.url()),
});

export function assetView(asset: AssetRecord): z.infer<typeof assetViewSchema> {
  return {
    object: 'asset',
    id: asset.id,
    name: asset.name,
    url: `${env().ASSETS_BASE_URL.replace(/\/$/, '')}/${asset.key}`,
    content_type: asset.contentType,
    category: asset.category,
    size: asset.size,
    created_at: asset.createdAt,
  };
}
