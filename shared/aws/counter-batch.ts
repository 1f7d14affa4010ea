import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo, tableName } from '#shared/aws/dynamodb.ts';

/** Additions to numeric attributes of one item, with attributes set alongside (a TTL, a label). */
export interface CounterUpdate {
  key: { pk: string; sk: string };
  add: Record<string, number>;
  set: Record<string, string | number>;
}

/**
 * Counter additions gathered while a batch of events is handled and written together:
 * one UpdateItem per item, however many events touched it. The events worker's daily
 * counters and reputation buckets go through one of these, which is most of what
 * keeps its writes per event low.
 */
export class CounterBatch {
  private pending = new Map<string, CounterUpdate>();

  add(update: CounterUpdate) {
    const id = `${update.key.pk}\n${update.key.sk}`;
    const merged = this.pending.get(id) ?? { key: update.key, add: {}, set: {} };
    for (const [name, value] of Object.entries(update.add))
      merged.add[name] = (merged.add[name] ?? 0) + value;
    Object.assign(merged.set, update.set);
    this.pending.set(id, merged);
  }

  /** Writes everything added so far. */
  async flush() {
    const updates = [...this.pending.values()];
    this.pending.clear();
    await Promise.all(updates.map(writeCounters));
  }
}

async function writeCounters({ key, add, set }: CounterUpdate) {
  const adds = Object.keys(add).filter((name) => add[name] !== 0);
  if (adds.length === 0) return;
  const names: Record<string, string> = {};
  const values: Record<string, string | number> = {};
  const clause = (kind: 'a' | 's', attributes: Record<string, string | number>, join: string) =>
    Object.entries(attributes).map(([name, value], index) => {
      names[`#${kind}${index}`] = name;
      values[`:${kind}${index}`] = value;
      return `#${kind}${index}${join}:${kind}${index}`;
    });
  const addClause = clause('a', Object.fromEntries(adds.map((name) => [name, add[name] as number])), ' ');
  const setClause = clause('s', set, ' = ');
  await dynamo.send(
    new UpdateCommand({
      TableName: tableName(),
      Key: key,
      UpdateExpression: `ADD ${addClause.join(', ')}${setClause.length > 0 ? ` SET ${setClause.join(', ')}` : ''}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    }),
  );
}
