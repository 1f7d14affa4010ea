import { describe, expect, it } from 'vitest';
import { dnsRecords, recordStatus } from '#shared/domains/dns-records.ts';
import { domainAndParents, parseDomainName } from '#shared/domains/domain-name.ts';
import type { DomainRecord } from '#shared/domains/domain-store.ts';

describe('domain names', () => {
  it('folds case and turns internationalised names into punycode, keeping both forms', () => {
    expect(parseDomainName(' Example.COM ')).toEqual({ ascii: 'example.com', unicode: 'example.com' });
    expect(parseDomainName('Bücher.de')).toEqual({ ascii: 'xn--bcher-kva.de', unicode: 'bücher.de' });
    expect(parseDomainName('xn--bcher-kva.de')).toEqual({ ascii: 'xn--bcher-kva.de', unicode: 'bücher.de' });
  });

  it.each([
    ['localhost', /localhost/],
    ['mail.localhost', /localhost/],
    ['10.0.0.1', /IP address/],
    ['0x7f.1', /IP address/],
    ['::1', /IP address/],
    ['[::1]', /IP address/],
    ['example.com.', /dot/],
    [`${'a'.repeat(64)}.com`, /63/],
    [`${'a.'.repeat(127)}com`, /253/],
    ['com', /two labels/],
    ['-lead.com', /valid/],
    ['under_score.com', /valid/],
    ['user@example.com', /bare domain/],
    ['', /empty/],
  ])('refuses %s', (input, problem) => {
    const parsed = parseDomainName(input);
    expect('problem' in parsed && parsed.problem).toMatch(problem);
  });

  it('lists a domain and its parents, never a bare TLD', () => {
    expect(domainAndParents('a.b.example.com')).toEqual(['a.b.example.com', 'b.example.com', 'example.com']);
    expect(domainAndParents('example.com')).toEqual(['example.com']);
  });
});

describe('DNS records', () => {
  const domain: DomainRecord = {
    id: 'dom_1',
    projectId: 'prj_1',
    accountId: 'acc_1',
    domain: 'example.com',
    unicodeDomain: 'example.com',
    status: 'pending',
    dkimTokens: ['t1', 't2', 't3'],
    mailFromDomain: 'mail.example.com',
    createdAt: '2026-11-22T00:00:00.000Z',
  };

  it('gives the three DKIM CNAMEs, SPF, DMARC and the MAIL FROM MX and SPF', () => {
    const records = dnsRecords(domain, 'eu-west-1', { dkimStatus: 'SUCCESS', mailFromStatus: 'PENDING' });
    expect(records.map(({ type, name, value }) => [type, name, value])).toEqual([
      ['CNAME', 't1._domainkey.example.com', 't1.dkim.amazonses.com'],
      ['CNAME', 't2._domainkey.example.com', 't2.dkim.amazonses.com'],
      ['CNAME', 't3._domainkey.example.com', 't3.dkim.amazonses.com'],
      ['TXT', 'example.com', 'v=spf1 include:amazonses.com ~all'],
      ['TXT', '_dmarc.example.com', 'v=DMARC1; p=none; rua=mailto:postmaster@example.com'],
      ['MX', 'mail.example.com', 'feedback-smtp.eu-west-1.amazonses.com'],
      ['TXT', 'mail.example.com', 'v=spf1 include:amazonses.com ~all'],
    ]);
    expect(records.map((record) => record.status)).toEqual([
      'verified',
      'verified',
      'verified',
      undefined,
      undefined,
      'pending',
      'pending',
    ]);
    expect(records[5]?.priority).toBe(10);
  });

  it("maps SES's status words", () => {
    expect(recordStatus('TEMPORARY_FAILURE')).toBe('temporary_failure');
    expect(recordStatus('FAILED')).toBe('failed');
    expect(recordStatus(undefined)).toBeUndefined();
  });
});
