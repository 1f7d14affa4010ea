import { currentEntry, observeInvocations } from '../../infra/local/handlers.ts';

interface MeteredClient {
  middlewareStack: {
    add: (
      middleware: (
        next: (args: { input: Record<string, unknown> }) => Promise<{ output?: Record<string, unknown> }>,
        context: { commandName?: string },
      ) => (args: { input: Record<string, unknown> }) => Promise<{ output?: Record<string, unknown> }>,
      options: { step: 'initialize'; name: string; priority?: 'high' },
    ) => void;
  };
}

type Capacity = { CapacityUnits?: number; ReadCapacityUnits?: number; WriteCapacityUnits?: number };

const writeOperations = new Set([
  'PutCommand',
  'UpdateCommand',
  'DeleteCommand',
  'BatchWriteCommand',
  'TransactWriteCommand',
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'BatchWriteItemCommand',
  'TransactWriteItemsCommand',
]);

export interface Invocations {
  count: number;
  /** Lambda bills each invocation's duration rounded up to the millisecond. */
  billedMs: number;
  /** SQS records (or SNS notifications) delivered in those invocations. */
  records: number;
}

/**
 * Meters what the platform uses while a workload runs on the local runtime: SDK
 * requests by service and operation (the platform's own calls, through the shared
 * clients), DynamoDB read and write units as DynamoDB reports them
 * (`ReturnConsumedCapacity`), and Lambda invocations with their durations and records.
 */
/** A meter on the platform's shared AWS clients (DynamoDB, SQS, SES, S3), as the local runtime loaded them. */
export async function meterPlatformClients(): Promise<UsageMeter> {
  const meter = new UsageMeter();
  meter.attach('DynamoDB', (await import('#shared/aws/dynamodb.ts')).dynamo as never);
  meter.attach('SQS', (await import('#shared/aws/sqs.ts')).sqs as never);
  meter.attach('SES', (await import('#shared/aws/ses.ts')).ses as never);
  meter.attach('S3', (await import('#shared/aws/s3.ts')).s3 as never);
  return meter;
}

export class UsageMeter {
  /** Requests by `entry \t service \t operation`. */
  readonly requests = new Map<string, number>();
  readonly dynamo = { readUnits: 0, writeUnits: 0 };
  /** Write units by function entry, to see where they go. */
  readonly writeUnitsBy = new Map<string, number>();
  readonly invocations = new Map<string, Invocations>();
  private metering = false;
  private stopObserving: () => void = () => undefined;
  private lastInvocationAt = Date.now();

  attach(service: string, client: MeteredClient) {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (!this.metering) return next(args);
        const operation = context.commandName ?? 'unknown';
        const key = `${currentEntry() ?? 'outside a function'}\t${service}\t${operation.replace(/Command$/, '')}`;
        this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
        if (service !== 'DynamoDB') return next(args);
        const transactionItems = (args.input.TransactItems as unknown[] | undefined)?.length ?? 0;
        const count = (units: number) => {
          if (!writeOperations.has(operation)) {
            this.dynamo.readUnits += units;
            return;
          }
          // DynamoDB bills a transaction's items twice (prepare, commit); DynamoDB Local
          // reports less, so count at least two units per item.
          const billed = Math.max(units, 2 * transactionItems);
          this.dynamo.writeUnits += billed;
          const by = currentEntry() ?? 'outside a function';
          this.writeUnitsBy.set(by, (this.writeUnitsBy.get(by) ?? 0) + billed);
        };
        try {
          const result = await next({ ...args, input: { ...args.input, ReturnConsumedCapacity: 'TOTAL' } });
          const consumed = result.output?.ConsumedCapacity as Capacity | Capacity[] | undefined;
          count([consumed ?? []].flat().reduce((sum, entry) => sum + (entry.CapacityUnits ?? 0), 0));
          return result;
        } catch (error) {
          // A write refused by its condition is billed too (at least one unit), with no report.
          const refused = ['ConditionalCheckFailedException', 'TransactionCanceledException'];
          if (refused.includes((error as Error).name)) count(1);
          throw error;
        }
      },
      { step: 'initialize', name: `mailroomUsageMeter${service}`, priority: 'high' },
    );
  }

  /** Counts from now until `stop()`. */
  start() {
    this.metering = true;
    this.stopObserving = observeInvocations((entry, event, durationMs) => {
      const row = this.invocations.get(entry) ?? { count: 0, billedMs: 0, records: 0 };
      row.count += 1;
      row.billedMs += Math.ceil(durationMs);
      row.records += (event as { Records?: unknown[] } | undefined)?.Records?.length ?? 0;
      this.invocations.set(entry, row);
      this.lastInvocationAt = Date.now();
    });
  }

  stop() {
    this.metering = false;
    this.stopObserving();
  }

  reset() {
    this.requests.clear();
    this.invocations.clear();
    this.writeUnitsBy.clear();
    this.dynamo.readUnits = 0;
    this.dynamo.writeUnits = 0;
  }

  /** Resolves once no function has run for `quietMs` (the pipeline has drained), or at `deadline`. */
  async settled(quietMs: number, deadline: number) {
    while (Date.now() - this.lastInvocationAt < quietMs && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  /** Requests to a service, or to one of its operations (`count('S3', 'PutObject')`). */
  count(service: string, operation?: string) {
    let total = 0;
    for (const [key, value] of this.requests) {
      const [, keyService, keyOperation] = key.split('\t');
      if (keyService === service && (operation === undefined || keyOperation === operation)) total += value;
    }
    return total;
  }

  /** Requests per function entry and service, then write units, divided by `per`. */
  byFunction(per: number) {
    const rows = new Map<string, Record<string, number>>();
    for (const [key, count] of this.requests) {
      const [entry = '', service = ''] = key.split('\t');
      const row = rows.get(entry) ?? {};
      row[service] = (row[service] ?? 0) + count / per;
      rows.set(entry, row);
    }
    for (const [entry, units] of this.writeUnitsBy) {
      const row = rows.get(entry) ?? {};
      row['DynamoDB write units'] = units / per;
      rows.set(entry, row);
    }
    return rows;
  }
}

/** The meter's requests and write units by function, then by operation, each divided by `per`. */
export function printUsage(meter: UsageMeter, per: number, unit: string, digits: number) {
  console.log(`\n  AWS requests and DynamoDB write units ${unit}, by function:`);
  for (const [entry, row] of meter.byFunction(per)) {
    const cells = Object.entries(row)
      .sort()
      .map(([name, value]) => `${name} ${value.toFixed(digits)}`)
      .join(' · ');
    console.log(`    ${entry.padEnd(36)} ${cells}`);
  }
  console.log(`\n  by operation, ${unit}:`);
  for (const [key, count] of [...meter.requests].sort((a, b) => a[0].localeCompare(b[0]))) {
    console.log(`    ${key.replaceAll('\t', ' · ').padEnd(70)} ${(count / per).toFixed(digits)}`);
  }
}
