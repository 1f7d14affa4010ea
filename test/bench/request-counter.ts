import { currentEntry } from '../../infra/local/handlers.ts';

interface CountedClient {
  middlewareStack: {
    add: (
      middleware: (
        next: (args: { input: Record<string, unknown> }) => Promise<unknown>,
        context: { commandName?: string },
      ) => (args: { input: Record<string, unknown> }) => Promise<unknown>,
      options: { step: 'initialize'; name: string },
    ) => void;
  };
}

/** DynamoDB operations that write, and how many items each writes. */
function itemsWritten(operation: string, input: Record<string, unknown>): number {
  if (['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand'].includes(operation)) return 1;
  if (operation === 'TransactWriteItemsCommand')
    return (input.TransactItems as unknown[] | undefined)?.length ?? 0;
  if (operation === 'BatchWriteItemCommand') {
    return Object.values((input.RequestItems as Record<string, unknown[]>) ?? {}).reduce(
      (n, items) => n + items.length,
      0,
    );
  }
  return 0;
}

/**
 * Counts the AWS requests the platform's own code makes, by function entry (from the
 * local runtime's invocation context), service and operation, through an SDK
 * middleware on the shared clients. Polling by the Lambda event source stand-in is
 * not the platform's code and is not counted.
 */
export class RequestCounter {
  private readonly counts = new Map<string, number>();
  private readonly writes = new Map<string, number>();

  attach(service: string, client: CountedClient) {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const entry = currentEntry() ?? 'outside';
        const operation = context.commandName ?? 'unknown';
        const key = `${entry}\t${service}\t${operation}`;
        this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
        if (service === 'DynamoDB') {
          this.writes.set(entry, (this.writes.get(entry) ?? 0) + itemsWritten(operation, args.input));
        }
        return next(args);
      },
      { step: 'initialize', name: `mailroomBenchCounter${service}` },
    );
  }

  reset() {
    this.counts.clear();
    this.writes.clear();
  }

  /** Requests per service (and DynamoDB items written) per entry, divided by `per`. */
  summary(per: number) {
    const byEntry = new Map<string, Record<string, number>>();
    for (const [key, count] of this.counts) {
      const [entry = '', service = ''] = key.split('\t');
      const row = byEntry.get(entry) ?? {};
      row[service] = (row[service] ?? 0) + count / per;
      byEntry.set(entry, row);
    }
    for (const [entry, written] of this.writes) {
      const row = byEntry.get(entry) ?? {};
      row['DynamoDB items written'] = written / per;
      byEntry.set(entry, row);
    }
    return byEntry;
  }

  operations(per: number) {
    return [...this.counts].map(([key, count]) => ({
      key: key.replaceAll('\t', ' · '),
      perEmail: count / per,
    }));
  }
}
