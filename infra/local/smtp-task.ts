import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { FunctionDeployment } from './deployment.ts';
import { repositoryRoot } from './function-host.ts';
import { freePort } from './ports.ts';
import { startProxyFront } from './proxy-front.ts';

export interface SmtpTask {
  ports: { starttls: number; implicitTls: number };
  stop: () => Promise<void>;
}

/**
 * The SMTP relay's task, locally: the container's own program (`functions/smtp/main.ts`)
 * in a worker thread with only the task's environment (as the stack synthesized it,
 * resolved by the caller) and its secrets, listening on 127.0.0.1 behind a stand-in for
 * the load balancer on `ports` (see `proxy-front.ts`), which writes the PROXY header
 * where the synthesized target group does. It is ready when its health check answers, as
 * the load balancer would see it.
 */
export async function startSmtpTask(
  deployment: FunctionDeployment,
  environment: Record<string, string>,
  secrets: Record<string, string>,
  /** Where clients connect (chosen by the caller, which tells the API where the relay answers). */
  ports: { starttls: number; implicitTls: number },
  /** Whether the load balancer writes a PROXY protocol v2 header, per port (the synthesized target groups' setting). */
  proxyProtocol: { starttls: boolean; implicitTls: boolean },
): Promise<SmtpTask> {
  const missing = deployment.secrets.filter((name) => secrets[name] === undefined);
  if (missing.length > 0) throw new Error(`No local value for the SMTP task's secrets ${missing.join(', ')}`);
  const listen = { starttls: await freePort(), implicitTls: await freePort(), health: await freePort() };
  const worker = new Worker(pathToFileURL(join(repositoryRoot, deployment.definition.entry)), {
    name: deployment.definition.id,
    env: {
      ...environment,
      ...Object.fromEntries(deployment.secrets.map((name) => [name, secrets[name] as string])),
      // The container's port mappings.
      SMTP_LISTEN_STARTTLS: String(listen.starttls),
      SMTP_LISTEN_TLS: String(listen.implicitTls),
      HEALTH_PORT: String(listen.health),
      LISTEN_ADDRESS: '127.0.0.1',
    },
  });
  const exited = new Promise<never>((_, reject) => {
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the SMTP task exited (${code})`)));
  });
  exited.catch(() => undefined);
  const healthy = async () => {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const answer = await fetch(`http://127.0.0.1:${listen.health}/health`).catch(() => undefined);
      if (answer?.ok) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('the SMTP task did not become healthy within 30 s');
  };
  await Promise.race([healthy(), exited]);
  const fronts = await Promise.all(
    (['starttls', 'implicitTls'] as const).map((name) =>
      startProxyFront(ports[name], { host: '127.0.0.1', port: listen[name] }, proxyProtocol[name]),
    ),
  );
  return {
    ports: { starttls: fronts[0]?.port ?? 0, implicitTls: fronts[1]?.port ?? 0 },
    stop: async () => {
      await Promise.all(fronts.map((front) => front.stop()));
      await worker.terminate();
    },
  };
}
