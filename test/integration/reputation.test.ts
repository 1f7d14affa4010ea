import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { repositoryRoot } from '../../infra/local/function-host.ts';
import { api, eventually, otherProjectKey, useLocalAws, verifiedDomain } from './support.ts';

const env = useLocalAws();

/** Runs the operator's CLI against the local platform, as an operator would. */
async function mailroom(...args: string[]) {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['infra/cli/mailroom.ts', ...args, '--json'],
    {
      cwd: repositoryRoot,
      env: { ...process.env, ...env, POWERTOOLS_LOG_LEVEL: 'ERROR' },
    },
  );
  return JSON.parse(stdout);
}

it('flags an account at a 2 % bounce rate, holds its queued mail, refuses changes, and releases it on restore', async () => {
  const { key, project } = await otherProjectKey();
  const accountId = project.accountId;
  await mailroom('accounts', 'reputation', 'set', accountId, '--minimum-sends', '50');
  const { domain } = await verifiedDomain(key);
  const from = `rep@${domain}`;
  const email = (to: string, extra: Record<string, unknown> = {}) => ({
    from,
    to,
    subject: 'Reputation',
    text: 'x',
    ...extra,
  });

  // 49 good sends first, so the window holds them all when the bounce is judged.
  const good = await api('POST', '/api/v1/emails/batch', {
    key,
    body: { emails: Array.from({ length: 49 }, () => email('success@simulator.amazonses.com')) },
  });
  expect(good.body.sent).toBe(49);
  for (const row of good.body.data) {
    await eventually(
      () => api('GET', `/api/v1/emails/${row.id}`, { key }),
      (read) => read.body.email.status === 'delivered',
    );
  }
  // Mail that will reach the sender after the account is flagged.
  const later = await api('POST', '/api/v1/emails', {
    key,
    body: email('success@simulator.amazonses.com', {
      scheduled_at: new Date(Date.now() + 12_000).toISOString(),
    }),
  });
  expect(later.body.status).toBe('scheduled');

  await api('POST', '/api/v1/emails', { key, body: email('bounce@simulator.amazonses.com') });
  const shown = await eventually(
    () => mailroom('accounts', 'show', accountId),
    (account) => account.status === 'flagged',
  );
  expect(shown.statusReason).toMatch(/bounce rate/);
  expect(shown.history[0]).toMatchObject({ from: 'active', to: 'flagged', by: 'reputation' });
  expect(shown.history[0].figures).toMatchObject({ sends: 50, bounces: 1 });

  const refused = await eventually(
    () => api('POST', '/api/v1/emails', { key, body: email('success@simulator.amazonses.com') }),
    (response) => response.status === 403,
  );
  expect(refused.body).toMatchObject({ code: 'account_flagged', accountStatus: 'flagged' });
  expect((await api('GET', '/api/v1/stats', { key })).body.accountStatus).toBe('flagged');

  // The scheduled email comes due while flagged: held, neither sent nor dropped.
  const held = await eventually(
    () => api('GET', `/api/v1/emails/${later.body.id}`, { key }),
    (read) => read.body.email.heldAt !== undefined,
    30_000,
  );
  expect(held.body.email.status).toBe('scheduled');

  const restored = await mailroom(
    'accounts',
    'status',
    'set',
    accountId,
    'active',
    '--reason',
    'opt-ins reviewed',
  );
  // At least the scheduled one: sends accepted while the API's 5-second status cache still
  // said active were queued, then held too.
  expect(restored).toMatchObject({ from: 'flagged', status: 'active' });
  expect(restored.releasedEmails).toBeGreaterThanOrEqual(1);
  await eventually(
    () => api('GET', `/api/v1/emails/${later.body.id}`, { key }),
    (read) => read.body.email.status === 'delivered',
  );
  await eventually(
    () => api('POST', '/api/v1/emails', { key, body: email('success@simulator.amazonses.com') }),
    (response) => response.status === 200,
  );
}, 90_000);

it('suspends at a critical rate, and the CLI refuses to undo a deactivation', async () => {
  const { key, project } = await otherProjectKey();
  await mailroom('accounts', 'reputation', 'set', project.accountId, '--minimum-sends', '3');
  const { domain } = await verifiedDomain(key);
  // The window is judged at each bounce or complaint, so the sends come first.
  const send = (box: string) =>
    api('POST', '/api/v1/emails', {
      key,
      body: { from: `rep@${domain}`, to: `${box}@simulator.amazonses.com`, subject: 'x', text: 'x' },
    });
  for (const box of ['success', 'success']) {
    const { body } = await send(box);
    await eventually(
      () => api('GET', `/api/v1/emails/${body.id}`, { key }),
      (read) => read.body.email.status === 'delivered',
    );
  }
  await send('bounce');
  await eventually(
    () => mailroom('accounts', 'show', project.accountId),
    (account) => account.status === 'suspended',
  );
  await mailroom('accounts', 'status', 'set', project.accountId, 'deactivated', '--reason', 'repeated abuse');
  const attempt = mailroom('accounts', 'status', 'set', project.accountId, 'active', '--reason', 'undo');
  await expect(attempt).rejects.toThrow(/deactivated, which is final/);
});
