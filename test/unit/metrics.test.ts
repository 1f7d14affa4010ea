import { afterEach, describe, expect, it, vi } from 'vitest';

describe('email metrics', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
    vi.resetModules();
  });

  it('are written as one Embedded Metric Format line in the Mailroom namespace', async () => {
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    vi.resetModules();
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    const { countEmails, flushMetrics } = await import('#shared/metrics.ts');
    countEmails('EmailsAccepted', 3);
    countEmails('EmailsAccepted', 0);
    countEmails('EmailsSent');
    flushMetrics();
    flushMetrics(); // nothing left: no second line, no warning
    const emf = lines.map((line) => JSON.parse(line));
    expect(emf).toHaveLength(1);
    expect(emf[0]).toMatchObject({ EmailsAccepted: 3, EmailsSent: 1, service: 'mailroom' });
    expect(emf[0]._aws.CloudWatchMetrics[0]).toMatchObject({
      Namespace: 'Mailroom',
      Metrics: expect.arrayContaining([{ Name: 'EmailsAccepted', Unit: 'Count' }]),
    });
  });
});
