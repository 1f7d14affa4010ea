import { queues } from '#shared/resources.ts';
import { startLocalRuntime } from '../../infra/local/runtime.ts';
import { awsPrices } from './aws-prices.ts';
import { machineLoad } from './machine-load.ts';
import { meterPlatform, printUsage } from './usage-meter.ts';

/** Bounded: one list of 10,000, one campaign to it, at most five minutes of sending. */
const recipients = 10_000;
const maxSendRate = 200;
const waitLimitMs = 300_000;

/**
 * A campaign to 10,000 contacts on the local platform, at a MaxSendRate of 200: time to
 * completion against what the campaigns' share of the rate allows, and the AWS requests
 * and DynamoDB units per recipient, priced like the cost bench (SES's own fee aside).
 */
export async function benchCampaign() {
  const runtime = await startLocalRuntime({
    apiPort: 0,
    ses: { verificationDelayMs: 0, outcomeDelayMs: 20, maxSendRate },
    scheduleIntervalSeconds: 5,
    logLevel: 'ERROR',
  });
  try {
    const { setAccountLimits, setReputationOverrides } = await import('#shared/tenancy/tenancy-store.ts');
    const { accountId } = runtime.credentials;
    // The account's own windows (5,000 a minute by default) would pace it below SES's rate.
    await setAccountLimits(accountId, { perSecond: 10_000, perMinute: 100_000, perHour: 1e6, perDay: 1e7 });
    await setReputationOverrides(accountId, { minimumSends: 1e9 });
    const call = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${runtime.apiUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${runtime.credentials.liveKey}`,
          'content-type': 'application/json',
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const json = (await response.json()) as Record<string, unknown> & { data?: Record<string, unknown> };
      if (response.status !== 200)
        throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
      return json;
    };
    const domain = 'bench-campaign.example.com';
    const added = await call('POST', '/api/v1/domains', { domain });
    await fetch(`${runtime.sesUrl}/_local/identities/${domain}/status`, {
      method: 'POST',
      body: JSON.stringify({ status: 'SUCCESS' }),
    });
    await call('POST', `/api/v1/domains/${added.id}/verify`);
    const list = await call('POST', '/api/v1/lists', { name: 'Bench' });
    const contacts = Array.from({ length: recipients }, (_, n) => ({
      email: `reader.${n}@example.com`,
      name: `Reader ${n}`,
    }));
    await call('POST', '/api/v1/contacts/import', { listId: list.id, contacts });
    const campaign = await call('POST', '/api/v1/campaigns', {
      name: 'Bench',
      subject: 'News for {{name}}',
      fromEmail: `news@${domain}`,
      listId: list.id,
      content: `<h1>Hello {{name}}</h1>${'<p>Some news of the week, with a paragraph of text.</p>'.repeat(40)}`,
    });

    const meter = meterPlatform(runtime.gateway);
    const loadBefore = machineLoad();
    meter.start();
    const started = performance.now();
    await call('POST', `/api/v1/campaigns/${campaign.id}/launch`);
    let progress: Record<string, number> = {};
    let status = '';
    while (performance.now() - started < waitLimitMs) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const read = await call('GET', `/api/v1/campaigns/${campaign.id}`);
      progress = read.data?.progress as Record<string, number>;
      status = String(read.data?.status);
      if (status === 'completed') break;
    }
    const seconds = (performance.now() - started) / 1000;
    await meter.settled(3000, Date.now() + 30_000);
    meter.stop();

    const share = 0.8;
    const floorSeconds = recipients / Math.floor(maxSendRate * share);
    console.log(
      `\nCampaign to ${recipients.toLocaleString('en')} contacts (MaxSendRate ${maxSendRate}, campaigns' share ${share}; measured from ${loadBefore} to ${machineLoad()})`,
    );
    console.log(
      `  ${status} in ${seconds.toFixed(1)} s; the share allows ${floorSeconds.toFixed(1)} s (${((floorSeconds / seconds) * 100).toFixed(0)} % of the allowed pace); progress ${JSON.stringify(progress)}`,
    );
    const workerEntries = new Set<string>(Object.values(queues).map((queue) => queue.consumer.entry));
    let invocations = 0;
    let pollerRequests = 0;
    for (const [entry, row] of meter.invocations) {
      invocations += row.count;
      if (workerEntries.has(entry)) pollerRequests += 2 * Math.max(row.count, Math.ceil(row.records / 10));
    }
    const snsPublishes = meter.invocations.get(queues.sesEvents.consumer.entry)?.records ?? 0;
    const sqsRequests = meter.count('SQS') + pollerRequests + snsPublishes;
    const per = recipients / 1000;
    const rows = [
      ['Lambda invocations', invocations, awsPrices.lambdaRequest],
      ['DynamoDB write units', meter.dynamo.writeUnits, awsPrices.dynamoWriteUnit],
      ['DynamoDB read units', meter.dynamo.readUnits, awsPrices.dynamoReadUnit],
      ['SQS requests', sqsRequests, awsPrices.sqsRequest],
      ['SNS publishes', snsPublishes, awsPrices.snsPublish],
    ] as const;
    console.log(`  ${'per recipient'.padStart(40)} ${'$ / 1,000 recipients'.padStart(21)}`);
    let total = 0;
    for (const [name, usage, price] of rows) {
      total += (usage / per) * price;
      console.log(
        `  ${name.padEnd(26)} ${(usage / recipients).toFixed(3).padStart(13)} ${((usage / per) * price).toFixed(6).padStart(21)}`,
      );
    }
    console.log(
      `  ${'total (Lambda time aside)'.padEnd(26)} ${''.padStart(13)} ${total.toFixed(6).padStart(21)}`,
    );
    printUsage(meter, recipients, 'per recipient', 2);
  } finally {
    await runtime.stop();
  }
}
