/**
 * The pre-trained references that ship in src/models/<name>/ (mnist-ref, fashion-ref, ...), bundled by Vite as
 * asset URLs: one folder per reference, its model.json and the shards its manifest lists. A build without a
 * folder simply does not offer that reference (without mnist-ref the caller builds an untrained one instead).
 */
import { ModelFormatError, type ModelJson } from '../../src/io/tfjs-layers.ts';
import type { Model } from '../../src/nn/layers.ts';
import { modelFromUserFiles, parseJson } from '../../src/session/model-files.ts';
import type { UserFile } from '../../src/session/user-files.ts';

const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1);

/** '../../src/models/fashion-ref/model.json' -> 'fashion-ref'. */
const folderName = (path: string) => {
  const parts = path.split('/');
  return parts[parts.length - 2];
};

/** Reference name -> its files' asset URLs by file name. */
const SHIPPED: Record<string, Record<string, string>> = {};
for (const [path, url] of Object.entries(import.meta.glob('../../src/models/*/*', { query: '?url', import: 'default', eager: true }) as Record<string, string>)) {
  (SHIPPED[folderName(path)] ??= {})[baseName(path)] = url;
}

/** The references this build ships (those with a model.json), in name order. */
export const shippedReferences = (): string[] => Object.keys(SHIPPED).filter((name) => 'model.json' in SHIPPED[name]).sort();

/** Fetches and loads the shipped reference `name`, or returns null when this build does not ship it. */
export async function fetchReference(name: string): Promise<Model | null> {
  const files = SHIPPED[name];
  if (!files || !('model.json' in files)) return null;
  const fetchBytes = async (file: string): Promise<UserFile> => {
    const url = files[file];
    if (!url) throw new ModelFormatError(`src/models/${name}/${file} is listed in model.json but not bundled`);
    const response = await fetch(url);
    if (!response.ok) throw new ModelFormatError(`src/models/${name}/${file}: HTTP ${response.status} fetching ${url}`);
    return { path: file, bytes: new Uint8Array(await response.arrayBuffer()) };
  };
  const json = await fetchBytes('model.json');
  const manifest = (parseJson(json) as ModelJson).weightsManifest ?? [];
  const shards = await Promise.all(manifest.flatMap((g) => g.paths).map((p) => fetchBytes(baseName(p))));
  return modelFromUserFiles([json, ...shards]);
}
