import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { capabilities } from '#shared/capabilities.ts';
import { capabilityTable } from '../../infra/function-catalogue.ts';

const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');

describe('README', () => {
  it('shows the capability table of the function catalogue as it is', () => {
    expect(readme).toContain(capabilityTable());
  });

  it('explains every capability', () => {
    for (const [name, capability] of Object.entries(capabilities)) {
      expect(readme).toContain(`| \`${name}\` | ${capability.summary} |`);
    }
  });
});
