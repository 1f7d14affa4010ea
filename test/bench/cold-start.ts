import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { LocalRuntime } from '../../infra/local/runtime.ts';
import type { LambdaBundle } from './lambda-bundles.ts';
import { machineLoad } from './machine-load.ts';

const run = promisify(execFile);
const probe = join(import.meta.dirname, 'cold-start-probe.ts');
/** An id no table holds: routes with `{id}` answer 404 after authenticating and reading. */
const unknownId = '01JBENCHC0LDSTART000000000';

export interface ColdStart {
  loadMs: number;
  firstEventMs: number;
  /** The first event failed in some run (threw or answered 5xx): its figures say nothing. */
  failed: boolean;
}

function apiEvent(name: string, key: string, body: unknown) {
  const [method = 'GET', path = '/'] = name.split(' ');
  const rawPath = path.replace(/\{(\w+)\+?\}/g, unknownId);
  const params = Object.fromEntries(
    [...path.matchAll(/\{(\w+)\+?\}/g)].map((match) => [match[1], unknownId]),
  );
  return {
    version: '2.0',
    routeKey: name,
    rawPath,
    rawQueryString: '',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', host: 'bench.local' },
    pathParameters: Object.keys(params).length > 0 ? params : undefined,
    requestContext: {
      accountId: '000000000000',
      apiId: 'bench',
      domainName: 'bench.local',
      domainPrefix: 'bench',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'bench' },
      requestId: 'cold-start',
      routeKey: name,
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    isBase64Encoded: false,
  };
}

const sqsEvent = (body: unknown) => ({
  Records: [
    {
      messageId: 'cold-start',
      receiptHandle: 'cold-start',
      body: JSON.stringify(body),
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: String(Date.now()),
        SenderId: 'bench',
        ApproximateFirstReceiveTimestamp: String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:bench',
      awsRegion: 'us-east-1',
    },
  ],
});

/**
 * The first event each function gets: the sending routes a real email from the
 * sandbox domain, other routes an authenticated request (unknown ids → 404, bodies
 * they reject → 400: the key, the table and the validation all run), the workers a
 * record about an email that does not exist, the scheduled jobs their tick.
 */
function firstEvent(bundle: LambdaBundle, runtime: LocalRuntime) {
  if (bundle.kind === 'baseline') return {};
  const email = {
    from: `Cold start <bench@${runtime.sandboxDomain}>`,
    to: 'success@simulator.amazonses.com',
    subject: 'Cold start',
    html: '<p>Cold start</p>',
  };
  if (bundle.kind === 'api') {
    const body =
      bundle.name === 'POST /api/v1/emails'
        ? email
        : bundle.name === 'POST /api/v1/emails/batch'
          ? { emails: [email, email] }
          : bundle.name.startsWith('POST') || bundle.name.startsWith('PUT') || bundle.name.startsWith('PATCH')
            ? {}
            : undefined;
    return apiEvent(bundle.name, runtime.credentials.liveKey, body);
  }
  if (bundle.kind === 'scheduled') {
    return {
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      time: new Date().toISOString(),
      detail: {},
    };
  }
  if (bundle.entry.endsWith('ses-events.ts')) {
    const message = {
      eventType: 'Delivery',
      mail: {
        messageId: 'cold-start-unknown',
        timestamp: new Date().toISOString(),
        destination: [],
        tags: {},
      },
      delivery: { timestamp: new Date().toISOString(), recipients: ['success@simulator.amazonses.com'] },
    };
    return sqsEvent({ Type: 'Notification', MessageId: 'cold-start', Message: JSON.stringify(message) });
  }
  return sqsEvent({ emailId: unknownId, webhookId: unknownId, deliveryId: unknownId });
}

/**
 * AWS's services are always warm; DynamoDB Local (a JVM) and the other stand-ins are not
 * at first. A few sends through the running platform first, so the figures measure the
 * function, not the stand-ins' warm-up.
 */
async function warmLocalServices(runtime: LocalRuntime) {
  for (let i = 0; i < 10; i += 1) {
    await fetch(`${runtime.apiUrl}/api/v1/emails`, {
      method: 'POST',
      headers: { authorization: `Bearer ${runtime.credentials.liveKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        from: `bench@${runtime.sandboxDomain}`,
        to: 'success@simulator.amazonses.com',
        subject: 'warm-up',
        text: 'x',
      }),
    });
  }
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

/**
 * Cold starts, locally: for each bundle, `runs` fresh Node processes each import the
 * bundle and serve its first event against the running local services. The time to
 * start Node itself is not counted (Lambda's runtime is up before the handler loads).
 */
export async function measureColdStarts(bundles: LambdaBundle[], runtime: LocalRuntime, runs: number) {
  await warmLocalServices(runtime);
  // The baseline's own queue, which no worker consumes (the runtime set this process's
  // endpoints). The stand-in names it on a host of its own: its path on the endpoint reaches it.
  const { QueueUrl = '' } = await new SQSClient({}).send(
    new CreateQueueCommand({ QueueName: 'mailroom-bench-baseline' }),
  );
  const baselineQueueUrl = new URL(new URL(QueueUrl).pathname, runtime.env.AWS_ENDPOINT_URL_SQS).href;
  const results = new Map<string, ColdStart>();
  for (const bundle of bundles) {
    const samples: ColdStart[] = [];
    for (let i = 0; i < runs; i += 1) {
      const { stdout } = await run(
        process.execPath,
        [probe, bundle.file, JSON.stringify(firstEvent(bundle, runtime))],
        {
          env: {
            ...process.env,
            ...runtime.env,
            BASELINE_QUEUE_URL: baselineQueueUrl,
            POWERTOOLS_LOG_LEVEL: 'ERROR',
            AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(bundle.memoryMb),
          },
          timeout: 30_000,
        },
      );
      samples.push(JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as ColdStart);
    }
    results.set(bundle.name, {
      loadMs: median(samples.map((sample) => sample.loadMs)),
      firstEventMs: median(samples.map((sample) => sample.firstEventMs)),
      failed: samples.some((sample) => sample.failed),
    });
  }
  return results;
}

/** What `POST /api/v1/emails` may take, load and first event together, as a multiple of the baseline's. */
export const sendColdStartTargetRatio = 1.5;

/**
 * Prints each function's load, first event and total, and the total as a ratio to the
 * baseline's total in the same run (`baselineName`), so machines of any speed compare,
 * with the machine's load averages (other work skews the figures).
 */
export function printColdStarts(results: Map<string, ColdStart>, runs: number, baselineName: string) {
  const baseline = results.get(baselineName);
  const baselineMs = baseline ? baseline.loadMs + baseline.firstEventMs : Number.NaN;
  console.log(
    `\nCold starts (fresh Node ${process.versions.node} process per run, p50 of ${runs} runs; ratio = total / the baseline's ${baselineMs.toFixed(0)} ms; target ≤ ${sendColdStartTargetRatio}× for POST /api/v1/emails; ${machineLoad()} at the end of the run)`,
  );
  console.log(
    `  ${'load'.padStart(8)} ${'1st event'.padStart(10)} ${'total'.padStart(8)} ${'ratio'.padStart(6)}  function`,
  );
  for (const [name, { loadMs, firstEventMs, failed }] of results) {
    const total = loadMs + firstEventMs;
    const ratio = total / baselineMs;
    const over =
      name === 'POST /api/v1/emails' && ratio > sendColdStartTargetRatio ? '  over the target' : '';
    const broken = failed ? '  FIRST EVENT FAILED' : '';
    console.log(
      `  ${loadMs.toFixed(0).padStart(5)} ms ${firstEventMs.toFixed(0).padStart(7)} ms ${total.toFixed(0).padStart(5)} ms ${ratio.toFixed(2).padStart(5)}×  ${name}${over}${broken}`,
    );
  }
}
