import { deployedFunction } from '../../infra/function-catalogue.ts';
import { observeInvocations, observeOutput } from '../../infra/local/function-host.ts';
import type { GatewayRequest, IamGateway } from '../../infra/local/iam/gateway.ts';

const writeOperations = new Set([
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'BatchWriteItem',
  'TransactWriteItems',
]);

/** The gateway's signing names, as the bench prints services. */
const serviceNames: Record<string, string> = {
  dynamodb: 'DynamoDB',
  sqs: 'SQS',
  ses: 'SES',
  s3: 'S3',
  sns: 'SNS',
};

export interface Invocations {
  count: number;
  /** Lambda bills each invocation's duration rounded up to the millisecond. */
  billedMs: number;
  /** Bytes the function wrote to stdout and stderr: its log lines. */
  logBytes: number;
  /** SQS records (or SNS notifications) delivered in those invocations. */
  records: number;
}

/**
 * Meters what the platform uses while a workload runs on the local runtime: every AWS
 * request a function (or the SMTP task) makes, by service and operation, as the IAM
 * gateway sees it; DynamoDB read and write units as DynamoDB reports them (the gateway
 * asks for `ReturnConsumedCapacity` while metering); and Lambda invocations with their
 * durations and records. The local event sources' own polling is left out: the cost
 * bench estimates Lambda's.
 */
export function meterPlatform(gateway: IamGateway): UsageMeter {
  return new UsageMeter(gateway);
}

export class UsageMeter {
  /** Requests by `entry \t service \t operation`. */
  readonly requests = new Map<string, number>();
  readonly dynamo = { readUnits: 0, writeUnits: 0 };
  /** Write units by function entry, to see where they go. */
  readonly writeUnitsBy = new Map<string, number>();
  readonly invocations = new Map<string, Invocations>();
  /** Write units by partition (`table:<pk>`, `gsi1:<gsi1pk>`…), for the hot-key report. */
  readonly partitionUnits = new Map<string, number>();
  /** Every request with its timing, by function id, while `trace` is on (the round-trip probe). */
  readonly traced: GatewayRequest[] = [];
  trace = false;
  private readonly gateway: IamGateway;
  /** Per entry: each invocation's [start, end]. */
  private readonly spans = new Map<string, [number, number][]>();
  private stopObserving: () => void = () => undefined;
  private lastInvocationAt = Date.now();

  constructor(gateway: IamGateway) {
    this.gateway = gateway;
  }

  private record(request: GatewayRequest) {
    if (request.denied || request.functionId.endsWith('#eventSource')) return;
    if (this.trace) this.traced.push(request);
    const entry = deployedFunction(request.functionId).entry;
    const service = serviceNames[request.service] ?? request.service;
    const key = `${entry}\t${service}\t${request.operation}`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    if (request.service !== 'dynamodb') return;
    if (!writeOperations.has(request.operation)) {
      this.dynamo.readUnits += request.consumedUnits ?? 0;
      return;
    }
    // A write refused by its condition is billed too (at least one unit), with no report.
    const refused = ['ConditionalCheckFailedException', 'TransactionCanceledException'];
    const reported = refused.includes(request.errorType ?? '') ? 1 : (request.consumedUnits ?? 0);
    // DynamoDB bills a transaction's items twice (prepare, commit); DynamoDB Local
    // reports less, so count at least two units per item.
    const billed = Math.max(reported, 2 * (request.transactionItems ?? 0));
    this.dynamo.writeUnits += billed;
    this.writeUnitsBy.set(entry, (this.writeUnitsBy.get(entry) ?? 0) + billed);
    const partitions = request.partitions ?? [];
    for (const partition of partitions) {
      const share = billed / partitions.length;
      this.partitionUnits.set(partition, (this.partitionUnits.get(partition) ?? 0) + share);
    }
  }

  /** Counts from now until `stop()`. */
  start() {
    const stopRequests = this.gateway.observe((request) => this.record(request));
    const stopOutput = observeOutput((entry, bytes) => {
      this.rowOf(entry).logBytes += bytes;
    });
    const stopInvocations = observeInvocations((entry, event, durationMs, startedAt) => {
      const row = this.rowOf(entry);
      row.count += 1;
      row.billedMs += Math.ceil(durationMs);
      const spans = this.spans.get(entry) ?? [];
      spans.push([startedAt, startedAt + durationMs]);
      this.spans.set(entry, spans);
      row.records += (event as { Records?: unknown[] } | undefined)?.Records?.length ?? 0;
      this.lastInvocationAt = Date.now();
    });
    this.stopObserving = () => {
      stopRequests();
      stopInvocations();
      stopOutput();
    };
  }

  stop() {
    this.stopObserving();
  }

  private rowOf(entry: string): Invocations {
    let row = this.invocations.get(entry);
    if (!row) {
      row = { count: 0, billedMs: 0, logBytes: 0, records: 0 };
      this.invocations.set(entry, row);
    }
    return row;
  }

  reset() {
    this.requests.clear();
    this.invocations.clear();
    this.writeUnitsBy.clear();
    this.partitionUnits.clear();
    this.spans.clear();
    this.traced.length = 0;
    this.dynamo.readUnits = 0;
    this.dynamo.writeUnits = 0;
  }

  /**
   * The time at least one invocation of `entry` ran. Locally, concurrent invocations
   * share one environment (and its CPU), so their durations overlap and their sum
   * overstates what Lambda, with an environment each, would bill; this understates it
   * when they overlap only waiting on I/O. The bench bills this and prints the sum beside it.
   */
  busyMs(entry: string): number {
    const spans = [...(this.spans.get(entry) ?? [])].sort((a, b) => a[0] - b[0]);
    let busy = 0;
    let until = Number.NEGATIVE_INFINITY;
    for (const [start, end] of spans) {
      if (end <= until) continue;
      busy += end - Math.max(start, until);
      until = end;
    }
    return busy;
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
