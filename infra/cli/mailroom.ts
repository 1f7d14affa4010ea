#!/usr/bin/env node
/**
 * `mailroom`: the operator's command line. It talks to the deployment's table and
 * queues with the caller's AWS credentials. Where it finds them: the environment when
 * TABLE_NAME is set (as in a Lambda or a test), otherwise the local platform's
 * `.mailroom/local.json` written by `npm start`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const usage = `mailroom — operate a Mailroom deployment

Usage:
  mailroom accounts show <accountId> [--json]
  mailroom accounts status set <accountId> <active|flagged|suspended|deactivated> --reason "<why>" [--json]
  mailroom accounts reputation set <accountId> --minimum-sends <n> [--json]
  mailroom --help

Restoring an account to active releases the mail held while it was not.
Target: the environment when TABLE_NAME is set, otherwise the local platform (.mailroom/local.json).`;

const statuses = ['active', 'flagged', 'suspended', 'deactivated'] as const;
type Status = (typeof statuses)[number];

class UsageError extends Error {}

function loadTarget() {
  if (process.env.TABLE_NAME) return;
  const file = join(import.meta.dirname, '..', '..', '.mailroom', 'local.json');
  if (!existsSync(file)) {
    throw new UsageError(
      'No deployment found: set TABLE_NAME and AWS credentials, or run `npm start` first.',
    );
  }
  const local = JSON.parse(readFileSync(file, 'utf8')) as { env?: Record<string, string> };
  Object.assign(process.env, local.env ?? {}, { POWERTOOLS_LOG_LEVEL: 'ERROR' });
}

function print(value: unknown, json: boolean) {
  if (json) {
    console.log(JSON.stringify(value, null, 2));
    return;
  }
  for (const [key, field] of Object.entries(value as Record<string, unknown>)) {
    const text = typeof field === 'object' && field !== null ? JSON.stringify(field) : String(field);
    console.log(`${key.padEnd(18)} ${text}`);
  }
}

async function run(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
      reason: { type: 'string' },
      'minimum-sends': { type: 'string' },
    },
  });
  if (values.help || positionals.length === 0) {
    console.log(usage);
    return;
  }
  const [resource, verb, ...rest] = positionals;
  if (resource !== 'accounts') throw new UsageError(`Unknown command: ${positionals.join(' ')}`);
  loadTarget();
  const tenancy = await import('#shared/tenancy/tenancy-store.ts');

  if (verb === 'show') {
    const [accountId] = rest;
    const account = accountId ? await tenancy.getAccount(accountId) : undefined;
    if (!account) throw new UsageError(`No account ${accountId ?? '(missing id)'}.`);
    const { windowFigures } = await import('#shared/reputation/reputation-store.ts');
    const history = await tenancy.statusHistory(account.id);
    print({ ...account, last24h: await windowFigures(account.id), history }, values.json);
    return;
  }

  if (verb === 'status' && rest[0] === 'set') {
    const [, accountId, status] = rest;
    if (!accountId || !statuses.includes(status as Status)) {
      throw new UsageError(
        'Usage: mailroom accounts status set <accountId> <active|flagged|suspended|deactivated> --reason "<why>"',
      );
    }
    if (!values.reason) throw new UsageError('Say why with --reason "…": it is kept with the change.');
    const account = await tenancy.getAccount(accountId);
    if (!account) throw new UsageError(`No account ${accountId}.`);
    if (account.status === 'deactivated') throw new UsageError('The account is deactivated, which is final.');
    const changed =
      account.status === status ||
      (await tenancy.changeAccountStatus(accountId, {
        from: account.status,
        to: status as Status,
        reason: values.reason,
        by: 'operator',
        at: new Date().toISOString(),
      }));
    if (!changed)
      throw new UsageError('The account changed meanwhile; look again with `mailroom accounts show`.');
    let released = 0;
    if (status === 'active') {
      const { releaseHeldEmails } = await import('#shared/emails/held-mail.ts');
      released = await releaseHeldEmails(accountId);
    }
    print(
      { id: accountId, from: account.status, status, reason: values.reason, releasedEmails: released },
      values.json,
    );
    return;
  }

  if (verb === 'reputation' && rest[0] === 'set') {
    const [, accountId] = rest;
    const minimumSends = Number(values['minimum-sends']);
    if (!accountId || !Number.isInteger(minimumSends) || minimumSends < 0) {
      throw new UsageError('Usage: mailroom accounts reputation set <accountId> --minimum-sends <n>');
    }
    await tenancy.setReputationOverrides(accountId, { minimumSends });
    print({ id: accountId, minimumSends }, values.json);
    return;
  }

  throw new UsageError(`Unknown command: ${positionals.join(' ')}`);
}

try {
  await run(process.argv.slice(2));
} catch (error) {
  console.error(`mailroom: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(error instanceof UsageError ? 2 : 1);
}
