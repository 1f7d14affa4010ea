import { SESv2Client } from '@aws-sdk/client-sesv2';
import { capabilityEnv } from '#shared/env.ts';
import * as z from '#shared/zod.ts';

const env = capabilityEnv(['ses:send', 'ses:identities'], {
  SES_CONFIGURATION_SET: z.string().check(z.minLength(1)),
});

/**
 * The configuration set every email is sent through (and every new identity joins), so
 * its events come back to us. Functions that send or manage identities carry it.
 */
export function configurationSetName(): string {
  return env().SES_CONFIGURATION_SET;
}

/**
 * One SES v2 client per process (`AWS_ENDPOINT_URL_SESV2` points it at the local SES).
 * Throttling is handled by the sender, which returns the message to its queue, so the
 * SDK's own retries are kept to one attempt to stop them multiplying against SES's rate.
 * Both clients are marked pure: a bundle whose code never calls SES leaves them, and the
 * SDK package, out (building a client has no effect anything relies on).
 */
export const ses = /* @__PURE__ */ new SESv2Client({ maxAttempts: 1 });

/**
 * For reads that are safe to repeat (GetAccount): the SDK's standard retries, so a
 * connection dropped on the way does not fail a send for a whole visibility timeout.
 */
export const sesReads = /* @__PURE__ */ new SESv2Client({});
