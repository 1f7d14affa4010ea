/**
 * `npm start`: the whole platform on this machine. `npm start -- --reset` wipes the
 * local data (`.mailroom/`) first. Ctrl-C stops every server and child process.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { repositoryRoot } from './function-host.ts';
import { startLocalRuntime } from './runtime.ts';

const { values } = parseArgs({ options: { reset: { type: 'boolean', default: false } } });
const dataDir = join(repositoryRoot, '.mailroom');
if (values.reset) {
  rmSync(dataDir, { recursive: true, force: true });
  console.log('Local data wiped (.mailroom/).');
}

const started = performance.now();
const apiPort = Number(process.env.PORT ?? 3000);
const runtime = await startLocalRuntime({
  dataDir,
  apiPort,
  // Fixed ports next to the API, so SDKs and tools can be pointed at the stand-ins.
  servicePorts: { ses: apiPort + 1, messaging: apiPort + 2, dynamodb: apiPort + 3, gateway: apiPort + 4 },
  smtpPorts: { starttls: 2587, implicitTls: 2465 },
  logLevel: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
}).catch((error: unknown) => {
  console.error(`Mailroom could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

const { apiUrl, viewerUrl, credentials, env, sandboxDomain } = runtime;
// Keys, URLs and the stand-ins' environment, for curl, the SDKs and the `mailroom` CLI.
writeFileSync(
  join(dataDir, 'local.json'),
  `${JSON.stringify({ ...credentials, apiUrl, viewerUrl, sandboxDomain, env }, null, 2)}\n`,
  { mode: 0o600 },
);
console.log(`
Mailroom is running locally (started in ${Math.round(performance.now() - started)} ms).

  Console      ${apiUrl}/ (signed in with the live key)
  API          ${apiUrl}/api/v1
  Mail viewer  ${viewerUrl}
  Live key     ${credentials.liveKey}
  Test key     ${credentials.testKey}
  SMTP relay   localhost:${runtime.smtp.starttls} (STARTTLS) and :${runtime.smtp.implicitTls} (TLS); user anything, password an API key
  Sandbox from ${sandboxDomain} (any project, 100 emails a day)
  Stand-ins    DynamoDB ${env.AWS_ENDPOINT_URL_DYNAMODB} · SQS/SNS/S3 ${env.AWS_ENDPOINT_URL_SQS} · SES ${env.AWS_ENDPOINT_URL_SESV2}
  IAM gateway  ${runtime.gateway.endpoint} (every function's AWS calls, checked against its synthesized policy)

Keys and URLs are saved in .mailroom/local.json. Try:

  curl -s ${apiUrl}/api/v1/emails \\
    -H "Authorization: Bearer ${credentials.liveKey}" \\
    -H "Content-Type: application/json" \\
    -d '{"from":"Mailroom <hello@${sandboxDomain}>","to":"success@simulator.amazonses.com","subject":"Hello","html":"<p>It works.</p>"}'

Press Ctrl-C to stop.
`);

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  console.log('\nStopping Mailroom…');
  await runtime.stop();
  process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
