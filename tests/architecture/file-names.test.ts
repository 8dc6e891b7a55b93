/**
 * One naming rule for files, checked over the tree:
 *   - TypeScript and JavaScript files are kebab-case (`gpu-network.ts`, `engine.worker.ts`);
 *   - shaders are snake_case (`gather_batch.wgsl`), the style of WGSL's own identifiers and entry points;
 *   - a file outside src/cli (which is Node-only as a whole) that uses Node's APIs (`node:` modules) ends in
 *     `-node.ts`, so a reader of any import knows whether the page can take it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repositoryRoot } from './import-scanner.ts';

const root = repositoryRoot();

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

const rel = (p: string) => relative(root, p).split('\\').join('/');
const code = [...walk(join(root, 'src')), ...walk(join(root, 'workers'))].map(rel).filter((p) => /\.(ts|tsx|js)$/.test(p) && !p.endsWith('.d.ts'));
const shaders = walk(join(root, 'shaders')).map(rel);

describe('file names', () => {
  it('finds the files it checks', () => {
    expect(code.length).toBeGreaterThan(150);
    expect(shaders).toContain('shaders/gemm.wgsl');
  });

  it('TypeScript and JavaScript files are kebab-case', () => {
    const bad = code.filter((p) => !/^[a-z0-9]+(-[a-z0-9]+)*(\.worker)?\.(ts|tsx|js)$/.test(p.slice(p.lastIndexOf('/') + 1)));
    expect(bad).toEqual([]);
  });

  it('shaders are snake_case .wgsl', () => {
    const bad = shaders.filter((p) => !/^shaders\/[a-z0-9]+(_[a-z0-9]+)*\.wgsl$/.test(p));
    expect(bad).toEqual([]);
  });

  it('Node-only files outside src/cli end in -node.ts', () => {
    const usesNode = (p: string) => /from ['"]node:|import\(['"]node:/.test(readFileSync(join(root, p), 'utf8'));
    const bad = code.filter((p) => !p.startsWith('src/cli/') && usesNode(p) && !p.endsWith('-node.ts'));
    expect(bad).toEqual([]);
    const named = code.filter((p) => p.endsWith('-node.ts'));
    expect(named.length).toBeGreaterThanOrEqual(4);
  });
});
