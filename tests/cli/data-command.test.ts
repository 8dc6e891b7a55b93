import { describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dataCommand } from '../../src/cli/commands/data.ts';
import { idxFile, patternBytes, useScratchDir } from '../helpers/dataset-files.ts';

const scratch = useScratchDir();

async function run(args: string[]) {
  let out = '';
  let err = '';
  const code = await dataCommand(args, { stdout: (s) => (out += s), stderr: (s) => (err += s) });
  return { code, out, err };
}

/** 30 training images (labels 0, 1, 2 in turn) and 6 test images, 4x4 grey. */
function idxSpec(): string {
  const dir = join(scratch(), 'idx');
  mkdirSync(dir, { recursive: true });
  const file = (name: string, bytes: Uint8Array) => {
    writeFileSync(join(dir, name), bytes);
    return join(dir, name);
  };
  const train = file('train-images', idxFile([30, 4, 4], patternBytes(30, 4, 4, 1)));
  const trainLabels = file('train-labels', idxFile([30], Array.from({ length: 30 }, (_, i) => i % 3)));
  const test = file('test-images', idxFile([6, 4, 4], patternBytes(6, 4, 4, 1, 2)));
  const testLabels = file('test-labels', idxFile([6], [0, 1, 2, 0, 1, 2]));
  return `idx:${train},${trainLabels};${test},${testLabels}`;
}

describe('aom-studio data', () => {
  it('prints JSON with the shape, class names and counts per split and class', async () => {
    const { code, out } = await run([idxSpec(), '--json', '--seed', '4', '--validation=0.2']);
    expect(code).toBe(0);
    const summary = JSON.parse(out);
    expect(summary.name).toBe('idx:train-images');
    expect(summary.imageShape).toEqual([4, 4, 1]);
    expect(summary.classNames).toEqual(['0', '1', '2']);
    expect(summary.counts).toEqual({ train: 24, validation: 6, test: 6 });
    expect(summary.perClass).toEqual([0, 1, 2].map((k) => ({ className: String(k), train: 8, validation: 2, test: 2 })));
    expect(summary.seed).toBe(4);
    expect(summary.testFraction).toBeNull();
    expect(summary.gpuBytes).toEqual({ images: 36 * 16, labels: 36 * 4, total: 36 * 20 });
    expect(summary.normalisation.mean).toHaveLength(1);
  });

  it('prints a readable table by default', async () => {
    const { code, out } = await run([idxSpec()]);
    expect(code).toBe(0);
    expect(out).toMatch(/^dataset {8}idx:train-images$/m);
    expect(out).toMatch(/^images {9}4x4x1 \(height x width x channels, grey\)$/m);
    expect(out).toMatch(/^class {2}train {2}validation {2}test {2}total$/m);
    expect(out).toMatch(/^total {5}27 {11}3 {5}6 {5}36$/m);
  });

  it('exits 1 with the file and the problem for a bad dataset, 2 for bad usage', async () => {
    const missing = await run([`idx:${join(scratch(), 'none')},x`]);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/^aom-studio data: .*none: does not exist\n$/);
    expect(missing.out).toBe('');
    for (const args of [[], ['mnist', '--validation', '1.5'], ['mnist', '--seed', 'x'], ['mnist', '--frobnicate'], ['mnist', '--seed'], ['mnist', 'cifar10:x']]) {
      const bad = await run(args);
      expect(bad.code, args.join(' ')).toBe(2);
      expect(bad.err).toMatch(/usage: aom-studio data <spec>/);
    }
    expect((await run(['cifar10'])).code).toBe(1); // a malformed spec is a dataset error naming the spec
  });
});
