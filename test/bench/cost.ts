import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { queues } from '#shared/resources.ts';
import { startLocalRuntime } from '../../infra/local/runtime.ts';
import { awsPrices, fixedMonthly, observability } from './aws-prices.ts';
import { printHotKeys, printRoundTrips, sequentialRoundTrips } from './hot-keys.ts';
import { lambdaFunctions } from './lambda-bundles.ts';
import { machineLoad } from './machine-load.ts';
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
    // What the functions log, as deployed: the cost of log ingestion is measured.
    logLevel: observability.logLevel,
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
    // Keys of their own for the API and SMTP clients: each key's send window is 100 a minute.
    const newKeys = async (purpose: string) => {
      const secrets: string[] = [];
      for (let i = 0; i < workload.clients; i += 1) {
        const key = generateApiKey('live');
        await storeApiKey(project, key, { name: `cost bench ${purpose} ${i}`, scopes: ['full_access'] });
        secrets.push(key.secret);
      }
      return secrets;
    };
    const keys = await newKeys('api');
    const smtpKeys = await newKeys('smtp');
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

    /** Sends `single` API emails over the clients, `batches` batches of 100, `smtp` SMTP messages; numbered from `first`. */
    const run = async (first: number, single: number, batches: number, smtp: number) => {
      let next = first;
      await Promise.all(
        keys.map(async (key) => {
          for (let n = next++; n < first + single; n = next++) await post('/api/v1/emails', email(n), key);
        }),
      );
      for (let batch = 0; batch < batches; batch += 1) {
        const start = first + single + batch * 100;
        const rows = Array.from({ length: 100 }, (_, i) => {
          const { attachments: _large, ...row } = email(start + i);
          return row;
        });
        await post('/api/v1/emails/batch', { emails: rows });
      }
      const perConnection = smtp / workload.clients;
      await Promise.all(
        smtpKeys.map(async (password, connection) => {
          const client = smtpClient(runtime, password);
          for (let i = 0; i < perConnection; i += 1) {
            const n = first + single + batches * 100 + connection * perConnection + i;
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
    };
    const drained = async (expected: number, deadline: number) => {
      let captured = 0;
      for (;;) {
        const mail = (await (await fetch(`${runtime.sesUrl}/_local/mail`)).json()) as { subject: string }[];
        captured = mail.filter((m) => m.subject.startsWith('cost ')).length;
        if (captured >= expected || Date.now() > deadline) break;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      await meter.settled(4000, deadline);
      return captured;
    };

    // Warm-up: DynamoDB Local (a JVM) and every function JIT-compile their hot paths on
    // the first few hundred requests; AWS's services are always warm.
    console.log(`\n  warming up (${machineLoad()})`);
    const warmUp = { single: 200, batches: 1, smtp: 100 };
    await run(100_000, warmUp.single, warmUp.batches, warmUp.smtp);
    await drained(warmUp.single + warmUp.batches * 100 + warmUp.smtp, Date.now() + waitLimitMs);

    // The accept path's round trips: single sends one at a time, each request's AWS calls in waves.
    meter.reset();
    meter.trace = true;
    const waves: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      await post('/api/v1/emails', { ...email(200_000 + i), to: 'success@simulator.amazonses.com' });
      waves.push(sequentialRoundTrips(meter.traced, 'route:POST /api/v1/emails'));
      meter.traced.length = 0;
    }
    meter.trace = false;
    await drained(warmUp.single + warmUp.batches * 100 + warmUp.smtp + 5, Date.now() + waitLimitMs);

    meter.reset();
    apiRequests = 0;
    const loadBefore = machineLoad();
    const started = performance.now();
    await run(0, workload.single, workload.batch / 100, workload.smtp);
    // Drained: every email reached SES and every event, status and webhook ran.
    const before = warmUp.single + warmUp.batches * 100 + warmUp.smtp + 5;
    const captured = (await drained(before + totalEmails, Date.now() + waitLimitMs)) - before;
    const seconds = (performance.now() - started) / 1000;
    meter.stop();
    if (captured < totalEmails)
      console.log(`\n  only ${captured}/${totalEmails} emails reached SES before the deadline`);
    console.log(`\n  measured from ${loadBefore} to ${machineLoad()}`);
    printCost(meter, apiRequests, seconds);
    printHotKeys(meter, totalEmails);
    printRoundTrips(waves);
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
  let gbSecondsUpperBound = 0;
  let pollerRequests = 0;
  let logBytes = 0;
  for (const [entry, row] of meter.invocations) {
    invocations += row.count;
    const gb = (memoryOf.get(entry) ?? 256) / 1024;
    gbSeconds += (meter.busyMs(entry) / 1000) * gb;
    gbSecondsUpperBound += (row.billedMs / 1000) * gb;
    logBytes += row.logBytes + row.count * observability.platformLogBytesPerInvocation;
    // Lambda's SQS poller: a ReceiveMessage and a DeleteMessageBatch per 10 records (at least one each per batch).
    if (workerEntries.has(entry)) pollerRequests += 2 * Math.max(row.count, Math.ceil(row.records / 10));
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
    [
      observability.tracing ? 'X-Ray traces (5 % sampled)' : 'X-Ray traces (tracing off)',
      invocations * observability.tracedShare,
      awsPrices.xrayTrace,
    ],
    ['CloudWatch Logs GB in', logBytes / 1e9, awsPrices.logsIngestedGb],
  ] as const;
  const per1000 = 1000 / totalEmails;
  console.log(
    `\nCost per 1,000 emails (${totalEmails} mixed: ${workload.single} API, ${workload.batch} batch, ${workload.smtp} SMTP; ${seconds.toFixed(0)} s; us-east-1 prices, SES fee aside)`,
  );
  console.log(`  ${'usage / 1,000 emails'.padStart(39)} ${'$ / 1,000 emails'.padStart(15)}`);
  let total = 0;
  for (const [name, usage, price] of rows) {
    const cost = usage * per1000 * price;
    total += cost;
    console.log(
      `  ${name.padEnd(26)} ${(usage * per1000).toPrecision(6).padStart(12)} ${cost.toFixed(6).padStart(15)}`,
    );
  }
  const verdict = total <= budgetPer1000 ? 'within' : 'over';
  console.log(
    `  ${'total'.padEnd(26)} ${''.padStart(12)} ${total.toFixed(6).padStart(15)}  (${verdict} the $${budgetPer1000} budget)`,
  );
  // The floor: the API requests, plus one durable write and one queue message per email.
  const floor =
    apiRequests * per1000 * (awsPrices.apiGatewayRequest + awsPrices.lambdaRequest) +
    1000 * (awsPrices.dynamoWriteUnit + awsPrices.sqsRequest);
  console.log(
    `  ${(total / floor).toFixed(1)}× the physical floor of $${floor.toFixed(6)} (the API requests, one write unit and one queue message per email)`,
  );
  console.log(
    `  Lambda billed on the time each function was busy; the sum of invocation durations (concurrent ones overlap in one local environment) would be ${(gbSecondsUpperBound * per1000).toFixed(1)} GB-s, $${(gbSecondsUpperBound * per1000 * awsPrices.lambdaArmGbSecond).toFixed(6)}`,
  );
  if (!observability.tracing)
    console.log(
      `  with tracing on (-c tracing=on), X-Ray adds about $${(invocations * per1000 * 0.05 * awsPrices.xrayTrace).toFixed(6)}`,
    );
  console.log(
    `  fixed, per month whatever the volume: KMS key $${fixedMonthly.kmsKey.toFixed(2)}, signing-keys secret $${fixedMonthly.secret.toFixed(2)}, $${fixedMonthly.alarm.toFixed(2)} per alarm, SMTP relay (when on) $${fixedMonthly.smtpRelay.toFixed(0)}`,
  );
  console.log(
    '\n  per function, per 1,000 emails: invocations, busy ms (sum of durations), records, log bytes',
  );
  for (const [entry, row] of [...meter.invocations].sort((a, b) => b[1].billedMs - a[1].billedMs)) {
    console.log(
      `    ${entry.padEnd(44)} ${(row.count * per1000).toFixed(1).padStart(7)} ${(meter.busyMs(entry) * per1000).toFixed(0).padStart(7)} ms (${(row.billedMs * per1000).toFixed(0)}) ${(row.records * per1000).toFixed(0).padStart(6)} ${(row.logBytes * per1000).toFixed(0).padStart(8)} B`,
    );
  }
  printUsage(meter, totalEmails / 1000, 'per 1,000 emails', 0);
}
