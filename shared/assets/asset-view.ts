import type { AssetRecord } from '#shared/assets/asset-store.ts';
import { capabilityEnv } from '#shared/env.ts';
import * as z from '#shared/zod.ts';

const env = capabilityEnv(['assets:write', 'settings:assetsUrl'], {
  ASSETS_BASE_URL: z.string().check(z.url()),
});

/** An asset as the API shows it, with its public URL. */
export function assetView(asset: AssetRecord) {
  return {
    object: 'asset' as const,
    id: asset.id,
    name: asset.name,
    url: `${env().ASSETS_BASE_URL.replace(/\/$/, '')}/${asset.key}`,
    content_type: asset.contentType,
    category: asset.category,
    size: asset.size,
    created_at: asset.createdAt,
  };
}
