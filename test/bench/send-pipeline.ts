import { startLocalRuntime } from '../../infra/local/runtime.ts';
import { machineLoad } from './machine-load.ts';
import { benchSmtpRelay, smtpBenchConnections } from './smtp-relay.ts';
import { meterPlatform, printUsage } from './usage-meter.ts';

/** Bounded: a fixed number of emails, and every wait has a deadline. */
const singleEmails = 300;
const batchRows = 300;
const concurrency = 10;
const waitLimitMs = 120_000;

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};
const ms = (value: number) => `${value.toFixed(1)} ms`;

/**
 * The send pipeline on this machine: emails/s accepted through the API (single and
 * batch), API latency, accept-to-captured latency (API answer → the local SES has the
 * message), and AWS requests per accepted email by function.
 */
export async function benchSendPipeline() {
  const runtime = await startLocalRuntime({
    apiPort: 0,
    ses: { verificationDelayMs: 0, outcomeDelayMs: 20, maxSendRate: 1000 },
    scheduleIntervalSeconds: 60,
    logLevel: 'ERROR',
  });
  try {
    const meter = meterPlatform(runtime.gateway);

    // One key per concurrent client, as separate backends would have: the per-key limit
    // (100 sends a minute by default) is not what this measures.
    const { generateApiKey } = await import('#shared/auth/api-keys.ts');
    const { getProject, storeApiKey } = await import('#shared/tenancy/tenancy-store.ts');
    const defaultProject = await getProject(runtime.credentials.projectId);
    const clientKeys: string[] = [];
    for (let i = 0; i < concurrency; i += 1) {
      const key = generateApiKey('live');
      if (defaultProject)
        await storeApiKey(defaultProject, key, { name: `bench ${i}`, scopes: ['full_access'] });
      clientKeys.push(key.secret);
    }
    const post = async (path: string, body: unknown, key = runtime.credentials.liveKey) => {
      const response = await fetch(`${runtime.apiUrl}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const domain = `bench-${Date.now()}.example.com`;
    const added = await post('/api/v1/domains', { domain });
    await post(`/api/v1/domains/${String(added.body.id)}/verify`, {});
    const email = (n: number, run: string) => ({
      from: `Bench <bench@${domain}>`,
      to: 'success@simulator.amazonses.com',
      subject: `${run} ${n}`,
      html: `<p>Benchmark email ${n}</p>`,
    });
    const captured = async (run: string) =>
      (
        (await (await fetch(`${runtime.sesUrl}/_local/mail`)).json()) as {
          subject: string;
          timestamp: string;
        }[]
      ).filter((mail) => mail.subject.startsWith(`${run} `));
    const waitForCapture = async (run: string, count: number) => {
      const deadline = Date.now() + waitLimitMs;
      for (;;) {
        const mail = await captured(run);
        if (mail.length >= count || Date.now() > deadline) return mail;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    };

    // Warm-up: DynamoDB Local (a JVM) and every function JIT-compile their hot paths on
    // the first hundred-odd requests; AWS's services are always warm.
    const warmUp = 100;
    let warming = 0;
    await Promise.all(
      clientKeys.map(async (key) => {
        for (let n = warming++; n < warmUp; n = warming++)
          await post('/api/v1/emails', email(n, 'warmup'), key);
      }),
    );
    await post('/api/v1/emails/batch', {
      emails: Array.from({ length: 100 }, (_, i) => email(warmUp + i, 'warmup')),
    });
    await waitForCapture('warmup', warmUp + 100);
    const loadBefore = machineLoad();

    // Single sends, `concurrency` at a time.
    meter.reset();
    meter.start();
    const run = `single-${Date.now()}`;
    const acceptedAt = new Map<string, number>();
    const apiLatency: number[] = [];
    let next = 0;
    const started = performance.now();
    await Promise.all(
      clientKeys.map(async (key) => {
        for (let n = next++; n < singleEmails; n = next++) {
          const sentAt = performance.now();
          const response = await post('/api/v1/emails', email(n, run), key);
          if (response.status !== 200) throw new Error(`send failed: ${JSON.stringify(response.body)}`);
          apiLatency.push(performance.now() - sentAt);
          acceptedAt.set(`${run} ${n}`, Date.now());
        }
      }),
    );
    const acceptSeconds = (performance.now() - started) / 1000;
    const mail = await waitForCapture(run, singleEmails);
    // Let the events of the last sends arrive, so their processing is counted too.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const toCapture = mail.map((m) => Date.parse(m.timestamp) - (acceptedAt.get(m.subject) ?? Number.NaN));
    meter.stop();

    // Batches of 100.
    const batchRun = `batch-${Date.now()}`;
    const batchStarted = performance.now();
    for (let start = 0; start < batchRows; start += 100) {
      const rows = Array.from({ length: 100 }, (_, i) => email(start + i, batchRun));
      const response = await post('/api/v1/emails/batch', { emails: rows });
      if (response.body.sent !== 100)
        throw new Error(`batch failed: ${JSON.stringify(response.body).slice(0, 300)}`);
    }
    const batchSeconds = (performance.now() - batchStarted) / 1000;
    const batchMail = await waitForCapture(batchRun, batchRows);

    console.log(
      `\nSend pipeline (local runtime, this machine; measured from ${loadBefore} to ${machineLoad()})`,
    );
    console.log(
      `  single sends    ${(singleEmails / acceptSeconds).toFixed(0)} emails/s accepted (${singleEmails} emails, ${concurrency} at a time)`,
    );
    console.log(
      `  API latency     p50 ${ms(percentile(apiLatency, 50))}, p99 ${ms(percentile(apiLatency, 99))}`,
    );
    console.log(
      `  accept→captured p50 ${ms(percentile(toCapture, 50))}, p99 ${ms(percentile(toCapture, 99))} (${mail.length}/${singleEmails} captured)`,
    );
    console.log(
      `  batch sends     ${(batchRows / batchSeconds).toFixed(0)} emails/s accepted (${batchRows / 100} batches of 100; ${batchMail.length}/${batchRows} captured)`,
    );
    printUsage(meter, singleEmails, 'per accepted single email', 2);
    const { createProject } = await import('#shared/tenancy/tenancy-store.ts');
    const project = await createProject(runtime.credentials.accountId, 'SMTP bench');
    const keys: string[] = [];
    for (let i = 0; i < smtpBenchConnections; i += 1) {
      const key = generateApiKey('test');
      await storeApiKey(project, key, { name: 'bench', scopes: ['sending_access'] });
      keys.push(key.secret);
    }
    await benchSmtpRelay(runtime, keys);
  } finally {
    await runtime.stop();
  }
}
