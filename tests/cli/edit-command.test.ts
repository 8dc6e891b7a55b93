import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { editCommand } from '../../src/cli/commands/edit.ts';
import { loadModelDir, saveModelDir } from '../../src/io/model-files-node.ts';
import { summarizeModel } from '../../src/nn/shapes.ts';
import { randomModel } from '../helpers/models.ts';
import { logitsOf, maxAbsDiff, smallConvSpec } from '../helpers/surgery-models.ts';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** A saved random small-conv model; returns the folder. */
async function savedModel(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'aom-edit-'));
  dirs.push(dir);
  await saveModelDir(randomModel(smallConvSpec(), 3), join(dir, 'model'));
  return dir;
}

async function run(args: string[]) {
  let out = '';
  let err = '';
  const code = await editCommand(args, { stdout: (s) => (out += s), stderr: (s) => (err += s) });
  return { code, out, err };
}

describe('aom-studio edit', () => {
  it('applies edits in the order given and writes a loadable model; widen and insert keep the logits', async () => {
    const dir = await savedModel();
    const model = join(dir, 'model', 'model.json');
    const out = join(dir, 'wider');
    // The insert names its layer conv1_deep, which the widen after it refers to: the order matters.
    const { code, out: text, err } = await run(['--model', model, '--insert-after', 'conv1:3x3', '--widen=conv1_deep:+3', '--widen', 'dense1:+2:fresh', '--out', out]);
    expect(err).toBe('');
    expect(code).toBe(0);
    const before = await loadModelDir(model);
    const after = await loadModelDir(out);
    expect(after.spec.layers.map((l) => l.name)).toEqual(['conv1', 'conv1_deep', 'pool1', 'conv2', 'flatten', 'dense1', 'dense2']);
    expect(after.weights.conv1_deep.kernel.shape).toEqual([3, 3, 4, 7]);
    expect(maxAbsDiff(logitsOf(after, 3, 4), logitsOf(before, 3, 4))).toBeLessThan(1e-4);
    expect(text).toContain('edit 1   insert identity conv 3x3 after conv1');
    expect(text).toContain('edit 2   widen conv1_deep by 3 kernels (net2net copies)');
    const p0 = summarizeModel(before.spec).totalParams.toLocaleString('en-US');
    const p1 = summarizeModel(after.spec).totalParams.toLocaleString('en-US');
    expect(text).toMatch(new RegExp(`params\\s+${p0}\\s+${p1}\\s+\\+`));
    expect(text).toMatch(/conv1_deep\s+added \(conv2d, output \[8, 8, 7\]\)/);
    expect(text).toContain(`saved    ${out}`);
  });

  it('drops kernels and reports smaller params and FLOPs as JSON', async () => {
    const dir = await savedModel();
    const out = join(dir, 'smaller');
    const { code, out: text } = await run(['--model', join(dir, 'model'), '--drop', 'conv1:0,2', '--drop', 'conv2:1-3', '--out', out, '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(text);
    expect(report.edits.map((e: { description: string }) => e.description)).toEqual(['drop 2 kernels of conv1 (0, 2)', 'drop 3 kernels of conv2 (1-3)']);
    expect(report.params.delta).toBeLessThan(0);
    expect(report.flops.delta).toBeLessThan(0);
    const after = await loadModelDir(out);
    expect(summarizeModel(after.spec).totalParams).toBe(report.params.b);
    expect(after.weights.conv2.kernel.shape).toEqual([2, 2, 2, 2]);
    expect(after.weights.dense1.kernel.shape).toEqual([2 * 2 * 2, 6]);
    expect(report.layers.find((l: { name: string }) => l.name === 'dense1').changes).toEqual(['kernel: [20,6] -> [8,6]']);
  });

  it('rejects bad edit strings and impossible edits with a message naming the problem', async () => {
    const dir = await savedModel();
    const model = join(dir, 'model');
    const out = join(dir, 'never');
    const cases: [string[], number, RegExp][] = [
      [['--drop', 'conv1:a'], 2, /--drop 'conv1:a': kernel 'a' is not a kernel index/],
      [['--widen', 'conv2:8:wide'], 2, /--widen 'conv2:8:wide': mode 'wide' is neither/],
      [['--insert-after', 'conv2:3x3:x'], 2, /width 'x' is not a positive integer/],
      [['--drop', 'conv1:1', '--noise', '0.1'], 2, /--noise applies to net2net widening/],
      [[], 2, /no edits given/],
      [['--drop', 'conv7:1'], 1, /edit 1 \(drop 1 kernel of conv7 \(1\)\): model 'small-conv' has no layer 'conv7'/],
      [['--drop', 'conv1:1', '--drop', 'conv1:3'], 1, /edit 2 .*layer 'conv1': kernel 3 is out of range; the layer has kernels 0\.\.2/],
      [['--insert-after', 'conv2:3x3:2'], 1, /width 2 is not function-preserving/],
    ];
    for (const [edits, code, pattern] of cases) {
      const result = await run(['--model', model, ...edits, '--out', out]);
      expect(result.code, edits.join(' ')).toBe(code);
      expect(result.err).toMatch(pattern);
    }
    expect((await run(['--drop', 'conv1:1', '--out', out])).err).toMatch(/missing --model/);
    expect((await run(['--model', model, '--drop', 'conv1:1'])).err).toMatch(/missing --out/);
    expect((await run(['--model', join(dir, 'nothing'), '--drop', 'conv1:1', '--out', out])).err).toMatch(/ENOENT.*nothing/);
    await expect(loadModelDir(out)).rejects.toThrow(/ENOENT/); // nothing was written
  });
});
