/**
 * Templates in the single table.
 *
 * Access patterns (pk / sk):
 * - template by id ......... TEMPLATE#<templateId> / TEMPLATE
 * - templates of a project . gsi1: PROJECT#<projectId>#TEMPLATES / <templateId> (creation order)
 */
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo, queryAll, tableName, withoutKeys } from '#shared/aws/dynamodb.ts';

export interface TemplateRecord {
  id: string;
  projectId: string;
  name: string;
  subject?: string;
  html?: string;
  text?: string;
  createdAt: string;
  updatedAt: string;
}

const templateKey = (id: string) => ({ pk: `TEMPLATE#${id}`, sk: 'TEMPLATE' });

export async function putTemplate(template: TemplateRecord): Promise<void> {
  await dynamo.send(
    new PutCommand({
      TableName: tableName(),
      Item: {
        ...templateKey(template.id),
        gsi1pk: `PROJECT#${template.projectId}#TEMPLATES`,
        gsi1sk: template.id,
        ...template,
      },
    }),
  );
}

export async function getTemplate(id: string): Promise<TemplateRecord | undefined> {
  const { Item } = await dynamo.send(new GetCommand({ TableName: tableName(), Key: templateKey(id) }));
  return Item ? withoutKeys<TemplateRecord>(Item) : undefined;
}

export async function deleteTemplate(id: string): Promise<void> {
  await dynamo.send(new DeleteCommand({ TableName: tableName(), Key: templateKey(id) }));
}

export async function listProjectTemplates(projectId: string): Promise<TemplateRecord[]> {
  const templates: TemplateRecord[] = (
    await queryAll({
      TableName: tableName(),
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': `PROJECT#${projectId}#TEMPLATES` },
    })
  ).map((item) => withoutKeys<TemplateRecord>(item));
  return templates;
}
