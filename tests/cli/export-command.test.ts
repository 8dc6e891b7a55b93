import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exportCommand } from '../../src/cli/commands/export.ts';
import { resolveModel } from '../../src/cli/session.ts';
import { loadModelDir, loadModelFile, saveModelDir } from '../../src/io/model-files-node.ts';
import { referenceForward } from '../../src/reference/model-forward.ts';
import { everyKindSpec, randomInput, randomModel } from '../helpers/models.ts';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'aom-export-'));
  dirs.push(dir);
  return dir;
}

async function run(args: string[]) {
  let out = '';
  let err = '';
  const code = await exportCommand(args, { stdout: (s) => (out += s), stderr: (s) => (err += s) });
  return { code, out, err };
}

const logits = (model: Awaited<ReturnType<typeof loadModelFile>>) => referenceForward(model, randomInput(2 * 7 * 9 * 3, 1, -1, 1), 2).output;

describe('aom-studio export', () => {
  it('writes a model.json model as ONNX and back as TF.js Layers, with the same outputs', async () => {
    const dir = await tempDir();
    const model = randomModel(everyKindSpec(), 4);
    await saveModelDir(model, join(dir, 'model'));
    const onnxPath = join(dir, 'every-kind.onnx');
    const first = await run(['--model', join(dir, 'model', 'model.json'), '--format', 'onnx', '--out', onnxPath]);
    expect(first.err).toBe('');
    expect(first.code).toBe(0);
    expect(first.out).toContain('ONNX, opset 13, input NCHW [batch, 3, 7, 9]');
    const fromOnnx = await loadModelFile(onnxPath);
    const second = await run(['--model', onnxPath, '--out', join(dir, 'back'), '--json']);
    expect(second.code).toBe(0);
    expect(JSON.parse(second.out)).toMatchObject({ format: 'tfjs', name: 'every-kind' });
    const back = await loadModelDir(join(dir, 'back'));
    const expected = logits(model);
    for (const m of [fromOnnx, back]) {
      const got = logits(m);
      for (let i = 0; i < got.length; i++) expect(Math.abs(got[i] - expected[i])).toBeLessThan(1e-6);
    }
  });

  it('every command that takes --model takes a .onnx file (resolveModel)', async () => {
    const dir = await tempDir();
    const onnxPath = join(dir, 'm.onnx');
    await saveModelDir(randomModel(everyKindSpec(), 5), join(dir, 'model'));
    expect((await run(['--model', join(dir, 'model', 'model.json'), '--out', onnxPath])).code).toBe(0);
    const { model, builtIn } = await resolveModel(onnxPath, 1);
    expect(builtIn).toBe(false);
    expect(model.spec.classNames).toEqual(['cat', 'dog', 'bird', 'fish']);
  });

  it('a format that does not fit --out is a usage error; a bad model writes nothing', async () => {
    const dir = await tempDir();
    const usage = await run(['--model', 'x.json', '--format', 'onnx', '--out', join(dir, 'folder')]);
    expect(usage.code).toBe(2);
    expect(usage.err).toContain('--out must be a .onnx file for --format onnx');
    const bad = join(dir, 'bad.onnx');
    await writeFile(bad, new Uint8Array([0x08, 0x07, 0x12, 0x05, 0x01]));
    await expect(run(['--model', bad, '--out', join(dir, 'out')])).rejects.toThrow(/bad\.onnx: is not an ONNX model/);
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });
});
