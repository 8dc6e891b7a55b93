/**
 * The pre-trained mnist-ref that ships in src/models/mnist-ref/, bundled by Vite as asset URLs (the glob is empty
 * in a build without it, and the caller then builds an untrained mnist-ref instead).
 */
import { ModelFormatError, type ModelJson } from '../../src/io/tfjs-layers.ts';
import type { Model } from '../../src/nn/layers.ts';
import { modelFromUserFiles, parseJson } from '../../src/session/model-files.ts';
import type { UserFile } from '../../src/session/user-files.ts';

const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1);

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
