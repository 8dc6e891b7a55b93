/**
 * The weights half of the TF.js Layers format: `weightsManifest` in model.json lists groups; each group has the
 * paths of its shard files and the weights stored in them. All shards of all groups, concatenated in manifest
 * order, are one byte stream in which the weights follow each other in manifest order, each taking
 * size(shape) * bytesPerElement(dtype) bytes (little-endian), with no alignment padding; a weight may straddle
 * two shards. This is how TF.js's `model.save` and `tensorflowjs_converter` write it.
 *
 * Reading also has to find each layer's weights by name. Names differ between writers:
 *   TF.js model.save          conv1/kernel
 *   tensorflowjs_converter    conv1/kernel, sequential/conv1/kernel (nested scopes), conv1_1/kernel or
 *                             conv1/kernel_1 (TF's uniquifying suffixes when a model was built twice), ':0' slots
 * so matching is by exact `layer/weight` suffix first, then, for what is left, ignoring `_N` suffixes.
 */
import { ModelFormatError } from './model-format-error.ts';

/** One weight in the manifest. */
export interface WeightManifestEntry {
  name: string;
  shape: number[];
  dtype: string;
  /** Present when tensorflowjs_converter quantized the weight; we do not read quantized weights. */
  quantization?: { dtype: string; [key: string]: unknown };
  group?: string;
}

/** One group of the manifest: its shard files (relative to model.json) and its weights, in byte order. */
export interface WeightsManifestGroup {
  paths: string[];
  weights: WeightManifestEntry[];
}

/** A manifest entry located in the concatenated weight data. */
export interface LocatedWeight extends WeightManifestEntry {
  byteOffset: number;
  byteLength: number;
}

/** TF.js's shard size (tensorflowjs_converter's default `weight_shard_size_bytes`): 4 MiB. */
export const DEFAULT_SHARD_BYTES = 4 * 1024 * 1024;

const BYTES_PER_ELEMENT: Record<string, number> = { float32: 4, int32: 4, uint8: 1, uint16: 2, float16: 2, bool: 1, complex64: 8 };

/** Byte offsets and lengths of every manifest entry in the concatenated weight data. */
export function locateWeights(manifest: readonly WeightsManifestGroup[]): LocatedWeight[] {
  const out: LocatedWeight[] = [];
  let offset = 0;
  for (const group of manifest) {
    for (const entry of group.weights) {
      // A quantized weight is stored in the quantization dtype, whatever its nominal dtype.
      const storedAs = entry.quantization?.dtype ?? entry.dtype;
      const bytes = BYTES_PER_ELEMENT[storedAs];
      if (bytes === undefined) {
        // Strings have variable length: nothing after one can be located without parsing it.
        throw new ModelFormatError(`weight '${entry.name}': dtype '${storedAs}' is not supported (weights must be float32)`);
      }
      const byteLength = entry.shape.reduce((a, b) => a * b, 1) * bytes;
      out.push({ ...entry, byteOffset: offset, byteLength });
      offset += byteLength;
    }
  }
  return out;
}

/** Shard file names and byte ranges for `byteLength` bytes of weights in one group, TF.js style. */
export function planShards(byteLength: number, shardBytes = DEFAULT_SHARD_BYTES): Array<{ path: string; begin: number; end: number }> {
  if (!(Number.isInteger(shardBytes) && shardBytes > 0)) throw new RangeError(`shard size must be a positive integer, got ${shardBytes}`);
  const count = Math.max(1, Math.ceil(byteLength / shardBytes));
  return Array.from({ length: count }, (_, i) => ({
    path: `group1-shard${i + 1}of${count}.bin`,
    begin: i * shardBytes,
    end: Math.min((i + 1) * shardBytes, byteLength),
  }));
}

/** Bytes of weight data: one buffer (all shards concatenated), a list of buffers, or shard files by path. */
export type WeightData =
  | ArrayBuffer
  | ArrayBufferView
  | ReadonlyArray<ArrayBuffer | ArrayBufferView>
  | ReadonlyMap<string, ArrayBuffer | ArrayBufferView>
  | Readonly<Record<string, ArrayBuffer | ArrayBufferView>>;

const isArrayBuffer = (v: unknown): v is ArrayBuffer => Object.prototype.toString.call(v) === '[object ArrayBuffer]';
const asBytes = (v: ArrayBuffer | ArrayBufferView): Uint8Array =>
  isArrayBuffer(v) ? new Uint8Array(v) : new Uint8Array(v.buffer as ArrayBuffer, v.byteOffset, v.byteLength);

function concat(parts: Uint8Array[]): Uint8Array {
  const total = parts.reduce((s, p) => s + p.byteLength, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/** Finds a shard by its manifest path, tolerating a leading './' or a key that is only the file's base name. */
function findShard(files: ReadonlyMap<string, ArrayBuffer | ArrayBufferView>, path: string): ArrayBuffer | ArrayBufferView | undefined {
  const strip = (p: string): string => p.replace(/^\.\//, '');
  const base = (p: string): string => p.slice(p.lastIndexOf('/') + 1);
  for (const key of [path, strip(path), base(path)]) {
    const hit = files.get(key);
    if (hit) return hit;
  }
  for (const [key, value] of files) if (strip(key) === strip(path) || base(key) === base(path)) return value;
  return undefined;
}

/** All weight bytes as one array, in manifest order (shards given by path are put in the manifest's order). */
export function concatWeightData(manifest: readonly WeightsManifestGroup[], data: WeightData): Uint8Array {
  if (isArrayBuffer(data) || ArrayBuffer.isView(data)) return asBytes(data);
  if (Array.isArray(data)) return concat((data as ReadonlyArray<ArrayBuffer | ArrayBufferView>).map(asBytes));
  const files = data instanceof Map ? (data as ReadonlyMap<string, ArrayBuffer | ArrayBufferView>) : new Map(Object.entries(data));
  const parts: Uint8Array[] = [];
  for (const group of manifest) {
    for (const path of group.paths) {
      const shard = findShard(files, path);
      if (!shard) throw new ModelFormatError(`weight shard '${path}' listed in the weights manifest was not provided (have: ${[...files.keys()].join(', ') || 'none'})`);
      parts.push(asBytes(shard));
    }
  }
  return concat(parts);
}

/** A weight a layer needs: Keras layer name and weight name ('kernel', 'moving_mean', …). */
export interface WeightRequest {
  layer: string;
  weight: string;
}

const stripSlot = (name: string): string => name.replace(/:\d+$/, '');
const stripSuffix = (part: string): string => part.replace(/_\d+$/, '');

/**
 * For each request, the index of its manifest entry, or -1 when none fits. Each entry serves at most one
 * request. Pass 1 takes names that are `layer/weight` exactly or end with `/layer/weight`; pass 2 takes, among the
 * entries left, those whose last two name parts are the layer and weight up to a `_N` suffix, and only when
 * exactly one entry fits (an ambiguity is an error, naming the candidates).
 */
export function matchWeights(requests: readonly WeightRequest[], entries: readonly WeightManifestEntry[]): number[] {
  const claimed = new Set<number>();
  const result = requests.map(() => -1);
  const names = entries.map((e) => stripSlot(e.name));

  requests.forEach((req, r) => {
    const full = `${req.layer}/${req.weight}`;
    const i = names.findIndex((n, j) => !claimed.has(j) && (n === full || n.endsWith(`/${full}`)));
    if (i >= 0) {
      claimed.add(i);
      result[r] = i;
    }
  });

  requests.forEach((req, r) => {
    if (result[r] >= 0) return;
    const candidates: number[] = [];
    names.forEach((n, j) => {
      if (claimed.has(j)) return;
      const parts = n.split('/');
      if (parts.length < 2) return;
      const weight = parts[parts.length - 1];
      const layer = parts[parts.length - 2];
      const weightFits = weight === req.weight || stripSuffix(weight) === req.weight;
      const layerFits = layer === req.layer || stripSuffix(layer) === req.layer;
      if (weightFits && layerFits) candidates.push(j);
    });
    if (candidates.length > 1) {
      throw new ModelFormatError(
        `layer '${req.layer}': weight '${req.weight}' is ambiguous in the weights manifest (${candidates.map((j) => `'${entries[j].name}'`).join(', ')})`,
        req.layer,
      );
    }
    if (candidates.length === 1) {
      claimed.add(candidates[0]);
      result[r] = candidates[0];
    }
  });
  return result;
}
