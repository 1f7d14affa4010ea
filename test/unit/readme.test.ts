import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { capabilities } from '#shared/capabilities.ts';
import { capabilityTable } from '../../infra/function-catalogue.ts';

const root = join(import.meta.dirname, '..', '..');

/** Every Markdown file a reader follows: the README, the guides, the packages' READMEs. */
function documents(): string[] {
  const guides = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return guides(path);
      return name.endsWith('.md') ? [path] : [];
    });
  const packages = readdirSync(join(root, 'packages')).map((name) =>
    join(root, 'packages', name, 'README.md'),
  );
  return [
    join(root, 'README.md'),
    ...guides(join(root, 'docs')),
    ...packages,
    join(root, 'console/README.md'),
  ];
}

const read = (path: string) => readFileSync(path, 'utf8');
/** The text outside fenced code blocks: a link inside one is an example, not a link. */
const prose = (markdown: string) => markdown.replace(/^```[^\n]*\n[\s\S]*?^```$/gm, '');

/**
 * The anchors GitHub gives a file's headings: the text lower-cased, inline code and link
 * syntax reduced to their text, punctuation dropped, spaces turned into hyphens, and a
 * repeated heading numbered (`-1`, `-2`, …).
 */
function headingSlugs(markdown: string): Set<string> {
  const slugs = new Set<string>();
  const seen = new Map<string, number>();
  for (const [, heading] of prose(markdown).matchAll(/^#{1,6}\s+(.+?)\s*#*$/gm)) {
    const text = (heading ?? '')
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/[`*_]{1,2}([^`*_]+)[`*_]{1,2}/g, '$1');
    const base = text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    slugs.add(count === 0 ? base : `${base}-${count}`);
  }
  return slugs;
}

/** Every `[text](target)` outside code, as written. */
function links(markdown: string): string[] {
  const text = prose(markdown).replace(/`[^`\n]*`/g, '');
  return [...text.matchAll(/\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map(([, target]) => target ?? '');
}

interface Script {
  /** The script's name in its package.json. */
  name: string;
  /** The workspace named with `-w`/`--workspace`, or the root package. */
  workspace?: string;
}

/** npm's own commands that run a script of the same name. */
const scriptCommands = new Set(['start', 'test', 'stop', 'restart']);

/** Every npm command that runs a package script: `npm run X [-w pkg]`, `npm start`, `npm test`. */
function npmScripts(markdown: string): Script[] {
  const found: Script[] = [];
  for (const [command] of markdown.matchAll(/\bnpm\s+[^\n`|&;#)]+/g)) {
    const words = command.trim().split(/\s+/).slice(1);
    const end = words.indexOf('--');
    const own = end < 0 ? words : words.slice(0, end);
    const flag = own.findIndex((word) => word === '-w' || word === '--workspace');
    const workspace =
      flag >= 0 ? own[flag + 1] : own.find((word) => word.startsWith('--workspace='))?.slice(12);
    const [verb, name] = own;
    if (verb === 'run' || verb === 'run-script') {
      if (name && !name.startsWith('-')) found.push({ name, workspace });
    } else if (verb && scriptCommands.has(verb)) found.push({ name: verb, workspace });
  }
  return found;
}

interface PackageJson {
  name: string;
  scripts?: Record<string, string>;
}

const rootPackage = JSON.parse(read(join(root, 'package.json'))) as PackageJson & { workspaces: string[] };
const workspaces = new Map<string, PackageJson>(
  [...readdirSync(join(root, 'packages')).map((name) => `packages/${name}`), 'console']
    .map((dir) => JSON.parse(read(join(root, dir, 'package.json'))) as PackageJson)
    .map((pkg) => [pkg.name, pkg]),
);

const architecture = read(join(root, 'docs/architecture.md'));

describe('README and docs', () => {
  const files = documents();

  it('keeps the README a front door of at most 12 KB, with the reference in docs/', () => {
    expect(statSync(join(root, 'README.md')).size).toBeLessThanOrEqual(12 * 1024);
    expect(files.length).toBeGreaterThan(10);
  });

  it('links only to files that exist, and to anchors that are headings of the file linked', () => {
    const broken: string[] = [];
    for (const file of files) {
      for (const target of links(read(file))) {
        if (/^[a-z]+:/i.test(target)) continue;
        const [path = '', anchor] = target.split('#');
        const linked = path ? resolve(dirname(file), decodeURI(path)) : file;
        const where = `${relative(root, file)} → ${target}`;
        if (!existsSync(linked)) broken.push(`${where}: no such file`);
        else if (anchor !== undefined && linked.endsWith('.md') && !headingSlugs(read(linked)).has(anchor))
          broken.push(`${where}: no such heading`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('names only npm scripts that the package it runs in has', () => {
    const missing: string[] = [];
    let named = 0;
    for (const file of files) {
      for (const script of npmScripts(read(file))) {
        named++;
        const pkg = script.workspace ? workspaces.get(script.workspace) : rootPackage;
        if (!pkg?.scripts?.[script.name])
          missing.push(
            `${relative(root, file)}: npm ${script.name} in ${script.workspace ?? 'the root package'}`,
          );
      }
    }
    expect(missing).toEqual([]);
    expect(named).toBeGreaterThan(5);
  });

  it('shows the capability table of the function catalogue as it is', () => {
    expect(architecture).toContain(capabilityTable());
  });

  it('explains every capability', () => {
    for (const [name, capability] of Object.entries(capabilities)) {
      expect(architecture).toContain(`| \`${name}\` | ${capability.summary} |`);
    }
  });
});

describe('the docs checks themselves', () => {
  it('slug headings as GitHub does', () => {
    const slugs = headingSlugs(
      '# Mailroom\n## Deployed = local\n### TypeScript SDK (`@mailroom/sdk`)\n## Events, suppression and reputation\n## Tests\n## Tests\n```\n# not a heading\n```\n',
    );
    expect([...slugs]).toEqual([
      'mailroom',
      'deployed--local',
      'typescript-sdk-mailroomsdk',
      'events-suppression-and-reputation',
      'tests',
      'tests-1',
    ]);
  });

  it('find the scripts npm commands run, with their workspace', () => {
    expect(
      npmScripts(
        '`npm start -- --reset`, `npm run bench -- console`, npm install && npm test; `npm run generate -w @mailroom/sdk`, `npm publish -w x`',
      ),
    ).toEqual([
      { name: 'start', workspace: undefined },
      { name: 'bench', workspace: undefined },
      { name: 'test', workspace: undefined },
      { name: 'generate', workspace: '@mailroom/sdk' },
    ]);
  });
});
