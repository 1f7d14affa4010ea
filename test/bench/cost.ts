import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { queues } from '#shared/resources.ts';
import { startLocalRuntime } from '../../infra/local/runtime.ts';
import { awsPrices, fixedMonthly } from './aws-prices.ts';
import { lambdaFunctions } from './lambda-bundles.ts';
import { smtpClient } from './smtp-relay.ts';
import { meterPlatform, printUsage, type UsageMeter } from './usage-meter.ts';

/** The mixed workload: 1,000 emails in all, every wait bounded. */
const workload = { single: 400, batch: 400, smtp: 200, clients: 10, largeEvery: 40 } as const;
const totalEmails = workload.single + workload.batch + workload.smtp;
const waitLimitMs = 180_000;
/** The budget: $0.006 per 1,000 emails on top of SES's own $0.10. */
const budgetPer1000 = 0.006;

/**
 * 2 % hard bounces, 0.2 % complaints, the rest delivered: the events a real sender sees.
 * Each bounce and complaint goes to an address of its own, which it then suppresses.
 */
const recipient = (n: number) =>
  n % 50 === 7
    ? `bounce+${n}@simulator.amazonses.com`
    : n % 500 === 13
      ? `complaint+${n}@simulator.amazonses.com`
      : 'success@simulator.amazonses.com';

/**
 * What the platform costs to run per 1,000 emails, SES's own fee aside: a mixed
 * workload (single API sends, batches of 100, SMTP; 1 in 40 single sends carries a
 * 250 KB attachment, so it travels through S3; a webhook subscribed to delivered,
 * bounced and complained) runs on the local runtime while every AWS request is counted,
 * then the counts are priced with `aws-prices.ts`.
 */
export async function benchCost() {
  const runtime = await startLocalRuntime({
    apiPort: 0,
    ses: { verificationDelayMs: 0, outcomeDelayMs: 20, maxSendRate: 1000 },
    scheduleIntervalSeconds: 3600,
    logLevel: 'WARN',
  });
  const webhookReceiver = createServer((request, response) => {
    request.resume();
    request.on('end', () => response.writeHead(200).end('ok'));
  });
  await new Promise<void>((resolve) => webhookReceiver.listen(0, '127.0.0.1', resolve));
  try {
    const meter = meterPlatform(runtime.gateway);
    meter.start();

    const { generateApiKey } = await import('#shared/auth/api-keys.ts');
    const { getProject, setReputationOverrides, storeApiKey } = await import(
      '#shared/tenancy/tenancy-store.ts'
    );
    const project = await getProject(runtime.credentials.projectId);
    if (!project) throw new Error('the local project is missing');
    // The reputation machine still runs on every bounce and complaint, but never pauses this account.
    await setReputationOverrides(runtime.credentials.accountId, { minimumSends: 1e9 });
    const keys: string[] = [];
    for (let i = 0; i < workload.clients; i += 1) {
      const key = generateApiKey('live');
      await storeApiKey(project, key, { name: `cost bench ${i}`, scopes: ['full_access'] });
      keys.push(key.secret);
    }
    let apiRequests = 0;
    const post = async (path: string, body: unknown, key = runtime.credentials.liveKey) => {
      apiRequests += 1;
      const response = await fetch(`${runtime.apiUrl}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const json = (await response.json()) as Record<string, unknown>;
      if (response.status >= 300)
        throw new Error(`${path}: ${response.status} ${JSON.stringify(json).slice(0, 300)}`);
      return json;
    };
    const domain = `cost-${Date.now()}.example.com`;
    const added = await post('/api/v1/domains', { domain });
    await post(`/api/v1/domains/${String(added.id)}/verify`, {});
    const { port } = webhookReceiver.address() as AddressInfo;
    await post('/api/v1/webhooks', {
      url: `http://127.0.0.1:${port}/mailroom`,
      events: ['email.delivered', 'email.bounced', 'email.complained'],
    });
    // Webhook configuration is cached for 5 s; start once every function sees it.
    await new Promise((resolve) => setTimeout(resolve, 5500));
    const attachment = Buffer.alloc(250 * 1024, 'mailroom').toString('base64');
    const email = (n: number) => ({
      from: `Cost bench <bench@${domain}>`,
      to: recipient(n),
      subject: `cost ${n}`,
      html: `<p>Hello from the cost benchmark, email ${n}.</p>`,
      ...(n % workload.largeEvery === 0
        ? { attachments: [{ filename: 'report.txt', content: attachment }] }
        : {}),
    });

    meter.reset();
    apiRequests = 0;
    const started = performance.now();
    let next = 0;
    await Promise.all(
      keys.map(async (key) => {
        for (let n = next++; n < workload.single; n = next++) await post('/api/v1/emails', email(n), key);
      }),
    );
    for (let start = 0; start < workload.batch; start += 100) {
      const rows = Array.from({ length: 100 }, (_, i) => {
        const { attachments: _large, ...row } = email(workload.single + start + i);
        return row;
      });
      await post('/api/v1/emails/batch', { emails: rows });
    }
    const perConnection = workload.smtp / workload.clients;
    await Promise.all(
      keys.map(async (password, connection) => {
        const client = smtpClient(runtime, password);
        for (let i = 0; i < perConnection; i += 1) {
          const n = workload.single + workload.batch + connection * perConnection + i;
          await client.sendMail({
            from: `bench@${domain}`,
            to: recipient(n),
            subject: `cost ${n}`,
            text: 'Hello over SMTP.',
          });
        }
        client.close();
      }),
    );

    // Drained: every email reached SES and every event, status and webhook ran.
    const deadline = Date.now() + waitLimitMs;
    let captured = 0;
    for (;;) {
      const mail = (await (await fetch(`${runtime.sesUrl}/_local/mail`)).json()) as { subject: string }[];
      captured = mail.filter((m) => m.subject.startsWith('cost ')).length;
      if (captured >= totalEmails || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    await meter.settled(4000, deadline);
    const seconds = (performance.now() - started) / 1000;
    meter.stop();
    if (captured < totalEmails)
      console.log(`\n  only ${captured}/${totalEmails} emails reached SES before the deadline`);
    printCost(meter, apiRequests, seconds);
  } finally {
    webhookReceiver.close();
    await runtime.stop();
  }
}

function printCost(meter: UsageMeter, apiRequests: number, seconds: number) {
  const memoryOf = new Map(lambdaFunctions().map((fn) => [fn.entry, fn.memoryMb]));
  const workerEntries = new Set<string>(Object.values(queues).map((queue) => queue.consumer.entry));
  let invocations = 0;
  let gbSeconds = 0;
  let pollerRequests = 0;
  for (const [entry, row] of meter.invocations) {
    invocations += row.count;
    gbSeconds += (row.billedMs / 1000) * ((memoryOf.get(entry) ?? 256) / 1024);
    // Lambda's SQS poller: one ReceiveMessage per batch it delivers, one DeleteMessageBatch after.
    if (workerEntries.has(entry)) pollerRequests += 2 * row.count;
  }
  // Every SES event is one SNS publish, delivered to the events queue by one SQS SendMessage.
  const snsPublishes = meter.invocations.get(queues.sesEvents.consumer.entry)?.records ?? 0;
  const sqsRequests = meter.count('SQS') + pollerRequests + snsPublishes;
  const rows = [
    ['API Gateway requests', apiRequests, awsPrices.apiGatewayRequest],
    ['Lambda invocations', invocations, awsPrices.lambdaRequest],
    ['Lambda GB-seconds (arm64)', gbSeconds, awsPrices.lambdaArmGbSecond],
    ['DynamoDB write units', meter.dynamo.writeUnits, awsPrices.dynamoWriteUnit],
    ['DynamoDB read units', meter.dynamo.readUnits, awsPrices.dynamoReadUnit],
    ['SQS requests', sqsRequests, awsPrices.sqsRequest],
    ['SNS publishes', snsPublishes, awsPrices.snsPublish],
    ['S3 PUT', meter.count('S3', 'PutObject'), awsPrices.s3Put],
    ['S3 GET', meter.count('S3', 'GetObject'), awsPrices.s3Get],
  ] as const;
  const per1000 = 1000 / totalEmails;
  console.log(
    `\nCost per 1,000 emails (${totalEmails} mixed: ${workload.single} API, ${workload.batch} batch, ${workload.smtp} SMTP; ${seconds.toFixed(0)} s; us-east-1 prices, SES fee aside)`,
  );
  console.log(`  ${'usage / 1,000 emails'.padStart(36)} ${'$ / 1,000 emails'.padStart(18)}`);
  let total = 0;
  for (const [name, usage, price] of rows) {
    const cost = usage * per1000 * price;
    total += cost;
    console.log(
      `  ${name.padEnd(26)} ${(usage * per1000).toFixed(2).padStart(9)} ${cost.toFixed(6).padStart(18)}`,
    );
  }
  const verdict = total <= budgetPer1000 ? 'within' : 'over';
  console.log(
    `  ${'total'.padEnd(26)} ${''.padStart(9)} ${total.toFixed(6).padStart(18)}  (${verdict} the $${budgetPer1000} budget)`,
  );
  console.log(
    `  fixed, per month whatever the volume: KMS key $${fixedMonthly.kmsKey.toFixed(2)}, $${fixedMonthly.alarm.toFixed(2)} per alarm, SMTP relay (when on) $${fixedMonthly.smtpRelay.toFixed(0)}`,
  );
  console.log('\n  per function: invocations, billed ms, records / 1,000 emails');
  for (const [entry, row] of [...meter.invocations].sort((a, b) => b[1].billedMs - a[1].billedMs)) {
    console.log(
      `    ${entry.padEnd(44)} ${(row.count * per1000).toFixed(1).padStart(7)} ${(row.billedMs * per1000).toFixed(0).padStart(9)} ms ${(row.records * per1000).toFixed(0).padStart(6)}`,
    );
  }
  printUsage(meter, totalEmails / 1000, 'per 1,000 emails', 0);
}
