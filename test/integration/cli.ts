import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { repositoryRoot } from '../../infra/local/function-host.ts';
import { useLocalAws } from './support.ts';

/** Runs the operator's `mailroom` CLI against the local platform and returns its JSON output. */
export async function mailroom(...args: string[]) {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['infra/cli/mailroom.ts', ...args, '--json'],
    {
      cwd: repositoryRoot,
      env: { ...process.env, ...useLocalAws(), POWERTOOLS_LOG_LEVEL: 'ERROR' },
    },
  );
  return JSON.parse(stdout);
}

/** Runs the CLI expecting failure; returns its exit code and error line. */
export async function mailroomFails(...args: string[]) {
  try {
    await mailroom(...args);
  } catch (error) {
    const failure = error as { code?: number; stderr?: string };
    return { code: failure.code, stderr: failure.stderr ?? '' };
  }
  throw new Error(`mailroom ${args.join(' ')} succeeded`);
}
