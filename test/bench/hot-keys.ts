import type { GatewayRequest } from '../../infra/local/iam/gateway.ts';
import type { UsageMeter } from './usage-meter.ts';

/** DynamoDB throttles writes to one partition key past this many write units a second. */
const partitionWriteUnitsPerSecond = 1000;
/** The rate every key must sustain before throttling. */
const targetEmailsPerSecond = 1500;

/** `EMAILS#prj_01K…#3` → `EMAILS#prj_…#3`: ids shortened, so the report reads as key shapes. */
function shapeOf(partition: string): string {
  return partition.replace(/([a-z]{2,5})_[0-9A-HJKMNP-TV-Z]{26}/g, '$1_…');
}

/**
 * The partitions that took the most write units, per email of the workload, and the
 * rate at which each would reach DynamoDB's per-partition limit: the workload's one
 * account and one project are the worst case of a busy tenant.
 */
export function printHotKeys(meter: UsageMeter, emails: number, shown = 10) {
  const hottest = [...meter.partitionUnits].sort((a, b) => b[1] - a[1]).slice(0, shown);
  console.log(
    `\n  hottest partitions (write units per email; emails/s before one reaches ${partitionWriteUnitsPerSecond} WRU/s; target ≥ ${targetEmailsPerSecond.toLocaleString('en')})`,
  );
  for (const [partition, units] of hottest) {
    const perEmail = units / emails;
    const ceiling = partitionWriteUnitsPerSecond / perEmail;
    const verdict = ceiling >= targetEmailsPerSecond ? '' : '  below target';
    console.log(
      `    ${shapeOf(partition).padEnd(52)} ${perEmail.toFixed(3).padStart(7)} ${Math.floor(ceiling).toLocaleString('en').padStart(9)}/s${verdict}`,
    );
  }
}

/**
 * How many round trips one invocation of `functionId` waited for in sequence: its AWS
 * requests in start order, a new wave whenever one starts after every request of the
 * current wave has answered (requests made together count once).
 */
export function sequentialRoundTrips(requests: GatewayRequest[], functionId: string): number {
  const timed = requests
    .filter((request) => request.functionId === functionId && request.startedAt !== undefined)
    .sort((a, b) => (a.startedAt ?? 0) - (b.startedAt ?? 0));
  let waves = 0;
  let waveEnds = Number.NEGATIVE_INFINITY;
  for (const request of timed) {
    if ((request.startedAt ?? 0) >= waveEnds) {
      waves += 1;
      waveEnds = request.endedAt ?? 0;
    } else waveEnds = Math.max(waveEnds, request.endedAt ?? 0);
  }
  return waves;
}

export function printRoundTrips(waves: number[]) {
  const sorted = [...waves].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
  console.log(
    `\n  accept path (POST /api/v1/emails, warm): ${median} sequential AWS round trips (target ≤ 4; each of ${waves.length} sends: ${waves.join(', ')})`,
  );
}
