import { assetCategories } from '#shared/assets/asset-content.ts';
import { isId } from '#shared/ids.ts';
import { pageCursor } from '#shared/pagination/page-cursor.ts';
import * as z from '#shared/zod.ts';

/** The assets list's cursor: the last asset's id. */
export const assetCursor = pageCursor({ form: 'plain', valid: (position) => isId('asset', position) });

/** `GET /api/v1/assets`: newest first, `cursor` = the last asset id of the page before. */
export const listAssetsSchema = z.object({
  category: z.optional(z.enum(assetCategories)),
  cursor: z.optional(z.string().check(assetCursor.check('must be an asset id'))),
  limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), 20),
});

export type ListAssetsQuery = z.infer<typeof listAssetsSchema>;
