import { publicHandler } from '#shared/http/public-handler.ts';
import { version } from '#shared/version.ts';

/** `GET /health`: liveness for load balancers and uptime checks. */
export const handler = publicHandler(async () => ({ body: { status: 'ok', version } }));
