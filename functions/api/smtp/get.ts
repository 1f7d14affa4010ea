import { routeOf } from '#functions/api/route-of.ts';
import { capabilityEnv } from '#shared/env.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import * as z from '#shared/zod.ts';

const smtpEndpoint = capabilityEnv('settings:smtpEndpoint', {
  SMTP_HOST: z.optional(z.string()),
  SMTP_PORT_STARTTLS: z._default(z.coerce.number().check(z.int()), 587),
  SMTP_PORT_TLS: z._default(z.coerce.number().check(z.int()), 465),
});

/** `GET /api/v1/smtp`: how to connect to the SMTP relay (Sendry's `smtp info`); any valid key. */
export const handler = apiHandler({ route: routeOf('GET /api/v1/smtp') }, async () => {
  const env = smtpEndpoint();
  if (!env.SMTP_HOST) return { body: { enabled: false } };
  return {
    body: {
      enabled: true,
      host: env.SMTP_HOST,
      // Sendry's single `port` (the submission port), beside both ports by name.
      port: env.SMTP_PORT_STARTTLS,
      ports: { starttls: env.SMTP_PORT_STARTTLS, implicit_tls: env.SMTP_PORT_TLS },
      tls: 'required: STARTTLS on the first port, TLS from the first byte on the second',
      auth: {
        methods: ['PLAIN', 'LOGIN'],
        username: '(any value)',
        password: 'an API key with sending_access (or emails.send)',
      },
      limits: { max_message_bytes: 40 * 1024 * 1024, max_recipients: 50 },
    },
  };
});
