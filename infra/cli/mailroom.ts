#!/usr/bin/env node
/**
 * `mailroom`: the operator's command line. It works on the deployment's table and
 * queues with the operator's AWS credentials. Where it finds them: the environment when
 * TABLE_NAME is set (the stack's outputs, as docs/deploy-and-operate.md shows), otherwise the local
 * platform's `.mailroom/local.json`, written by `npm start`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const usage = `mailroom — operate a Mailroom deployment

Usage:
  mailroom init <account name> [--project <name>]   first account, project and full-access live key
  mailroom accounts create <name>
  mailroom accounts list
  mailroom accounts show <accountId>
  mailroom accounts status set <accountId> <active|flagged|suspended|deactivated> --reason "<why>"
  mailroom accounts limits set <accountId> [--per-second n] [--per-minute n] [--per-hour n] [--per-day n] [--monthly-quota n]
  mailroom accounts reputation set <accountId> --minimum-sends <n>
  mailroom projects create <accountId> <name>
  mailroom projects list <accountId>
  mailroom keys create <projectId> --name <name> [--scopes a,b] [--domains d1,d2] [--mode live|test]
  mailroom keys list <projectId>
  mailroom keys revoke <projectId> <keyId>
  mailroom domains list <projectId>
  mailroom lists list <projectId>
  mailroom lists create <projectId> <name>
  mailroom contacts list <projectId> <listId> [--page n] [--page-size n] [--status s] [--search text]
  mailroom contacts import <projectId> <listId> <file.csv>   a header row names the columns: email, name
  mailroom signing-keys rotate      a new signing key signs from now on; the old ones still verify

Options:
  --json   machine-readable output
  --help   this text

Restoring an account to active releases the mail held while it was not; deactivated is final.
A new key is shown once. Target: the environment when TABLE_NAME is set (with SEND_QUEUE_URL,
PAYLOAD_BUCKET and SIGNING_SECRET_ARN from the stack's outputs and AWS credentials), otherwise
the local platform.`;

const statuses = ['active', 'flagged', 'suspended', 'deactivated'] as const;
type Status = (typeof statuses)[number];

/** A mistake in the command line or its target: one line, exit code 2. */
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

const text = (value: unknown) =>
  value === undefined || value === null
    ? ''
    : typeof value === 'object'
      ? JSON.stringify(value)
      : String(value);

/** A record as `key  value` lines, rows as a table with a header, or either as JSON. */
function print(value: Record<string, unknown> | Record<string, unknown>[], json: boolean) {
  if (json) {
    console.log(JSON.stringify(value, null, 2));
    return;
  }
  if (!Array.isArray(value)) {
    for (const [key, field] of Object.entries(value)) console.log(`${key.padEnd(18)} ${text(field)}`);
    return;
  }
  if (value.length === 0) {
    console.log('(none)');
    return;
  }
  const columns = Object.keys(value[0] ?? {});
  const widths = columns.map((column) =>
    Math.max(column.length, ...value.map((row) => text(row[column]).length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  console.log(line(columns.map((column) => column.toUpperCase())));
  for (const row of value) console.log(line(columns.map((column) => text(row[column]))));
}

const list = (value: string | undefined) =>
  value
    ? value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean)
    : undefined;

function count(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) throw new UsageError(`--${flag} takes a whole number ≥ 0.`);
  return number;
}

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined || value === '') throw new UsageError(`Missing ${what}. See mailroom --help.`);
  return value;
}

type Options = Record<string, string | boolean | undefined>;
type Command = (
  args: string[],
  options: Options,
) => Promise<Record<string, unknown> | Record<string, unknown>[]>;

const tenancy = () => import('#shared/tenancy/tenancy-store.ts');
const contacts = () => import('#shared/contacts/contact-service.ts');

/** The project, or a usage error naming it. */
async function projectOf(projectId: string | undefined) {
  const project = await (await tenancy()).getProject(need(projectId, 'the project id'));
  if (!project) throw new UsageError(`No project ${projectId}.`);
  return project;
}

/** The rows of a CSV file with a header row (`email`, optionally `name`; other columns are ignored). */
async function csvRows(file: string): Promise<{ email: string; name?: string }[]> {
  if (!existsSync(file)) throw new UsageError(`No file ${file}.`);
  const { parse } = await import('csv-parse/sync');
  const records = parse(readFileSync(file), {
    columns: (header: string[]) => header.map((column) => column.trim().toLowerCase()),
    skip_empty_lines: true,
    trim: true,
    bom: true,
  }) as Record<string, string>[];
  if (records.length > 0 && !('email' in (records[0] ?? {})))
    throw new UsageError('The CSV needs a header row with an "email" column.');
  return records.map(({ email = '', name }) => (name ? { email, name } : { email }));
}

const commands: Record<string, Command> = {
  init: async ([accountName], options) => {
    const store = await tenancy();
    const account = await store.createAccount(need(accountName, 'the account name'));
    const project = await store.createProject(
      account.id,
      (options.project as string | undefined) ?? 'Default',
    );
    const { generateApiKey } = await import('#shared/auth/api-keys.ts');
    const key = generateApiKey('live');
    await store.storeApiKey(project, key, { name: 'first key', scopes: ['full_access'] });
    return { accountId: account.id, projectId: project.id, key: key.secret };
  },
  'accounts create': async ([name]) => {
    const account = await (await tenancy()).createAccount(need(name, 'the account name'));
    return { ...account };
  },
  'accounts list': async () =>
    (await (await tenancy()).listAccounts()).map(({ id, name, status, createdAt }) => ({
      id,
      name,
      status,
      createdAt,
    })),
  'accounts show': async ([accountId]) => {
    const store = await tenancy();
    const account = await store.getAccount(need(accountId, 'the account id'));
    if (!account) throw new UsageError(`No account ${accountId}.`);
    const { windowFigures } = await import('#shared/reputation/reputation-store.ts');
    return {
      ...account,
      last24h: await windowFigures(account.id),
      history: await store.statusHistory(account.id),
    };
  },
  'accounts status set': async ([accountId, status], options) => {
    need(accountId, 'the account id');
    if (!statuses.includes(status as Status))
      throw new UsageError('The status is one of active, flagged, suspended, deactivated.');
    const reason = need(
      options.reason as string | undefined,
      'the reason (--reason "…"), kept with the change',
    );
    const store = await tenancy();
    const account = await store.getAccount(accountId as string);
    if (!account) throw new UsageError(`No account ${accountId}.`);
    if (account.status === 'deactivated') throw new UsageError('The account is deactivated, which is final.');
    const changed =
      account.status === status ||
      (await store.changeAccountStatus(accountId as string, {
        from: account.status,
        to: status as Status,
        reason,
        by: 'operator',
        at: new Date().toISOString(),
      }));
    if (!changed)
      throw new UsageError('The account changed meanwhile; look again with `mailroom accounts show`.');
    let released = 0;
    if (status === 'active') {
      const { releaseHeldEmails } = await import('#shared/emails/waiting-mail.ts');
      released = await releaseHeldEmails(accountId as string);
    }
    return { id: accountId, from: account.status, status, reason, releasedEmails: released };
  },
  'accounts limits set': async ([accountId], options) => {
    const limits = {
      perSecond: count(options['per-second'] as string | undefined, 'per-second'),
      perMinute: count(options['per-minute'] as string | undefined, 'per-minute'),
      perHour: count(options['per-hour'] as string | undefined, 'per-hour'),
      perDay: count(options['per-day'] as string | undefined, 'per-day'),
      monthlyQuota: count(options['monthly-quota'] as string | undefined, 'monthly-quota'),
    };
    const given = Object.fromEntries(Object.entries(limits).filter(([, value]) => value !== undefined));
    if (Object.keys(given).length === 0)
      throw new UsageError('Give at least one limit. See mailroom --help.');
    const merged = await (await tenancy()).setAccountLimits(need(accountId, 'the account id'), given);
    return { id: accountId, ...merged };
  },
  'accounts reputation set': async ([accountId], options) => {
    const minimumSends = need(
      count(options['minimum-sends'] as string | undefined, 'minimum-sends'),
      '--minimum-sends',
    );
    await (await tenancy()).setReputationOverrides(need(accountId, 'the account id'), { minimumSends });
    return { id: accountId, minimumSends };
  },
  'projects create': async ([accountId, name]) => {
    const store = await tenancy();
    if (!(await store.getAccount(need(accountId, 'the account id'))))
      throw new UsageError(`No account ${accountId}.`);
    return { ...(await store.createProject(accountId as string, need(name, 'the project name'))) };
  },
  'projects list': async ([accountId]) =>
    (await (await tenancy()).listProjects(need(accountId, 'the account id'))).map(
      ({ id, name, createdAt }) => ({
        id,
        name,
        createdAt,
      }),
    ),
  'keys create': async ([projectId], options) => {
    const store = await tenancy();
    const project = await store.getProject(need(projectId, 'the project id'));
    if (!project) throw new UsageError(`No project ${projectId}.`);
    const { scopes } = await import('#shared/tenancy/scopes.ts');
    const granted = list(options.scopes as string | undefined) ?? ['full_access'];
    const unknown = granted.filter((scope) => !(scopes as readonly string[]).includes(scope));
    if (unknown.length > 0) throw new UsageError(`Unknown scopes: ${unknown.join(', ')}.`);
    const mode = (options.mode as string | undefined) ?? 'live';
    if (mode !== 'live' && mode !== 'test') throw new UsageError('--mode is live or test.');
    const { generateApiKey } = await import('#shared/auth/api-keys.ts');
    const key = generateApiKey(mode);
    const record = await store.storeApiKey(project, key, {
      name: need(options.name as string | undefined, 'the key name (--name)'),
      scopes: granted as never,
      domains: list(options.domains as string | undefined),
    });
    return {
      id: record.id,
      name: record.name,
      mode,
      scopes: record.scopes,
      domains: record.domains,
      key: key.secret,
    };
  },
  'keys list': async ([projectId]) => {
    const { keyView } = await import('#shared/keys/key-view.ts');
    return (await (await tenancy()).listApiKeys(need(projectId, 'the project id'))).map((key) => {
      const view = keyView(key);
      return {
        id: view.id,
        name: view.name,
        key: `${view.prefix}…${view.last_four}`,
        mode: view.mode,
        scopes: view.scopes,
        last_used_at: view.last_used_at,
        revoked_at: view.revoked_at,
      };
    });
  },
  'keys revoke': async ([projectId, keyId]) => {
    const revoked = await (await tenancy()).revokeApiKey(
      need(projectId, 'the project id'),
      need(keyId, 'the key id'),
      new Date().toISOString(),
    );
    if (!revoked) throw new UsageError(`Project ${projectId} has no active key ${keyId}.`);
    return { id: keyId, revoked: true };
  },
  'domains list': async ([projectId]) => {
    const { listProjectDomains } = await import('#shared/domains/domain-store.ts');
    return (await listProjectDomains(need(projectId, 'the project id'))).map(
      ({ id, domain, status, verifiedAt }) => ({
        id,
        domain,
        status,
        verifiedAt,
      }),
    );
  },
  'signing-keys rotate': async () => {
    const { rotateSigningKeys } = await import('#shared/secrets/signing-keys.ts');
    return await rotateSigningKeys();
  },
  'lists list': async ([projectId]) => {
    const project = await projectOf(projectId);
    return (await (await contacts()).listLists(project.id)).map(({ id, name, counts, createdAt }) => ({
      id,
      name,
      contacts: counts.total,
      subscribed: counts.subscribed,
      createdAt,
    }));
  },
  'lists create': async ([projectId, name]) => {
    const project = await projectOf(projectId);
    const list = await (await contacts()).createList(project.id, need(name, 'the list name'));
    return { id: list.id, name: list.name, createdAt: list.createdAt };
  },
  'contacts list': async ([projectId, listId], options) => {
    const project = await projectOf(projectId);
    const { listContactsSchema } = await import('#shared/contacts/contact-schema.ts');
    const query = listContactsSchema.safeParse({
      listId: need(listId, 'the list id'),
      page: options.page,
      pageSize: options['page-size'],
      status: options.status,
      search: options.search,
    });
    if (!query.success)
      throw new UsageError(
        query.error.issues.map((issue) => `--${String(issue.path[0])} ${issue.message}`).join('; '),
      );
    const service = await contacts();
    await service.findList(project.id, query.data.listId).catch(() => {
      throw new UsageError(`Project ${project.id} has no list ${listId}.`);
    });
    const { contacts: page } = await service.pageContacts(project.id, query.data);
    return page.map(({ id, email, name, status, createdAt }) => ({
      id,
      email,
      name: name ?? null,
      status,
      createdAt,
    }));
  },
  'contacts import': async ([projectId, listId, file]) => {
    const project = await projectOf(projectId);
    const rows = await csvRows(need(file, 'the CSV file'));
    const service = await contacts();
    await service.findList(project.id, need(listId, 'the list id')).catch(() => {
      throw new UsageError(`Project ${project.id} has no list ${listId}.`);
    });
    const { importRowLimit } = await import('#shared/contacts/contact-schema.ts');
    const totals = { importedCount: 0, skippedCount: 0, invalid: [] as { index: number; error: string }[] };
    // The API's limit per request, so a file of any length goes in as the API would take it.
    for (let start = 0; start < rows.length; start += importRowLimit) {
      const result = await service.importContacts(project.id, {
        listId: listId as string,
        contacts: rows.slice(start, start + importRowLimit),
      });
      totals.importedCount += result.importedCount;
      totals.skippedCount += result.skippedCount;
      // Rows counted from the file's first data row (line 2 of the file).
      totals.invalid.push(...result.invalid.map((row) => ({ ...row, index: row.index + start })));
    }
    return { listId, rows: rows.length, ...totals };
  },
};

async function run(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
      reason: { type: 'string' },
      name: { type: 'string' },
      project: { type: 'string' },
      scopes: { type: 'string' },
      domains: { type: 'string' },
      mode: { type: 'string' },
      'minimum-sends': { type: 'string' },
      'per-second': { type: 'string' },
      'per-minute': { type: 'string' },
      'per-hour': { type: 'string' },
      'per-day': { type: 'string' },
      'monthly-quota': { type: 'string' },
      page: { type: 'string' },
      'page-size': { type: 'string' },
      status: { type: 'string' },
      search: { type: 'string' },
    },
  });
  if (values.help || positionals.length === 0) {
    console.log(usage);
    return;
  }
  // The longest command name the words start with: `accounts status set` before `accounts status`.
  const name = Object.keys(commands)
    .filter((candidate) => positionals.slice(0, candidate.split(' ').length).join(' ') === candidate)
    .sort((a, b) => b.length - a.length)[0];
  if (!name) throw new UsageError(`Unknown command: ${positionals.join(' ')}. See mailroom --help.`);
  loadTarget();
  const args = positionals.slice(name.split(' ').length);
  print(await (commands[name] as Command)(args, values), values.json ?? false);
}

try {
  await run(process.argv.slice(2));
} catch (error) {
  console.error(`mailroom: ${error instanceof Error ? error.message : String(error)}`);
  const badArguments = String((error as { code?: unknown }).code ?? '').startsWith('ERR_PARSE_ARGS');
  process.exit(error instanceof UsageError || badArguments ? 2 : 1);
}
