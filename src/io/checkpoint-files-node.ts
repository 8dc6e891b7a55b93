/**
 * Training checkpoints on disk (Node): `checkpoint.json` (position, configuration, split, architecture, metrics
 * and a manifest of the tensors) and `checkpoint.bin` (every tensor as little-endian float32, in manifest
 * order: the weights, then the optimizer's state). Written to temporary names and renamed into place, bin
 * first, so a crash mid-write leaves the previous checkpoint whole; read with every size checked against the
 * manifest before anything is allocated, so a truncated or foreign file is refused with its name.
 */
import { readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TrainCheckpoint } from '../nn/checkpoint.ts';
import type { ModelWeights } from '../nn/layers.ts';
import { parseUntrustedJson } from './untrusted-json.ts';

export const CHECKPOINT_JSON = 'checkpoint.json';
export const CHECKPOINT_BIN = 'checkpoint.bin';
const FORMAT = 'aom-studio-checkpoint';
const VERSION = 1;
/** No checkpoint.json of ours comes near this (a spec, a config, some metrics and a manifest). */
const MAX_JSON_BYTES = 16 * 2 ** 20;

export class CheckpointError extends Error {
  override name = 'CheckpointError';
}

interface TensorEntry {
  name: string;
  shape: number[];
  /** Offset and length in float32 values. */
  offset: number;
  length: number;
}

interface CheckpointJson extends Omit<TrainCheckpoint, 'weights' | 'optimizerState'> {
  format: typeof FORMAT;
  version: typeof VERSION;
  /** How to load the dataset again (the CLI's --dataset), so `--resume` needs nothing else. */
  datasetSpec: string;
  tensors: TensorEntry[];
}

/** Writes `checkpoint` (and the dataset spec that reloads its data) into `dir`, replacing the previous one whole. */
export async function saveCheckpoint(dir: string, checkpoint: TrainCheckpoint, datasetSpec: string): Promise<void> {
  const { weights, optimizerState, ...rest } = checkpoint;
  const tensors: TensorEntry[] = [];
  const chunks: Float32Array[] = [];
  let offset = 0;
  const add = (name: string, shape: number[], data: Float32Array) => {
    tensors.push({ name, shape, offset, length: data.length });
    chunks.push(data);
    offset += data.length;
  };
  for (const [layer, byName] of Object.entries(weights)) for (const [w, t] of Object.entries(byName)) add(`weights/${layer}/${w}`, t.shape, t.data);
  for (const [key, data] of Object.entries(optimizerState)) add(`optimizer/${key}`, [data.length], data);
  const bin = new Uint8Array(offset * 4);
  let at = 0;
  for (const c of chunks) {
    bin.set(new Uint8Array(c.buffer, c.byteOffset, c.byteLength), at);
    at += c.byteLength;
  }
  const json: CheckpointJson = { format: FORMAT, version: VERSION, ...rest, datasetSpec, tensors };
  const binPath = join(dir, CHECKPOINT_BIN);
  const jsonPath = join(dir, CHECKPOINT_JSON);
  await writeFile(`${binPath}.tmp`, bin);
  await writeFile(`${jsonPath}.tmp`, `${JSON.stringify(json)}\n`);
  await rename(`${binPath}.tmp`, binPath);
  await rename(`${jsonPath}.tmp`, jsonPath);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/** Reads the checkpoint in `dir`; throws CheckpointError naming the file and what is wrong. */
export async function loadCheckpoint(dir: string): Promise<{ checkpoint: TrainCheckpoint; datasetSpec: string }> {
  const jsonPath = join(dir, CHECKPOINT_JSON);
  const binPath = join(dir, CHECKPOINT_BIN);
  const size = await stat(jsonPath).then((s) => s.size, () => {
    throw new CheckpointError(`${jsonPath}: no checkpoint here (train writes one at the end of every epoch and on Ctrl-C)`);
  });
  if (size > MAX_JSON_BYTES) throw new CheckpointError(`${jsonPath}: ${size} bytes is not a checkpoint of ours (at most ${MAX_JSON_BYTES})`);
  let json: unknown;
  try {
    json = parseUntrustedJson(await readFile(jsonPath, 'utf8'), jsonPath, MAX_JSON_BYTES);
  } catch (error) {
    throw new CheckpointError((error as Error).message);
  }
  if (!isObject(json) || json.format !== FORMAT) throw new CheckpointError(`${jsonPath}: is not an aom-studio training checkpoint`);
  if (json.version !== VERSION) throw new CheckpointError(`${jsonPath}: checkpoint version ${String(json.version)} is not ${VERSION}`);
  for (const key of ['epoch', 'stepInEpoch', 'step'] as const) {
    if (!isCount(json[key])) throw new CheckpointError(`${jsonPath}: '${key}' must be a non-negative integer`);
  }
  for (const key of ['spec', 'config', 'split', 'partial'] as const) {
    if (!isObject(json[key])) throw new CheckpointError(`${jsonPath}: '${key}' is missing or not an object`);
  }
  if (typeof json.datasetSpec !== 'string') throw new CheckpointError(`${jsonPath}: 'datasetSpec' must be a string`);
  if (!Array.isArray(json.epochs) || !Array.isArray(json.tensors)) throw new CheckpointError(`${jsonPath}: 'epochs' and 'tensors' must be lists`);
  let values = 0;
  const tensors = json.tensors as unknown[];
  for (const [i, t] of tensors.entries()) {
    if (!isObject(t) || typeof t.name !== 'string' || !isCount(t.offset) || !isCount(t.length) || !Array.isArray(t.shape) || !t.shape.every(isCount)) {
      throw new CheckpointError(`${jsonPath}: tensor ${i} of the manifest is malformed`);
    }
    if (t.offset !== values) throw new CheckpointError(`${jsonPath}: tensor '${t.name}' starts at value ${t.offset}, expected ${values}`);
    if ((t.shape as number[]).reduce((a, b) => a * b, 1) !== t.length) throw new CheckpointError(`${jsonPath}: tensor '${t.name}' has ${t.length} values for shape [${t.shape.join(', ')}]`);
    values += t.length;
  }
  const binSize = await stat(binPath).then((s) => s.size, () => {
    throw new CheckpointError(`${binPath}: is missing (it holds the weights of ${jsonPath})`);
  });
  if (binSize !== values * 4) {
    throw new CheckpointError(`${binPath}: holds ${binSize} bytes but ${jsonPath} lists ${values * 4} (${binSize < values * 4 ? 'truncated' : 'not this checkpoint\'s weights'})`);
  }
  const bytes = await readFile(binPath);
  const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const weights: ModelWeights = {};
  const optimizerState: Record<string, Float32Array> = {};
  for (const t of tensors as TensorEntry[]) {
    const data = all.slice(t.offset, t.offset + t.length);
    const parts = t.name.split('/');
    if (parts[0] === 'weights' && parts.length === 3) (weights[parts[1]] ??= {})[parts[2]] = { shape: [...t.shape], data };
    else if (parts[0] === 'optimizer' && parts.length >= 3) optimizerState[parts.slice(1).join('/')] = data;
    else throw new CheckpointError(`${jsonPath}: tensor name '${t.name}' is neither weights/<layer>/<weight> nor optimizer/<key>`);
  }
  const { format: _f, version: _v, datasetSpec, tensors: _t, ...rest } = json as unknown as CheckpointJson;
  return { checkpoint: { ...rest, weights, optimizerState }, datasetSpec };
}
