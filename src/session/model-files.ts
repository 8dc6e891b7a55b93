/**
 * Models as the user's files: import model.json + its weight shards (matched by the names the manifest lists) or
 * one .onnx file, and export a version as those files (the TF.js Layers format) or as one .onnx file.
 */
import { MAX_MODEL_JSON_BYTES, modelFromArtifacts, modelToArtifacts, ModelFormatError, type ModelJson } from '../io/tfjs-layers.ts';
import { MAX_ONNX_BYTES, modelFromOnnx } from '../io/onnx/onnx-import.ts';
import { modelToOnnx } from '../io/onnx/onnx-export.ts';
import type { Model } from '../nn/layers.ts';
import type { ModelFiles } from './engine-api.ts';
import type { UserFile } from './user-files.ts';
import { parseUntrustedJson } from '../io/untrusted-json.ts';

/** The formats a model is exported in: TF.js Layers (model.json + shards, the native one) or ONNX. */
export type ModelFileFormat = 'tfjs' | 'onnx';

const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1);

/** Parses model.json text, naming the file in the error. */
export function parseJson(file: UserFile): unknown {
  if (file.bytes.byteLength > MAX_MODEL_JSON_BYTES) {
    throw new ModelFormatError(`${file.path}: is ${file.bytes.byteLength.toLocaleString('en')} bytes, more than the ${MAX_MODEL_JSON_BYTES.toLocaleString('en')} a model.json may have`);
  }
  try {
    return parseUntrustedJson(new TextDecoder().decode(file.bytes), file.path, MAX_MODEL_JSON_BYTES);
  } catch (error) {
    throw new ModelFormatError(`${(error as Error).message}; expected a TF.js Layers model.json`);
  }
}

/** A model from one .onnx file, or from model.json and its shard files, matched by the names the manifest lists. */
export function modelFromUserFiles(files: readonly UserFile[]): Model {
  const onnxFiles = files.filter((f) => /\.onnx$/i.test(f.path));
  if (onnxFiles.length > 0) {
    if (files.length !== 1) throw new ModelFormatError(`${onnxFiles[0].path}: an ONNX model is one file; pick it alone (also given: ${files.filter((f) => f !== onnxFiles[0]).map((f) => f.path).join(', ')})`);
    if (onnxFiles[0].bytes.byteLength > MAX_ONNX_BYTES) throw new ModelFormatError(`${onnxFiles[0].path}: is larger than the ${MAX_ONNX_BYTES.toLocaleString('en')} bytes an ONNX model may have here`);
    return modelFromOnnx(onnxFiles[0].bytes, onnxFiles[0].path);
  }
  const jsonFiles = files.filter((f) => f.path.toLowerCase().endsWith('.json'));
  if (jsonFiles.length !== 1) {
    throw new ModelFormatError(
      jsonFiles.length === 0
        ? `no model.json among ${files.map((f) => f.path).join(', ') || 'the files'}; pick model.json together with its .bin weight shards, or one .onnx file`
        : `several .json files (${jsonFiles.map((f) => f.path).join(', ')}); pick one model.json with its shards`,
    );
  }
  const json = parseJson(jsonFiles[0]) as ModelJson;
  const shards = new Map<string, Uint8Array>();
  for (const f of files) if (f !== jsonFiles[0]) shards.set(baseName(f.path), f.bytes);
  const manifest: unknown = json?.weightsManifest ?? [];
  if (!Array.isArray(manifest) || !manifest.every((g) => typeof g === 'object' && g !== null && (g.paths === undefined || (Array.isArray(g.paths) && g.paths.every((p: unknown) => typeof p === 'string'))))) {
    throw new ModelFormatError(`${jsonFiles[0].path}: weightsManifest must be a list of { paths, weights } groups`);
  }
  const wanted = (manifest as { paths?: string[] }[]).flatMap((g) => g.paths ?? []);
  const missing = wanted.filter((p) => !shards.has(baseName(p)));
  if (missing.length) throw new ModelFormatError(`${jsonFiles[0].path}: weight shard(s) ${missing.join(', ')} were not given; pick them together with model.json`);
  const byPath = new Map(wanted.map((p) => [p, shards.get(baseName(p))!]));
  try {
    return modelFromArtifacts(json, byPath);
  } catch (error) {
    if (error instanceof ModelFormatError) throw new ModelFormatError(`${jsonFiles[0].path}: ${error.message}`, error.layer);
    throw error;
  }
}

/** model.json and its shards for `model` (tfjs), or one `<name>.onnx` (onnx). */
export function modelToFiles(model: Model, format: ModelFileFormat = 'tfjs'): ModelFiles {
  if (format === 'onnx') return { files: [{ name: `${model.spec.name.replace(/[^A-Za-z0-9._-]+/g, '_') || 'model'}.onnx`, bytes: modelToOnnx(model) }] };
  const artifacts = modelToArtifacts(model);
  const bytes = new Uint8Array(artifacts.weightData);
  return {
    files: [
      { name: 'model.json', bytes: new TextEncoder().encode(JSON.stringify(artifacts.modelJson, null, 1)) },
      ...artifacts.shards.map((s) => ({ name: s.path, bytes: bytes.slice(s.begin, s.end) })),
    ],
  };
}
