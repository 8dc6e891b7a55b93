/**
 * The import graph of src/ and workers/ runs one way: every arrow goes to the importer's own folder or to a lower
 * layer, the CPU oracles (src/reference) are reached only from tests and benchmarks, and no files import each other
 * in a cycle. Type-only and dynamic imports count like any other (a type still ties the importer to the module's
 * meaning). Not arrows here: the page starting its worker (`new Worker(new URL('../../workers/...'))` in
 * src/ui/engine-client.ts) and Vite's `import.meta.glob` of shaders and model files (assets, not modules). An
 * import under a computed name (`import(name)`) cannot be read; keep those for packages (src/gpu/device.ts).
 */
import { describe, expect, it } from 'vitest';
import { findCycles, importSpecifiers, listSourceFiles, readImportEdges, repositoryRoot, type ImportEdge } from './import-scanner.ts';

// ---- The rules, declared once ------------------------------------------------------------------------------------

/** Production layers, lowest first. A file may import from its own folder or from any folder of a lower rank. */
const LAYERS: readonly (readonly string[])[] = [
  ['src/gpu'], // device, buffers, kernel wrappers and their contracts (shapes, geometry, constants, the PCG hash)
  ['src/data'],
  ['src/nn'],
  ['src/io'],
  ['src/analysis'],
  ['src/surgery'],
  ['src/session'], // the session core shared by the page's worker and the CLI, and the page/worker API
  ['src/render'], // map rendering shared by the page, the worker and the reference
  ['src/bench', 'src/ui', 'src/cli'], // one rank: these do not import each other (but see PEER_ARROWS_ALLOWED)
  ['workers'],
];

/** Exceptions to "folders of one rank do not import each other": [importer, imported]. */
const PEER_ARROWS_ALLOWED: readonly (readonly [string, string])[] = [['src/cli', 'src/bench']];

/** Arrows the ranks would allow but that are forbidden all the same: [importer, imported, why]. */
const ARROWS_FORBIDDEN: readonly (readonly [string, string, string])[] = [
  ['workers', 'src/ui', 'the worker must not depend on the page (what both need lives in src/session or src/render)'],
];

/** The CPU oracles of the tests: they may import production layers up to `highestImport`; only `importedBy` may
 * import them (and tests/, which this graph does not scan). */
const ORACLE = { folder: 'src/reference', highestImport: 'src/render', importedBy: ['src/bench'] } as const;

/** Where code is scanned, and what counts as code. */
const SCANNED_ROOTS = ['src', 'workers'] as const;
const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.js', '.mjs'] as const;

// ---- Checking -----------------------------------------------------------------------------------------------------

const rankOf = new Map<string, number>(LAYERS.flatMap((folders, rank) => folders.map((folder) => [folder, rank] as const)));
const declaredFolders = [...rankOf.keys(), ORACLE.folder].sort((a, b) => b.length - a.length); // longest first

/** The declared folder a repository path lies in (the longest that contains it), or null. */
function folderOf(path: string): string | null {
  return declaredFolders.find((folder) => path.startsWith(`${folder}/`)) ?? null;
}

/** Why the arrow `edge` is not allowed, or null when it is. */
function ruleBroken(edge: ImportEdge): string | null {
  const from = folderOf(edge.from);
  const to = folderOf(edge.to);
  if (from === null) return `${edge.from} lies in no declared layer (add its folder to LAYERS)`;
  if (to === null) return `imports ${edge.to}, which lies in no declared layer`;
  if (from === to) return null;
  if (to === 'workers') return 'src/ never imports workers/';
  const forbidden = ARROWS_FORBIDDEN.find(([a, b]) => a === from && b === to);
  if (forbidden) return forbidden[2];
  if (to === ORACLE.folder) {
    return ORACLE.importedBy.includes(from as never) ? null : `only tests/ and ${ORACLE.importedBy.join(', ')} may import ${ORACLE.folder}`;
  }
  const toRank = rankOf.get(to)!;
  if (from === ORACLE.folder) {
    return toRank <= rankOf.get(ORACLE.highestImport)! ? null : `${ORACLE.folder} may import production layers up to ${ORACLE.highestImport} only`;
  }
  const fromRank = rankOf.get(from)!;
  if (toRank < fromRank) return null;
  if (toRank === fromRank) {
    return PEER_ARROWS_ALLOWED.some(([a, b]) => a === from && b === to) ? null : `${from} and ${to} are of one rank and must not import each other`;
  }
  return `${from} imports ${to}, a higher layer`;
}

const root = repositoryRoot();
const files = listSourceFiles(root, SCANNED_ROOTS, SOURCE_EXTENSIONS);
const { edges, unresolved } = readImportEdges(root, files, SOURCE_EXTENSIONS);

describe('the import graph of src/ and workers/', () => {
  it('is read for real (the scanner sees the code base and a known arrow)', () => {
    expect(files.length).toBeGreaterThan(150);
    expect(edges.length).toBeGreaterThan(400);
    expect(edges.some((e) => e.from === 'src/nn/gpu-network.ts' && e.to === 'src/gpu/context.ts')).toBe(true);
    expect(edges.some((e) => e.from === 'src/cli/bin.js' && e.to === 'src/cli/main.ts')).toBe(true); // a dynamic import
  });

  it('names only files that exist', () => {
    expect(unresolved.map((e) => `${e.from}:${e.line} imports '${e.specifier}', which names no file`)).toEqual([]);
  });

  it('has every file in a declared layer', () => {
    expect(files.filter((file) => folderOf(file) === null).map((file) => `${file} lies in no declared layer`)).toEqual([]);
  });

  it('has no arrow against the layers', () => {
    const offences = edges.flatMap((edge) => {
      const broken = ruleBroken(edge);
      return broken === null ? [] : [`${edge.from}:${edge.line} -> ${edge.to}: ${broken}`];
    });
    expect(offences).toEqual([]);
  });

  it('has no cycle of files', () => {
    const cycles = findCycles(edges).map(({ cycle, componentSize }) =>
      `cycle ${cycle.join(' -> ')}${componentSize > cycle.length - 1 ? ` (one of the cycles among ${componentSize} files)` : ''}`,
    );
    expect(cycles).toEqual([]);
  });
});

describe('the rules', () => {
  const arrow = (from: string, to: string): ImportEdge => ({ from: `${from}/a.ts`, to: `${to}/b.ts`, specifier: '', line: 1 });
  it('allow arrows down the layers, within a folder and the declared exceptions', () => {
    const allowed = [
      arrow('src/nn', 'src/gpu'), arrow('src/gpu', 'src/gpu'), arrow('workers', 'src/session'), arrow('src/ui', 'src/render'),
      arrow('src/cli', 'src/bench'), arrow('src/bench', 'src/reference'), arrow('src/reference', 'src/render'),
    ];
    expect(allowed.map(ruleBroken)).toEqual(allowed.map(() => null));
  });

  it('reject arrows up the layers, between peers, into the oracle, out of src/ into workers/', () => {
    const rejected = [
      arrow('src/gpu', 'src/nn'), arrow('src/data', 'src/nn'), arrow('src/ui', 'src/cli'), arrow('src/bench', 'src/cli'),
      arrow('src/gpu', 'src/reference'), arrow('src/ui', 'src/reference'), arrow('src/reference', 'src/ui'),
      arrow('src/session', 'workers'), arrow('workers', 'src/ui'), arrow('src/extra', 'src/gpu'),
    ];
    expect(rejected.filter((edge) => ruleBroken(edge) === null)).toEqual([]);
  });
});

describe('the import scanner', () => {
  it('finds every import form and nothing in comments, strings or regular expressions', () => {
    const text = [
      "import { a,",
      "  b } from './multi-line.ts';",
      "import type { T } from '../types.ts';",
      "import './side-effect.ts';",
      "import shader from '../shaders/x.wgsl?raw';",
      "export { c } from \"./re-export.ts\";",
      "export * from './star.ts';",
      "const lazy = await import('./dynamic.ts');",
      "type M = typeof import('./type-only.ts');",
      "import { parseArgs } from 'node:util';",
      "// import { no } from './line-comment.ts';",
      "/* import('./block-comment.ts') */",
      "const url = 'http://example.com/'; const re = /'\\/\\/'/g; const half = 1 / 2; const again = 3 / 4;",
      "const t = `${'}'} import('./template.ts') ${`nested`}`;",
      "export const after = 1; import { last } from './last.ts';",
    ].join('\n');
    expect(importSpecifiers(text)).toEqual([
      { specifier: './multi-line.ts', line: 2 },
      { specifier: '../types.ts', line: 3 },
      { specifier: './side-effect.ts', line: 4 },
      { specifier: '../shaders/x.wgsl', line: 5 },
      { specifier: './re-export.ts', line: 6 },
      { specifier: './star.ts', line: 7 },
      { specifier: './dynamic.ts', line: 8 },
      { specifier: './type-only.ts', line: 9 },
      { specifier: 'node:util', line: 10 },
      { specifier: './last.ts', line: 15 },
    ]);
  });

  it('reports a cycle as its path, including a file that imports itself', () => {
    const edge = (from: string, to: string): ImportEdge => ({ from, to, specifier: to, line: 1 });
    const cycles = findCycles([edge('a', 'b'), edge('b', 'c'), edge('c', 'a'), edge('c', 'd'), edge('e', 'e')]);
    expect(cycles).toEqual([
      { cycle: ['a', 'b', 'c', 'a'], componentSize: 3 },
      { cycle: ['e', 'e'], componentSize: 1 },
    ]);
  });
});
