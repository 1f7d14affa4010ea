import type { DomainRecord } from '#shared/domains/domain-store.ts';

/** One record to publish, with SES's verdict on it where SES gives one. */
export interface DnsRecord {
  type: 'CNAME' | 'TXT' | 'MX';
  name: string;
  value: string;
  priority?: number;
  purpose: string;
  status?: RecordStatus;
  note?: string;
}

export type RecordStatus = 'pending' | 'verified' | 'failed' | 'temporary_failure' | 'not_started';

/** What SES said about the identity, when it was asked. */
export interface SesVerdict {
  dkimStatus?: string;
  mailFromStatus?: string;
}

/** SES's status words (`SUCCESS`, `PENDING`…) in the API's vocabulary. */
export function recordStatus(sesStatus: string | undefined): RecordStatus | undefined {
  switch (sesStatus) {
    case 'SUCCESS':
      return 'verified';
    case 'PENDING':
      return 'pending';
    case 'FAILED':
      return 'failed';
    case 'TEMPORARY_FAILURE':
      return 'temporary_failure';
    case 'NOT_STARTED':
      return 'not_started';
    default:
      return undefined;
  }
}

const spf = 'v=spf1 include:amazonses.com ~all';

/**
 * The records that make a domain send well through SES (what SES asks for, plus
 * the custom MAIL FROM): three Easy-DKIM CNAMEs, SPF and DMARC on the
 * domain, and MX + SPF on the MAIL FROM subdomain so bounces and SPF align with it.
 */
export function dnsRecords(domain: DomainRecord, region: string, verdict: SesVerdict = {}): DnsRecord[] {
  const dkimStatus = recordStatus(verdict.dkimStatus);
  const mailFromStatus = recordStatus(verdict.mailFromStatus);
  const withStatus = (status: RecordStatus | undefined) => (status ? { status } : {});
  return [
    ...domain.dkimTokens.map((token, index) => ({
      type: 'CNAME' as const,
      name: `${token}._domainkey.${domain.domain}`,
      value: `${token}.dkim.amazonses.com`,
      purpose: `DKIM (${index + 1}/3)`,
      ...withStatus(dkimStatus),
    })),
    { type: 'TXT', name: domain.domain, value: spf, purpose: 'SPF' },
    {
      type: 'TXT',
      name: `_dmarc.${domain.domain}`,
      value: `v=DMARC1; p=none; rua=mailto:postmaster@${domain.domain}`,
      purpose: 'DMARC',
      note: 'p=none only reports. Once the reports show your mail passing, tighten to p=quarantine, then p=reject.',
    },
    {
      type: 'MX',
      name: domain.mailFromDomain,
      value: `feedback-smtp.${region}.amazonses.com`,
      priority: 10,
      purpose: 'MAIL FROM (bounces)',
      ...withStatus(mailFromStatus),
    },
    {
      type: 'TXT',
      name: domain.mailFromDomain,
      value: spf,
      purpose: 'MAIL FROM SPF',
      ...withStatus(mailFromStatus),
    },
  ];
}
