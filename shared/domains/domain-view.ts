import type { DnsRecord } from '#shared/domains/dns-records.ts';
import type { DomainRecord } from '#shared/domains/domain-store.ts';
import type { createdDomainSchema, domainViewSchema } from '#shared/domains/domain-view-schema.ts';
import type * as z from '#shared/zod.ts';

/** The internationalised form, shown beside the punycode one only when they differ. */
function unicodeForm(domain: DomainRecord) {
  return domain.unicodeDomain === domain.domain ? {} : { domain_unicode: domain.unicodeDomain };
}

export function createdDomainView(domain: DomainRecord): z.infer<typeof createdDomainSchema> {
  return {
    id: domain.id,
    domain: domain.domain,
    ...unicodeForm(domain),
    status: domain.status,
    dkimTokens: domain.dkimTokens,
  };
}

export function domainView(domain: DomainRecord, records?: DnsRecord[]): z.infer<typeof domainViewSchema> {
  return {
    id: domain.id,
    object: 'domain',
    domain: domain.domain,
    ...unicodeForm(domain),
    status: domain.status,
    dkim_tokens: domain.dkimTokens,
    mail_from_domain: domain.mailFromDomain,
    open_tracking: domain.tracking?.opens ?? false,
    click_tracking: domain.tracking?.clicks ?? false,
    ...(records ? { dns_records: records } : {}),
    verified_at: domain.verifiedAt ?? null,
    created_at: domain.createdAt,
  };
}
