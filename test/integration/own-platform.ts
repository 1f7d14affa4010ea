import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { LocalRuntimeOptions } from '../../infra/local/runtime.ts';
import type { PlatformProcess } from './platform-process.ts';

export interface OwnPlatform extends PlatformProcess {
  /** What a power cut does: SIGKILL to every process of the platform (DynamoDB Local's JVM included) at once. */
  kill: () => void;
}

/** Starts a local platform in its own process group and waits until it serves. */
export async function startOwnPlatform(options: Omit<LocalRuntimeOptions, 'apiPort'>): Promise<OwnPlatform> {
  const child = spawn(
    process.execPath,
    [join(import.meta.dirname, 'platform-process.ts'), JSON.stringify(options)],
    {
      detached: true,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const kill = () => {
    if (child.pid && child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
  };
  const lines = createInterface({ input: child.stdout });
  for await (const line of lines) {
    if (line.startsWith('{"apiUrl"')) return { ...(JSON.parse(line) as PlatformProcess), kill };
  }
  throw new Error('the platform exited before it was ready');
}
