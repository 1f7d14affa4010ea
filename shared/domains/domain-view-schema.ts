import type { DnsRecord } from '#shared/domains/dns-records.ts';
import * as z from '#shared/zod.ts';

const domainStatus = z.enum(['pending', 'verified', 'failed']);

/** One DNS record to publish, with SES's verdict on it where SES gives one. */
export const dnsRecordSchema = z.strictObject({
  type: z.enum(['CNAME', 'TXT', 'MX']),
  name: z.string(),
  value: z.string(),
  priority: z.optional(z.number()),
  purpose: z.string(),
  status: z.optional(z.enum(['pending', 'verified', 'failed', 'temporary_failure', 'not_started'])),
  note: z.optional(z.string()),
}) satisfies z.ZodMiniType<DnsRecord>;

/** `POST /api/v1/domains`: the creation answer, with the three DKIM tokens to publish. */
export const createdDomainSchema = z.strictObject({
  id: z.string(),
  domain: z.string(),
  /** The internationalised form, only when it differs from the punycode one. */
  domain_unicode: z.optional(z.string()),
  status: domainStatus,
  dkimTokens: z.array(z.string()),
});

/** A domain as lists and reads show it, with `dns_records` on a read of one. */
export const domainViewSchema = z.strictObject({
  id: z.string(),
  object: z.literal('domain'),
  domain: z.string(),
  domain_unicode: z.optional(z.string()),
  status: domainStatus,
  dkim_tokens: z.array(z.string()),
  mail_from_domain: z.string(),
  open_tracking: z.boolean(),
  click_tracking: z.boolean(),
  dns_records: z.optional(z.array(dnsRecordSchema)),
  verified_at: z.nullable(z.string()),
  created_at: z.string(),
});
