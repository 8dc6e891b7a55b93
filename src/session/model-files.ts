/**
 * Models as the user's files: import model.json + its weight shards (matched by the names the manifest lists),
 * and export a version as those files (the TF.js Layers format).
 */
import { modelFromArtifacts, modelToArtifacts, ModelFormatError, type ModelJson } from '../io/tfjs-layers.ts';
import type { Model } from '../nn/layers.ts';
import type { ModelFiles } from './engine-api.ts';
import type { UserFile } from './user-files.ts';

const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1);

/** Parses model.json text, naming the file in the error. */
export function parseJson(file: UserFile): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(file.bytes));
  } catch (error) {
    throw new ModelFormatError(`${file.path}: is not valid JSON (${(error as Error).message}); expected a TF.js Layers model.json`);
  }
}

/** A model from model.json and its shard files, matched by the names the manifest lists. */
export function modelFromUserFiles(files: readonly UserFile[]): Model {
  const jsonFiles = files.filter((f) => f.path.toLowerCase().endsWith('.json'));
  if (jsonFiles.length !== 1) {
    throw new ModelFormatError(
      jsonFiles.length === 0
        ? `no model.json among ${files.map((f) => f.path).join(', ') || 'the files'}; pick model.json together with its .bin weight shards`
        : `several .json files (${jsonFiles.map((f) => f.path).join(', ')}); pick one model.json with its shards`,
    );
  }
  const json = parseJson(jsonFiles[0]) as ModelJson;
  const shards = new Map<string, Uint8Array>();
  for (const f of files) if (f !== jsonFiles[0]) shards.set(baseName(f.path), f.bytes);
  const wanted = (json.weightsManifest ?? []).flatMap((g) => g.paths ?? []);
  const missing = wanted.filter((p) => !shards.has(baseName(p)));
  if (missing.length) throw new ModelFormatError(`${jsonFiles[0].path}: weight shard(s) ${missing.join(', ')} were not given; pick them together with model.json`);
  const byPath = new Map(wanted.map((p) => [p, shards.get(baseName(p))!]));
  return modelFromArtifacts(json, byPath);
}

/** model.json and its shards for `model`. */
export function modelToFiles(model: Model): ModelFiles {
  const artifacts = modelToArtifacts(model);
  const bytes = new Uint8Array(artifacts.weightData);
  return {
    files: [
      { name: 'model.json', bytes: new TextEncoder().encode(JSON.stringify(artifacts.modelJson, null, 1)) },
      ...artifacts.shards.map((s) => ({ name: s.path, bytes: bytes.slice(s.begin, s.end) })),
    ],
  };
}
