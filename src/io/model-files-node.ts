/**
 * Node file access for models: the TF.js Layers format (a folder with `model.json` and the weight shards it lists,
 * paths relative to model.json) and ONNX (one `.onnx` file). Serialisation itself is tfjs-layers.ts and onnx/,
 * shared with the page.
 */
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Model } from '../nn/layers.ts';
import { ModelFormatError } from './model-format-error.ts';
import { unsafeEntryName } from '../data/archive-path.ts';
import { parseUntrustedJson } from './untrusted-json.ts';
import { modelFromOnnx, MAX_ONNX_BYTES } from './onnx/onnx-import.ts';
import { modelToOnnx } from './onnx/onnx-export.ts';
import { MAX_MODEL_JSON_BYTES, modelFromArtifacts, modelToArtifacts, type SaveOptions } from './tfjs-layers.ts';

/** Whether `path` names an ONNX file (by its extension). */
export const isOnnxPath = (path: string): boolean => /\.onnx$/i.test(path);

/** A model from a `.onnx` file, a `model.json` or a folder holding one. */
export async function loadModelFile(path: string): Promise<Model> {
  if (!isOnnxPath(path)) return loadModelDir(path);
  const full = resolve(path);
  const { size } = await stat(full);
  // Bounded before the read allocates: the file's size, not what it claims inside.
  if (size > MAX_ONNX_BYTES) throw new ModelFormatError(`${full}: is ${size.toLocaleString('en')} bytes, more than the ${MAX_ONNX_BYTES.toLocaleString('en')} an ONNX model may have here`);
  return modelFromOnnx(new Uint8Array(await readFile(full)), full);
}

/** Writes `model` as one ONNX file at `path` (its folder created if needed); returns the path. */
export async function saveModelOnnx(model: Model, path: string): Promise<string> {
  const bytes = modelToOnnx(model);
  await mkdir(dirname(resolve(path)), { recursive: true });
  await writeFile(path, bytes);
  return path;
}

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
  const { size } = await stat(jsonPath);
  if (size > MAX_MODEL_JSON_BYTES) throw new ModelFormatError(`${jsonPath}: is ${size.toLocaleString('en')} bytes, more than the ${MAX_MODEL_JSON_BYTES.toLocaleString('en')} a model.json may have`);
  let json: unknown;
  try {
    json = parseUntrustedJson(await readFile(jsonPath, 'utf8'), jsonPath, MAX_MODEL_JSON_BYTES);
  } catch (err) {
    throw new ModelFormatError((err as Error).message);
  }
  const manifest = (json as { weightsManifest?: Array<{ paths?: unknown }> }).weightsManifest;
  if (!Array.isArray(manifest)) throw new ModelFormatError(`${jsonPath}: has no weightsManifest`);
  const shards = new Map<string, Uint8Array>();
  for (const group of manifest) {
    for (const path of Array.isArray(group?.paths) ? group.paths : []) {
      let relative: string;
      try {
        relative = decodeURIComponent(String(path));
      } catch {
        throw new ModelFormatError(`${jsonPath}: weight shard path ${JSON.stringify(String(path)).slice(0, 200)} is not a valid URI path`);
      }
      // A shard lies beside model.json or below it; a path out of the folder is refused, not followed.
      const unsafe = unsafeEntryName(relative.replace(/^\.\//, ''));
      if (unsafe) throw new ModelFormatError(`${jsonPath}: weight shard '${relative.slice(0, 200)}' ${unsafe}`);
      const file = join(dirname(jsonPath), relative);
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
