/**
 * Models as files in the page: import model.json + its weight shards from the user's files, export a version
 * as files, and find the pre-trained mnist-ref that ships in src/models/mnist-ref/ (bundled by Vite as asset
 * URLs; until that folder exists the glob is empty and the caller builds an untrained mnist-ref instead).
 */
import { modelFromArtifacts, modelToArtifacts, ModelFormatError, type ModelJson } from '../../src/io/tfjs-layers.ts';
import type { Model } from '../../src/nn/layers.ts';
import type { ModelFiles } from '../../src/session/engine-api.ts';
import type { UserFile } from './user-files.ts';

const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1);

/** Parses model.json text, naming the file in the error. */
function parseJson(file: UserFile): unknown {
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

/** The pre-trained mnist-ref's files as asset URLs by file name (empty until the model ships). */
const PRETRAINED: Record<string, string> = Object.fromEntries(
  Object.entries(import.meta.glob('../../src/models/mnist-ref/*', { query: '?url', import: 'default', eager: true }) as Record<string, string>).map(
    ([path, url]) => [baseName(path), url],
  ),
);

export const hasPretrainedMnistRef = (): boolean => 'model.json' in PRETRAINED;

/** Fetches and loads the shipped pre-trained mnist-ref, or returns null when it does not ship (yet). */
export async function fetchPretrainedMnistRef(): Promise<Model | null> {
  if (!hasPretrainedMnistRef()) return null;
  const fetchBytes = async (name: string): Promise<UserFile> => {
    const url = PRETRAINED[name];
    if (!url) throw new ModelFormatError(`src/models/mnist-ref/${name} is listed in model.json but not bundled`);
    const response = await fetch(url);
    if (!response.ok) throw new ModelFormatError(`src/models/mnist-ref/${name}: HTTP ${response.status} fetching ${url}`);
    return { path: name, bytes: new Uint8Array(await response.arrayBuffer()) };
  };
  const json = await fetchBytes('model.json');
  const manifest = (parseJson(json) as ModelJson).weightsManifest ?? [];
  const shards = await Promise.all(manifest.flatMap((g) => g.paths).map((p) => fetchBytes(baseName(p))));
  return modelFromUserFiles([json, ...shards]);
}
