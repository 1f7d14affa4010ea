import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as z from '#shared/zod.ts';

/** What `npm start` prints and writes to `.mailroom/local.json` (git-ignored). */
export const localCredentialsSchema = z.object({
  accountId: z.string(),
  projectId: z.string(),
  liveKey: z.string(),
  testKey: z.string(),
});

export type LocalCredentials = z.infer<typeof localCredentialsSchema>;

/**
 * Makes sure a default account, project, live key and test key exist, and returns
 * them. Keys are stored hashed like any other; their secrets survive only in the
 * credentials file, so a file whose keys no longer match the database is replaced.
 * Loaded lazily: the tenancy code reads the table name from the environment.
 */
export async function ensureDefaultTenant(credentialsFile?: string): Promise<LocalCredentials> {
  const { generateApiKey, hashApiKey } = await import('#shared/auth/api-keys.ts');
  const { createAccount, createProject, findApiKeyByHash, storeApiKey } = await import(
    '#shared/tenancy/tenancy-store.ts'
  );

  if (credentialsFile && existsSync(credentialsFile)) {
    const saved = localCredentialsSchema.safeParse(JSON.parse(readFileSync(credentialsFile, 'utf8')));
    if (saved.success && (await findApiKeyByHash(hashApiKey(saved.data.liveKey)))) return saved.data;
  }

  const account = await createAccount('Local account');
  const project = await createProject(account.id, 'Default project');
  const live = generateApiKey('live');
  const test = generateApiKey('test');
  await storeApiKey(project, live, { name: 'Local live key', scopes: ['full_access'] });
  await storeApiKey(project, test, { name: 'Local test key', scopes: ['full_access'] });
  const credentials = {
    accountId: account.id,
    projectId: project.id,
    liveKey: live.secret,
    testKey: test.secret,
  };
  if (credentialsFile)
    writeFileSync(credentialsFile, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  return credentials;
}
