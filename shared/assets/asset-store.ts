/**
 * Assets' records in the single table (the bytes are in the assets bucket).
 *
 * Access pattern (pk / sk): ASSETS#<projectId> / <assetId> → newest first by id, with a
 * category filter.
 */
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { AssetCategory } from '#shared/assets/asset-content.ts';
import { dynamo, queryPage, tableName, withoutKeys } from '#shared/aws/dynamodb.ts';

export interface AssetRecord {
  id: string;
  projectId: string;
  /** The file name as uploaded (made safe). */
  name: string;
  /** The object's key in the bucket, which is also its URL path. */
  key: string;
  contentType: string;
  category: AssetCategory;
  size: number;
  createdAt: string;
}

const assetKey = (projectId: string, id: string) => ({ pk: `ASSETS#${projectId}`, sk: id });

export async function putAsset(asset: AssetRecord): Promise<void> {
  await dynamo.send(
    new PutCommand({ TableName: tableName(), Item: { ...assetKey(asset.projectId, asset.id), ...asset } }),
  );
}

export async function getAsset(projectId: string, id: string): Promise<AssetRecord | undefined> {
  const { Item } = await dynamo.send(
    new GetCommand({ TableName: tableName(), Key: assetKey(projectId, id) }),
  );
  return Item ? withoutKeys<AssetRecord>(Item) : undefined;
}

export async function deleteAsset(projectId: string, id: string): Promise<void> {
  await dynamo.send(new DeleteCommand({ TableName: tableName(), Key: assetKey(projectId, id) }));
}

/** A page of the project's assets, newest first, after the asset `cursor`. */
export async function listAssets(
  projectId: string,
  options: { limit: number; category?: AssetCategory; cursor?: string },
): Promise<{ assets: AssetRecord[]; hasMore: boolean }> {
  const page = await queryPage(
    {
      TableName: tableName(),
      KeyConditionExpression: 'pk = :pk',
      ScanIndexForward: false,
      FilterExpression: options.category ? 'category = :category' : undefined,
      ExpressionAttributeValues: {
        ':pk': `ASSETS#${projectId}`,
        ...(options.category ? { ':category': options.category } : {}),
      },
      ExclusiveStartKey: options.cursor ? assetKey(projectId, options.cursor) : undefined,
    },
    options.limit,
  );
  return { assets: page.items.map((item) => withoutKeys<AssetRecord>(item)), hasMore: page.hasMore };
}
