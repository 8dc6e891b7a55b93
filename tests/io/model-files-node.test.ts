import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModelDir, saveModelDir } from '../../src/io/model-files-node.ts';
import { ModelFormatError } from '../../src/io/tfjs-layers.ts';
import { cifarRef } from '../../src/nn/architectures.ts';
import { initModel } from '../../src/nn/init.ts';
import { everyKindSpec, randomModel } from '../helpers/models.ts';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'aom-model-'));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('model folders in Node', () => {
  it('save model.json and shards, and load them back from the file or the folder', async () => {
    const dir = join(await tempDir(), 'cifar');
    const model = initModel(cifarRef(), 4);
    const written = await saveModelDir(model, dir);
    expect((await readdir(dir)).sort()).toEqual(['group1-shard1of2.bin', 'group1-shard2of2.bin', 'model.json']);
    expect(written.at(-1)).toBe(join(dir, 'model.json'));
    const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    expect(json.weightsManifest[0].paths).toEqual(['group1-shard1of2.bin', 'group1-shard2of2.bin']);

    for (const path of [join(dir, 'model.json'), dir]) {
      const loaded = await loadModelDir(path);
      expect(loaded.spec).toEqual(model.spec);
      const a = loaded.weights.dense1.kernel.data;
      const b = model.weights.dense1.kernel.data;
      expect(Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength))).toBe(true);
    }
  });

  it('name the file when a shard is missing or a weight does not fit', async () => {
    const dir = await tempDir();
    await saveModelDir(randomModel(everyKindSpec(), 1), dir);
    const jsonPath = join(dir, 'model.json');
    const json = JSON.parse(await readFile(jsonPath, 'utf8'));
    json.weightsManifest[0].weights[0].shape = [3, 3, 5, 3];
    await writeFile(jsonPath, JSON.stringify(json));
    const err = await loadModelDir(jsonPath).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelFormatError);
    expect((err as ModelFormatError).layer).toBe('conv1');
    expect((err as Error).message).toContain(`${jsonPath}: layer 'conv1' (conv2d)`);

    await rm(join(dir, 'group1-shard1of1.bin'));
    await expect(loadModelDir(dir)).rejects.toThrow(/weight shard 'group1-shard1of1.bin' cannot be read/);
  });
});
