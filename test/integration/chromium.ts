import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';

/** Where browser tests save a screenshot of every page, for a reviewer to look at (git-ignored). */
const screenshots = join(import.meta.dirname, '../../test-artifacts/screenshots');

/** The file a screenshot named `name` is saved to. */
export const screenshotPath = (name: string) => join(screenshots, `${name}.png`);

/**
 * Debian's Chromium (`.ci/run` installs it), or another Chromium named by `CHROMIUM_PATH`,
 * headless and quiet: nothing of its own goes to the network, so a page's requests are its own.
 */
export async function launchChromium(): Promise<Browser> {
  const executablePath = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find(
    (path): path is string => Boolean(path && existsSync(path)),
  );
  if (!executablePath)
    throw new Error('The browser tests need Chromium: apt-get install chromium, or set CHROMIUM_PATH.');
  mkdirSync(screenshots, { recursive: true });
  return chromium.launch({
    executablePath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
