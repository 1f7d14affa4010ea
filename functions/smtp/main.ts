/**
 * The SMTP relay's process on ECS Fargate: the bridge on 587 (STARTTLS) and 465
 * (implicit TLS) with the operator's certificate, and an HTTP health check for the load
 * balancer. SIGTERM drains: health turns 503, new connections are refused, and open
 * sessions get up to 30 seconds to finish.
 */
import { createServer } from 'node:http';
import { readEnv } from '#shared/env.ts';
import { logger } from '#shared/logger.ts';
import * as z from '#shared/zod.ts';
import { createSmtpBridge } from './smtp-bridge.ts';

const env = readEnv({
  SMTP_TLS_CERT: z.string().check(z.minLength(1)),
  SMTP_TLS_KEY: z.string().check(z.minLength(1)),
  SMTP_HOSTNAME: z.string().check(z.minLength(1)),
  HEALTH_PORT: z._default(z.coerce.number().check(z.int()), 8080),
});

const bridge = createSmtpBridge({
  key: env.SMTP_TLS_KEY,
  cert: env.SMTP_TLS_CERT,
  hostname: env.SMTP_HOSTNAME,
});
const ports = await bridge.listen({ starttls: 587, implicitTls: 465 }, '0.0.0.0');

let draining = false;
const health = createServer((request, response) => {
  const healthy = request.url === '/health' && !draining;
  response.writeHead(healthy ? 200 : 503, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ status: healthy ? 'ok' : 'draining' }));
});
health.listen(env.HEALTH_PORT, '0.0.0.0');
logger.info('SMTP relay listening', { ...ports, health: env.HEALTH_PORT });

process.on('SIGTERM', async () => {
  draining = true;
  logger.info('SIGTERM: draining SMTP sessions');
  await bridge.close();
  health.close();
  process.exit(0);
});
