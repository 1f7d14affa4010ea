import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { FunctionDeployment } from './deployment.ts';
import { repositoryRoot } from './function-host.ts';
import { freePort } from './ports.ts';

export interface SmtpTask {
  ports: { starttls: number; implicitTls: number };
  stop: () => Promise<void>;
}

/**
 * The SMTP relay's task, locally: the container's own program (`functions/smtp/main.ts`)
 * in a worker thread with only the task's environment (as the stack synthesized it,
 * resolved by the caller) and its secrets, listening on 127.0.0.1. It is ready when its
 * health check answers, as the load balancer would see it.
 */
export async function startSmtpTask(
  deployment: FunctionDeployment,
  environment: Record<string, string>,
  secrets: Record<string, string>,
  /** Where to listen (chosen by the caller, which tells the API where the relay answers). */
  ports: { starttls: number; implicitTls: number },
): Promise<SmtpTask> {
  const missing = deployment.secrets.filter((name) => secrets[name] === undefined);
  if (missing.length > 0) throw new Error(`No local value for the SMTP task's secrets ${missing.join(', ')}`);
  const listen = { ...ports, health: await freePort() };
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
  return {
    ports: { starttls: listen.starttls, implicitTls: listen.implicitTls },
    stop: async () => {
      await worker.terminate();
    },
  };
}
