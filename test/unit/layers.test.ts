import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The layers of `shared/`, read from the import statements of its files: no import
 * cycle between its folders (each folder builds only on the ones below it), and domain
 * code never depends on a transport. Transports live in their own folders: `http`
 * (API Gateway events, middy middleware) and `lambda` (SQS event-source handlers); the
 * SMTP relay lives in `functions/smtp`. They may import the domain, never the reverse.
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const transportFolders = new Set(['http', 'lambda']);
/** What only a transport may import: its event and request types, its server, its middleware. */
const transportPackages = /^(#functions\/|#packages\/|aws-lambda$|@middy\/|smtp-server$|mailparser$)/;

function filesUnder(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return filesUnder(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Every module a file imports or re-exports, statically or dynamically, as written. */
function importsOf(source: string): string[] {
  const withoutComments = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const found: string[] = [];
  const patterns = [
    /^\s*(?:import|export)\b[^'";]*?\bfrom\s*['"]([^'"]+)['"]/gms,
    /^\s*import\s*['"]([^'"]+)['"]/gm,
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const pattern of patterns)
    for (const match of withoutComments.matchAll(pattern)) found.push(match[1] ?? '');
  return found;
}

/** A `shared/` module's layer: its folder, or the file itself for one at the top of `shared/`. */
function layerOf(pathInShared: string): string {
  const [first = '', ...rest] = pathInShared.split('/');
  return rest.length > 0 ? first : first.replace(/\.ts$/, '');
}

interface SharedImport {
  file: string;
  specifier: string;
  /** The imported module's path under `shared/`, when it is one. */
  target?: string;
}

function sharedImports(): SharedImport[] {
  return filesUnder(join(root, 'shared')).flatMap((path) => {
    const file = relative(join(root, 'shared'), path);
    return importsOf(readFileSync(path, 'utf8')).map((specifier) => {
      if (specifier.startsWith('#shared/'))
        return { file, specifier, target: specifier.slice('#shared/'.length) };
      if (specifier.startsWith('.')) {
        const target = relative(join(root, 'shared'), resolve(dirname(path), specifier));
        return target.startsWith('..') ? { file, specifier } : { file, specifier, target };
      }
      return { file, specifier };
    });
  });
}

/** The strongly connected components of more than one layer (Tarjan): each is an import knot. */
function knots(edges: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string) => {
    index.set(node, index.size);
    low.set(node, index.get(node) ?? 0);
    stack.push(node);
    onStack.add(node);
    for (const next of edges.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(next) ?? 0));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node) ?? 0, index.get(next) ?? 0));
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    for (let member = stack.pop(); member !== undefined; member = stack.pop()) {
      onStack.delete(member);
      component.push(member);
      if (member === node) break;
    }
    if (component.length > 1) found.push(component.sort());
  };
  for (const node of edges.keys()) if (!index.has(node)) visit(node);
  return found;
}

describe('layers of shared/', () => {
  const imports = sharedImports();

  it('reads every kind of import statement', () => {
    const source = [
      "import { a } from '#shared/one.ts';",
      "import type {\n  B,\n  C,\n} from './two.ts';",
      "export { d } from '#shared/three/four.ts';",
      "import 'side-effect';",
      "const lazy = () => import('#shared/five.ts');",
      "// import { gone } from '#shared/commented.ts';",
    ].join('\n');
    expect(importsOf(source)).toEqual([
      '#shared/one.ts',
      './two.ts',
      '#shared/three/four.ts',
      'side-effect',
      '#shared/five.ts',
    ]);
  });

  it('finds a knot, so an empty answer means something', () => {
    const edges = new Map([
      ['a', new Set(['b'])],
      ['b', new Set(['c'])],
      ['c', new Set(['a'])],
      ['d', new Set(['a'])],
    ]);
    expect(knots(edges)).toEqual([['a', 'b', 'c']]);
  });

  it('has no import cycle between its folders', () => {
    const edges = new Map<string, Set<string>>();
    const why = new Map<string, string>();
    for (const { file, target } of imports) {
      if (target === undefined) continue;
      const from = layerOf(file);
      const to = layerOf(target);
      if (from === to) continue;
      edges.set(from, (edges.get(from) ?? new Set()).add(to));
      why.set(`${from} → ${to}`, `${file} imports ${target}`);
    }
    const explained = knots(edges).map((knot) =>
      [...why.entries()]
        .filter(([edge]) => knot.some((a) => knot.some((b) => edge === `${a} → ${b}`)))
        .map(([edge, example]) => `${edge} (${example})`),
    );
    expect(explained).toEqual([]);
  });

  it('keeps domain code free of transports', () => {
    const offending = imports
      .filter(({ file }) => !transportFolders.has(layerOf(file)))
      .filter(
        ({ specifier, target }) =>
          transportPackages.test(specifier) ||
          (target !== undefined && transportFolders.has(layerOf(target))),
      )
      .map(({ file, specifier }) => `${file} imports ${specifier}`);
    expect(offending).toEqual([]);
  });
});
