/**
 * The SMTP relay's process on ECS Fargate: the bridge on 587 (STARTTLS) and 465
 * (implicit TLS) with the operator's certificate, behind a load balancer that names each
 * client in a PROXY protocol header, and an HTTP health check for that load balancer.
 * SIGTERM drains: health turns 503, new connections are refused, and open sessions get up
 * to 30 seconds to finish.
 */
import { createServer } from 'node:http';
import { maxMessageBytes } from '#shared/emails/attachments.ts';
import { readEnv } from '#shared/env.ts';
import { logger } from '#shared/logger.ts';
import * as z from '#shared/zod.ts';
import { relayBufferBudget } from './message-buffer.ts';
import { acceptingProxyHeader } from './session-listener.ts';
import { createSmtpBridge } from './smtp-bridge.ts';

const env = readEnv({
  SMTP_TLS_CERT: z.string().check(z.minLength(1)),
  SMTP_TLS_KEY: z.string().check(z.minLength(1)),
  SMTP_HOSTNAME: z.string().check(z.minLength(1)),
  // The container's ports (the load balancer's listeners); the local runtime picks its own.
  SMTP_LISTEN_STARTTLS: z._default(z.coerce.number().check(z.int()), 587),
  SMTP_LISTEN_TLS: z._default(z.coerce.number().check(z.int()), 465),
  HEALTH_PORT: z._default(z.coerce.number().check(z.int()), 8080),
  LISTEN_ADDRESS: z._default(z.string(), '0.0.0.0'),
  // `v2` where the load balancer writes a PROXY protocol v2 header naming each client; off, nothing is taken from clients on trust.
  SMTP_PROXY_PROTOCOL: z._default(z.enum(['off', 'v2']), 'off'),
  // The task's memory, which sizes how many bytes of messages the relay holds at once.
  SMTP_TASK_MEMORY_MIB: z.coerce.number().check(z.int(), z.positive()),
});

const bridge = createSmtpBridge({
  key: env.SMTP_TLS_KEY,
  cert: env.SMTP_TLS_CERT,
  hostname: env.SMTP_HOSTNAME,
  proxyProtocol: env.SMTP_PROXY_PROTOCOL === 'v2',
  bufferBudgetBytes: relayBufferBudget(env.SMTP_TASK_MEMORY_MIB, maxMessageBytes),
});
const ports = await bridge.listen(
  { starttls: env.SMTP_LISTEN_STARTTLS, implicitTls: env.SMTP_LISTEN_TLS },
  env.LISTEN_ADDRESS,
);

let draining = false;
const health = createServer((request, response) => {
  const healthy = request.url === '/health' && !draining;
  response.writeHead(healthy ? 200 : 503, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ status: healthy ? 'ok' : 'draining' }));
});
// The load balancer's health checks may start with a PROXY header once its target groups write one.
const healthListener = acceptingProxyHeader(health, 10_000);
healthListener.listen(env.HEALTH_PORT, env.LISTEN_ADDRESS);
logger.info('SMTP relay listening', { ...ports, health: env.HEALTH_PORT });

process.on('SIGTERM', async () => {
  draining = true;
  logger.info('SIGTERM: draining SMTP sessions');
  await bridge.close();
  healthListener.close();
  process.exit(0);
});
