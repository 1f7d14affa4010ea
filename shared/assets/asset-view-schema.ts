import { assetCategories } from '#shared/assets/asset-content.ts';
import * as z from '#shared/zod.ts';

/** An asset as the API shows it, with its public URL. */
export const assetViewSchema = z.strictObject({
  object: z.literal('asset'),
  id: z.string(),
  name: z.string(),
  url: z.string(),
  content_type: z.string(),
  category: z.enum(assetCategories),
  size: z.number(),
  created_at: z.string(),
});
