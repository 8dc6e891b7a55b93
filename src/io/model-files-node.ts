/**
 * Node file access for the TF.js Layers format: a model is a folder with `model.json` and the weight shards it
 * lists (paths relative to model.json). Serialisation itself is tfjs-layers.ts, shared with the page.
 */
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Model } from '../nn/layers.ts';
import { ModelFormatError } from './model-format-error.ts';
import { modelFromArtifacts, modelToArtifacts, type SaveOptions } from './tfjs-layers.ts';

/** Writes `model.json` and its weight shards into `dir` (created if needed); returns the paths written. */
export async function saveModelDir(model: Model, dir: string, options: SaveOptions = {}): Promise<string[]> {
  const { modelJson, weightData, shards } = modelToArtifacts(model, options);
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const shard of shards) {
    const path = join(dir, shard.path);
    await writeFile(path, new Uint8Array(weightData, shard.begin, shard.end - shard.begin));
    written.push(path);
  }
  // model.json last: a reader never sees a manifest whose shards are not written yet.
  const jsonPath = join(dir, 'model.json');
  await writeFile(jsonPath, `${JSON.stringify(modelJson, null, 2)}\n`);
  written.push(jsonPath);
  return written;
}

/** Loads a model from the path of its model.json (or of the folder holding a `model.json`). */
export async function loadModelDir(pathToModelJson: string): Promise<Model> {
  let jsonPath = resolve(pathToModelJson);
  if ((await stat(jsonPath)).isDirectory()) jsonPath = join(jsonPath, 'model.json');
  const text = await readFile(jsonPath, 'utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ModelFormatError(`${jsonPath}: not valid JSON: ${(err as Error).message}`);
  }
  const manifest = (json as { weightsManifest?: Array<{ paths?: unknown }> }).weightsManifest;
  if (!Array.isArray(manifest)) throw new ModelFormatError(`${jsonPath}: has no weightsManifest`);
  const shards = new Map<string, Uint8Array>();
  for (const group of manifest) {
    for (const path of Array.isArray(group?.paths) ? group.paths : []) {
      const file = join(dirname(jsonPath), decodeURIComponent(String(path)));
      try {
        shards.set(String(path), await readFile(file));
      } catch (err) {
        throw new ModelFormatError(`${jsonPath}: weight shard '${String(path)}' cannot be read: ${(err as Error).message}`);
      }
    }
  }
  try {
    return modelFromArtifacts(json, shards);
  } catch (err) {
    if (err instanceof ModelFormatError) throw new ModelFormatError(`${jsonPath}: ${err.message}`, err.layer);
    throw err;
  }
}
