/**
 * A small, fast reader of the repository's import graph, for the architecture test (no TypeScript compiler: a
 * comment-aware lexer and a few regular expressions are enough for the import forms this code base uses).
 *
 * Forms found: `import ... from '...'` (also `import type`, multi-line), `import '...'`, `export ... from '...'`,
 * `import('...')` (dynamic, and the type-only `typeof import('...')`). Comments and template text are blanked first so that an
 * example in a doc comment is not taken for an import. `?raw` / `?url` style queries are stripped. Bare
 * specifiers (packages, `node:` modules) are not part of the graph and are dropped.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One import arrow: `from` and `to` are repository-relative paths with forward slashes. */
export interface ImportEdge {
  from: string;
  to: string;
  /** The specifier as written (query stripped), for messages. */
  specifier: string;
  /** 1-based line of the specifier in `from`. */
  line: number;
}

/** Files under `roots` (repository-relative folders) whose names end in one of `extensions`, sorted. */
export function listSourceFiles(repoRoot: string, roots: readonly string[], extensions: readonly string[]): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(join(repoRoot, dir))) {
      const path = `${dir}/${name}`;
      if (statSync(join(repoRoot, path)).isDirectory()) walk(path);
      else if (extensions.some((ext) => name.endsWith(ext))) files.push(path);
    }
  };
  for (const root of roots) walk(root);
  return files.sort();
}

/**
 * The text with every comment and the literal text of every template literal replaced by spaces (newlines kept,
 * so line numbers stay right). Strings, template literals (with nested `${...}`) and regular-expression literals
 * are skipped over so that `//` or a quote inside them is not misread. A '...' or "..." string ends at a line break at the latest: JSX text such as `Don't` opens
 * no string that swallows the rest of the file.
 */
export function blankComments(text: string): string {
  const out = text.split('');
  // Template-literal nesting: each entry is the brace depth at which the enclosing `${` was opened.
  const templateStack: number[] = [];
  let braceDepth = 0;
  let i = 0;
  let lastSignificant = ''; // previous non-space code character, to tell a regex literal from a division
  let lastWord = '';
  const blank = (from: number, to: number): void => {
    for (let k = from; k < to; k++) if (out[k] !== '\n') out[k] = ' ';
  };
  const skipTemplate = (): void => {
    // i is just after a backtick (or just after the `}` that closes a `${...}`): blank the literal text up to the
    // closing backtick or to the next `${` (the expression inside is code and is read as such).
    const start = i;
    while (i < text.length) {
      const c = text[i];
      if (c === '\\') i += 2;
      else if (c === '`') { blank(start, i); i++; return; }
      else if (c === '$' && text[i + 1] === '{') { blank(start, i); i += 2; templateStack.push(braceDepth); braceDepth++; return; }
      else i++;
    }
    blank(start, text.length);
  };
  while (i < text.length) {
    const c = text[i];
    const next = text[i + 1];
    if (c === '/' && next === '/') {
      const end = text.indexOf('\n', i);
      const stop = end < 0 ? text.length : end;
      blank(i, stop);
      i = stop;
    } else if (c === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? text.length : end + 2;
      blank(i, stop);
      i = stop;
    } else if (c === "'" || c === '"') {
      i++;
      while (i < text.length && text[i] !== c && text[i] !== '\n') i += text[i] === '\\' ? 2 : 1;
      i++;
      lastSignificant = c;
    } else if (c === '`') {
      i++;
      skipTemplate();
      lastSignificant = '`';
    } else if (c === '/' && regexMayStart(lastSignificant, lastWord)) {
      i++;
      let inClass = false;
      while (i < text.length && text[i] !== '\n' && (inClass || text[i] !== '/')) {
        if (text[i] === '\\') i++;
        else if (text[i] === '[') inClass = true;
        else if (text[i] === ']') inClass = false;
        i++;
      }
      i++;
      lastSignificant = '/';
    } else if (c === '{') {
      braceDepth++;
      lastSignificant = c;
      i++;
    } else if (c === '}') {
      braceDepth--;
      i++;
      if (templateStack.length > 0 && templateStack[templateStack.length - 1] === braceDepth) {
        templateStack.pop();
        skipTemplate();
        lastSignificant = '`';
      } else lastSignificant = c;
    } else {
      if (/[A-Za-z0-9_$]/.test(c)) {
        let end = i;
        while (end < text.length && /[A-Za-z0-9_$]/.test(text[end])) end++;
        lastWord = text.slice(i, end);
        lastSignificant = 'a';
        i = end;
        continue;
      }
      if (!/\s/.test(c)) { lastSignificant = c; lastWord = ''; }
      i++;
    }
  }
  return out.join('');
}

/** After these, a `/` begins a regular expression; after an identifier, number or `)` / `]` it divides. */
function regexMayStart(lastSignificant: string, lastWord: string): boolean {
  if (lastSignificant === '') return true;
  if (lastSignificant === 'a') return ['return', 'typeof', 'case', 'do', 'else', 'in', 'of', 'void', 'yield', 'await'].includes(lastWord);
  return '(,=:[!&|?{};+-*%<>~^'.includes(lastSignificant);
}

// Each pattern captures the specifier in group 2 (group 1 is its quote). `[^'"`;]*?` lets a static import's clause
// span lines (multi-line `{ a, b }` lists) without running past the end of a statement or into another string.
const IMPORT_PATTERNS: readonly RegExp[] = [
  /(?:^|[\n;}])\s*(?:import|export)\s[^'"`;]*?\bfrom\s*(['"])([^'"\n]+)\1/g, // import/export ... from '...'
  /(?:^|[\n;}])\s*import\s*(['"])([^'"\n]+)\1/g, // import '...' (side effects only)
  /\bimport\s*\(\s*(['"])([^'"\n]+)\1\s*\)/g, // import('...'), also typeof import('...')
];

/** The specifiers a source text imports, with their 1-based lines, queries (`?raw`) stripped, in text order. */
export function importSpecifiers(text: string): { specifier: string; line: number }[] {
  const code = blankComments(text);
  const found: { specifier: string; index: number }[] = [];
  for (const pattern of IMPORT_PATTERNS) {
    for (const match of code.matchAll(pattern)) {
      const raw = match[2];
      found.push({ specifier: raw.replace(/\?.*$/, ''), index: match.index + match[0].lastIndexOf(raw) });
    }
  }
  found.sort((a, b) => a.index - b.index);
  return found.map(({ specifier, index }) => ({ specifier, line: code.slice(0, index).split('\n').length }));
}

/**
 * The repository-relative file a relative specifier names, from `fromFile`: the path as written, else with a
 * source extension or `/index.<ext>` appended. Null for a bare specifier (a package); a relative specifier that
 * names no file comes back as the path it would be, with `missing: true`.
 */
export function resolveSpecifier(
  repoRoot: string,
  fromFile: string,
  specifier: string,
  extensions: readonly string[],
): { path: string; missing: boolean } | null {
  if (!specifier.startsWith('./') && !specifier.startsWith('../')) return null;
  const base = posix.normalize(posix.join(posix.dirname(fromFile), specifier));
  const candidates = [base, ...extensions.map((ext) => base + ext), ...extensions.map((ext) => `${base}/index${ext}`)];
  for (const candidate of candidates) {
    try {
      if (statSync(join(repoRoot, candidate)).isFile()) return { path: candidate, missing: false };
    } catch {
      // not this candidate; try the next
    }
  }
  return { path: base, missing: true };
}

/** Every relative import arrow among `files` (repository-relative paths). */
export function readImportEdges(repoRoot: string, files: readonly string[], extensions: readonly string[]): {
  edges: ImportEdge[];
  unresolved: ImportEdge[];
} {
  const edges: ImportEdge[] = [];
  const unresolved: ImportEdge[] = [];
  for (const from of files) {
    const text = readFileSync(join(repoRoot, from), 'utf8');
    for (const { specifier, line } of importSpecifiers(text)) {
      const target = resolveSpecifier(repoRoot, from, specifier, extensions);
      if (target === null) continue;
      (target.missing ? unresolved : edges).push({ from, to: target.path, specifier, line });
    }
  }
  return { edges, unresolved };
}

/**
 * Every import cycle among files, one per strongly connected component (Tarjan), each given as a closed path
 * `a -> b -> ... -> a` found by a breadth-first walk inside the component from its first file (so it is a
 * shortest cycle through that file). A file importing itself is a cycle of one.
 */
export function findCycles(edges: readonly ImportEdge[]): { cycle: string[]; componentSize: number }[] {
  const next = new Map<string, Set<string>>();
  for (const { from, to } of edges) {
    if (!next.has(from)) next.set(from, new Set());
    next.get(from)!.add(to);
  }
  const nodes = [...new Set(edges.flatMap(({ from, to }) => [from, to]))].sort();
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;
  const strongConnect = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        strongConnect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      components.push(component.sort());
    }
  };
  for (const v of nodes) if (!index.has(v)) strongConnect(v);

  const cycles: { cycle: string[]; componentSize: number }[] = [];
  for (const component of components) {
    const start = component[0];
    const selfLoop = next.get(start)?.has(start) ?? false;
    if (component.length === 1 && !selfLoop) continue;
    const members = new Set(component);
    // Breadth-first from `start` inside the component until an arrow leads back to `start`.
    const parent = new Map<string, string>();
    const queue = [start];
    let closing: string | null = selfLoop ? start : null;
    while (closing === null && queue.length > 0) {
      const v = queue.shift()!;
      for (const w of [...(next.get(v) ?? [])].sort()) {
        if (w === start) { closing = v; break; }
        if (members.has(w) && !parent.has(w)) { parent.set(w, v); queue.push(w); }
      }
    }
    const path = [start];
    for (let v = closing!; v !== start; v = parent.get(v)!) path.splice(1, 0, v);
    cycles.push({ cycle: [...path, start], componentSize: component.length });
  }
  return cycles;
}

/** The repository root, from this file's location (tests/architecture/). */
export function repositoryRoot(): string {
  return dirname(dirname(dirname(fileURLToPath(import.meta.url))));
}
