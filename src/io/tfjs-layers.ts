/**
 * The TF.js Layers save format (`model.json` + binary weight shards), as pure functions on objects and bytes so
 * that the page, the worker and Node share them (file access lives in model-files-node.ts and the page).
 *
 * Writing: a Sequential topology with Keras class names and configs as TF.js's `model.save` writes it (the first
 * layer carries `batch_input_shape`), so the files load in `tf.loadLayersModel` unchanged; weights in layer
 * order (kernel, bias; gamma, beta, moving_mean, moving_variance), float32, named `layer/weight`. The weight
 * bytes are split into 4 MiB shards named like TF.js's (`group1-shard1of2.bin`, …; one shard, `…shard1of1.bin`,
 * for models under 4 MiB such as mnist-ref): files stay small enough for any static host and HTTP cache.
 * The model's input preprocessing, its class names and its name go to `userDefinedMetadata.aomStudio`.
 *
 * Reading accepts those files, files written by TF.js's `model.save` and by `tensorflowjs_converter` from Keras
 * (see keras-topology.ts for the topologies, keras-layers.ts for the layers, weights-manifest.ts for weight names
 * and shards). Preprocessing comes from, in this order:
 *   1. `userDefinedMetadata.aomStudio.preprocessing` (our own files);
 *   2. Keras `Rescaling` / `Normalization` layers at the front of the model. They act on what the model is fed;
 *      a Keras model with such layers is fed raw pixel values 0..255, so they are composed starting from the
 *      identity on raw pixels (scale 1): Rescaling(1/255) becomes exactly our scale 1/255 (not 1/255 twice),
 *      Rescaling(1/127.5, offset -1) becomes scale 1/127.5, mean 1, and a Normalization after it divides by its
 *      std: x = (p * scale - mean[c]) / std[c] reproduces the layers' output exactly (preprocessing.ts);
 *   3. otherwise pixels scaled to [0, 1] (scale 1/255, mean 0, std 1).
 * Having both 1 and 2 is an error: the metadata would describe preprocessing the layers already do.
 */
import type { Preprocessing } from '../gpu/kernels/gather-batch-contract.ts';
import type { LayerSpec, Model, ModelSpec, ModelWeights, Tensor } from '../nn/layers.ts';
import {
  composeNormalization, composeRescaling, identityPreprocessing, preprocessingProblem, unitScalePreprocessing,
} from '../nn/preprocessing.ts';
import { ModelSpecError, summarizeLayer, summarizeModel } from '../nn/shapes.ts';
import { declaredInputShape, layerFromKeras, layerToKeras, type KerasLayerJson } from './keras-layers.ts';
import { readKerasChain } from './keras-topology.ts';
import { ModelFormatError } from './model-format-error.ts';
import { parseUntrustedJson } from './untrusted-json.ts';
import type { SplitRecord } from '../data/splits.ts';
import {
  DEFAULT_SHARD_BYTES, concatWeightData, locateWeights, matchWeights, planShards,
  type WeightData, type WeightManifestEntry, type WeightRequest, type WeightsManifestGroup,
} from './weights-manifest.ts';

export { ModelFormatError } from './model-format-error.ts';
export type { WeightData, WeightsManifestGroup, WeightManifestEntry } from './weights-manifest.ts';

/** The content of model.json. */
export interface ModelJson {
  format?: string;
  generatedBy?: string | null;
  convertedBy?: string | null;
  modelTopology: unknown;
  weightsManifest: WeightsManifestGroup[];
  userDefinedMetadata?: Record<string, unknown>;
  [key: string]: unknown;
}

/** What we store under `userDefinedMetadata.aomStudio`. */
export interface AomStudioMetadata {
  name: string;
  preprocessing: Preprocessing;
  classNames?: string[];
  /** The split of the data the weights were trained on (see ModelSpec.split). */
  split?: SplitRecord;
}

export const METADATA_KEY = 'aomStudio';

/** Largest model.json read (it holds the topology only: mnist-ref's is 8 KB; the weights are in the shards). */
export const MAX_MODEL_JSON_BYTES = 64 * 1024 * 1024;

/** A shard file of the weights: its path (relative to model.json) and its byte range in `weightData`. */
export interface WeightShard {
  path: string;
  begin: number;
  end: number;
}

export interface ModelArtifacts {
  modelJson: ModelJson;
  /** All weights, all shards concatenated (the form TF.js's `io.fromMemory` takes). */
  weightData: ArrayBuffer;
  /** How `weightData` is cut into the files the manifest lists. */
  shards: WeightShard[];
}

export interface SaveOptions {
  /** Maximum bytes per shard file; default 4 MiB like TF.js. */
  shardBytes?: number;
}

const FORMAT_VERSION = 'tfjs-layers 4.22.0'; // the Keras-config dialect we write: TF.js Layers 4.x's

/** Serialises a model to model.json (as an object) and its weight bytes. */
export function modelToArtifacts(model: Model, options: SaveOptions = {}): ModelArtifacts {
  const { spec, weights } = model;
  const summary = summarizeModel(spec);
  if (spec.layers.length === 0) throw new ModelFormatError(`model '${spec.name}': has no layers; a TF.js Sequential model needs at least one`);
  const problem = preprocessingProblem(spec.preprocessing, spec.inputShape[2]);
  if (problem) throw new ModelFormatError(`model '${spec.name}': ${problem}`);

  const kerasLayers: KerasLayerJson[] = spec.layers.map(layerToKeras);
  // TF.js's convention: the first layer declares the input shape; no separate InputLayer entry.
  kerasLayers[0].config.batch_input_shape = [null, ...spec.inputShape];
  kerasLayers[0].config.dtype = 'float32';

  const entries: WeightManifestEntry[] = [];
  const chunks: Float32Array[] = [];
  summary.layers.forEach((layerSummary, i) => {
    const layer = spec.layers[i];
    for (const [weightName, shape] of Object.entries(layerSummary.weightShapes)) {
      const tensor = weights[layer.name]?.[weightName];
      if (!tensor) throw new ModelFormatError(`layer '${layer.name}' (${layer.kind}): weight '${weightName}' ${fmt(shape)} is missing from the model`, layer.name);
      checkTensor(layer, weightName, tensor, shape);
      entries.push({ name: `${layer.name}/${weightName}`, shape: [...shape], dtype: 'float32' });
      chunks.push(tensor.data);
    }
  });
  for (const [layerName, layerWeights] of Object.entries(weights)) {
    const layerSummary = summary.layers.find((l) => l.name === layerName);
    for (const weightName of Object.keys(layerWeights)) {
      if (!layerSummary || !(weightName in layerSummary.weightShapes)) {
        throw new ModelFormatError(`model '${spec.name}': weight '${layerName}/${weightName}' belongs to no layer weight of the spec; it would be lost`, layerName);
      }
    }
  }

  const total = chunks.reduce((s, c) => s + c.byteLength, 0);
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    bytes.set(new Uint8Array(c.buffer, c.byteOffset, c.byteLength), at);
    at += c.byteLength;
  }
  const shards = planShards(total, options.shardBytes ?? DEFAULT_SHARD_BYTES);

  const metadata = metadataOf(spec);
  const modelJson: ModelJson = {
    format: 'layers-model',
    generatedBy: 'aom-studio',
    convertedBy: null,
    modelTopology: {
      class_name: 'Sequential',
      config: { name: spec.name, layers: kerasLayers },
      keras_version: FORMAT_VERSION,
      backend: 'tensor_flow.js',
    },
    weightsManifest: [{ paths: shards.map((s) => s.path), weights: entries }],
    userDefinedMetadata: { [METADATA_KEY]: metadata },
  };
  return { modelJson, weightData: bytes.buffer, shards };
}

/** What a saved model records of its spec besides the layers (also the ONNX exporter's metadata property). */
export function metadataOf(spec: ModelSpec): AomStudioMetadata {
  const metadata: AomStudioMetadata = { name: spec.name, preprocessing: structuredClone(spec.preprocessing) };
  if (spec.classNames) metadata.classNames = [...spec.classNames];
  if (spec.split) metadata.split = structuredClone(spec.split);
  return metadata;
}

function checkTensor(layer: LayerSpec, weightName: string, t: Tensor, shape: number[]): void {
  const size = shape.reduce((a, b) => a * b, 1);
  if (!sameShape(t.shape, shape) || t.data.length !== size) {
    throw new ModelFormatError(
      `layer '${layer.name}' (${layer.kind}): weight '${weightName}' has shape ${fmt(t.shape)} (${t.data.length} values) but the layer needs ${fmt(shape)}`,
      layer.name,
    );
  }
}

const fmt = (shape: readonly number[]): string => `[${shape.join(', ')}]`;
const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((v, i) => v === b[i]);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A front preprocessing layer met on import, composed once its weights (if any) are read. */
interface PreprocessingOp {
  layer: string;
  kind: 'rescaling' | 'normalization';
  a: number[] | null; // rescaling scale, or normalization mean (null: read from weights)
  b: number[] | null; // rescaling offset, or normalization variance
}

/**
 * Builds a Model from model.json (object or text) and its weight bytes: one buffer of all shards concatenated,
 * a list of buffers in manifest order, or the shard files by path (as listed in the manifest). Also accepts
 * TF.js's in-memory artifacts (`weightSpecs` instead of `weightsManifest`). Throws ModelFormatError naming
 * the layer for an unsupported layer, a missing weight, or a weight of the wrong shape or dtype.
 */
export function modelFromArtifacts(modelJson: unknown, weightData: WeightData): Model {
  const json = parseModelJson(modelJson);
  const manifest = json.weightsManifest;
  const chain = readKerasChain(json.modelTopology);

  const declared = chain.layers.map(declaredInputShape).find((s) => s !== undefined) ?? chain.buildInputShape;
  const inputShape = imageShape(declared, chain.name);

  const layers: LayerSpec[] = [];
  const weightShapes: Record<string, number[]>[] = [];
  const ops: PreprocessingOp[] = [];
  let shape: number[] = [...inputShape];
  for (const entry of chain.layers) {
    const imported = layerFromKeras(entry, shape);
    if (imported.type === 'skip') continue;
    if (imported.type === 'layer') {
      const summary = wrapSpecError(() => summarizeLayer(imported.layer, shape), entry.className);
      layers.push(imported.layer);
      weightShapes.push(summary.weightShapes);
      shape = summary.outputShape;
      continue;
    }
    if (layers.length > 0) {
      throw new ModelFormatError(
        `layer '${entry.name}' (${entry.className}): preprocessing layers are supported only at the front of the model, before '${layers[0].name}'`,
        entry.name,
      );
    }
    ops.push(
      imported.type === 'rescaling'
        ? { layer: entry.name, kind: 'rescaling', a: imported.scale, b: imported.offset }
        : { layer: entry.name, kind: 'normalization', a: imported.mean, b: imported.variance },
    );
  }

  // Which manifest entry holds each weight we need.
  const requests: Array<WeightRequest & { kind: string; shape: number[] | null }> = [];
  layers.forEach((layer, i) => {
    for (const [weight, s] of Object.entries(weightShapes[i])) requests.push({ layer: layer.name, weight, kind: layer.kind, shape: s });
  });
  for (const op of ops) {
    if (op.kind === 'normalization' && op.a === null) {
      requests.push({ layer: op.layer, weight: 'mean', kind: 'Normalization', shape: null });
      requests.push({ layer: op.layer, weight: 'variance', kind: 'Normalization', shape: null });
    }
  }
  const located = locateWeights(manifest);
  const match = matchWeights(requests, located);
  const bytes = concatWeightData(manifest, weightData);
  const needed = located.reduce((s, w) => s + w.byteLength, 0);
  if (bytes.byteLength < needed) {
    throw new ModelFormatError(`weight data has ${bytes.byteLength} bytes but the weights manifest describes ${needed} (a shard missing or truncated?)`);
  }

  const weights: ModelWeights = {};
  const loaded = new Map<string, Float32Array>();
  requests.forEach((req, r) => {
    const where = `layer '${req.layer}' (${req.kind})`;
    if (match[r] < 0) {
      const expect = req.shape ? ` ${fmt(req.shape)}` : '';
      throw new ModelFormatError(`${where}: weight '${req.weight}'${expect} is missing from the weights manifest (it lists ${located.map((w) => w.name).join(', ') || 'nothing'})`, req.layer);
    }
    const w = located[match[r]];
    if (w.dtype !== 'float32' || w.quantization) {
      const stored = w.quantization ? `quantized to ${w.quantization.dtype}` : `dtype ${w.dtype}`;
      throw new ModelFormatError(`${where}: weight '${w.name}' is ${stored}; only float32 weights are supported`, req.layer);
    }
    if (req.shape && !sameShape(w.shape, req.shape)) {
      throw new ModelFormatError(`${where}: weight '${w.name}' has shape ${fmt(w.shape)} but the layer needs ${fmt(req.shape)}`, req.layer);
    }
    // slice() copies, so the Float32Array starts 4-byte aligned whatever the weight's offset in the stream.
    const data = new Float32Array(bytes.slice(w.byteOffset, w.byteOffset + w.byteLength).buffer);
    if (req.shape) (weights[req.layer] ??= {})[req.weight] = { shape: [...w.shape], data };
    else loaded.set(`${req.layer}/${req.weight}`, data);
  });

  const channels = inputShape[2];
  const metadata = readMetadata(json, channels);
  let preprocessing: Preprocessing;
  if (metadata.preprocessing) {
    if (ops.length > 0) {
      throw new ModelFormatError(
        `layer '${ops[0].layer}': the model has both preprocessing layers and userDefinedMetadata.${METADATA_KEY}.preprocessing; keep one`,
        ops[0].layer,
      );
    }
    preprocessing = metadata.preprocessing;
  } else if (ops.length > 0) {
    preprocessing = identityPreprocessing(channels);
    for (const op of ops) {
      try {
        if (op.kind === 'rescaling') {
          preprocessing = composeRescaling(preprocessing, op.a!, op.b!);
        } else {
          const mean = op.a ?? [...loaded.get(`${op.layer}/mean`)!];
          const variance = op.b ?? [...loaded.get(`${op.layer}/variance`)!];
          // Keras: y = (x - mean) / max(sqrt(variance), epsilon), with Keras's backend epsilon 1e-7.
          preprocessing = composeNormalization(preprocessing, mean, variance.map((v) => Math.max(Math.sqrt(v), 1e-7)));
        }
      } catch (err) {
        throw new ModelFormatError(`layer '${op.layer}' (${op.kind}): ${(err as Error).message} for a ${channels}-channel input`, op.layer);
      }
    }
  } else {
    preprocessing = unitScalePreprocessing(channels);
  }

  const spec: ModelSpec = { name: metadata.name ?? chain.name, inputShape, layers, preprocessing };
  const summary = wrapSpecError(() => summarizeModel(spec));
  if (metadata.classNames) {
    const out = summary.outputShape;
    if (out.length === 1 && out[0] !== metadata.classNames.length) {
      throw new ModelFormatError(`userDefinedMetadata.${METADATA_KEY}.classNames lists ${metadata.classNames.length} classes but the model outputs ${out[0]}`);
    }
    spec.classNames = metadata.classNames;
  }
  if (metadata.split) spec.split = metadata.split;
  return { spec, weights };
}

function parseModelJson(input: unknown): ModelJson {
  let json: unknown = input;
  if (typeof input === 'string') {
    try {
      json = parseUntrustedJson(input, 'model.json', MAX_MODEL_JSON_BYTES);
    } catch (err) {
      throw new ModelFormatError((err as Error).message);
    }
  }
  if (!isObject(json)) throw new ModelFormatError('model.json must be a JSON object');
  if (json.weightsManifest === undefined && Array.isArray(json.weightSpecs)) {
    // TF.js in-memory ModelArtifacts: one flat list of weights, data given as one buffer.
    return { ...json, modelTopology: json.modelTopology, weightsManifest: [{ paths: [], weights: json.weightSpecs as WeightManifestEntry[] }] };
  }
  const manifest = json.weightsManifest;
  if (!Array.isArray(manifest) || !manifest.every((g) => isObject(g) && Array.isArray(g.paths) && Array.isArray(g.weights))) {
    throw new ModelFormatError('model.json: weightsManifest must be a list of { paths, weights } groups');
  }
  for (const g of manifest as WeightsManifestGroup[]) {
    for (const w of g.weights) {
      if (!isObject(w) || typeof w.name !== 'string' || !Array.isArray(w.shape) || typeof w.dtype !== 'string') {
        throw new ModelFormatError(`model.json: malformed weights manifest entry ${JSON.stringify(w)}`);
      }
    }
  }
  return json as ModelJson;
}

/** [h, w, c] from a Keras batch shape [null, h, w, c]. */
function imageShape(declared: unknown, model: string): [number, number, number] {
  const ok = Array.isArray(declared) && declared.length === 4 && declared.slice(1).every((v) => Number.isInteger(v) && v > 0);
  if (!ok) {
    throw new ModelFormatError(
      `model '${model}': input shape ${JSON.stringify(declared ?? null)} is not an image batch [null, height, width, channels] of fixed size`,
    );
  }
  return [declared[1], declared[2], declared[3]] as [number, number, number];
}

function wrapSpecError<T>(fn: () => T, kerasClass?: string): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof ModelSpecError) {
      throw new ModelFormatError(kerasClass ? `${err.message} [Keras ${kerasClass}]` : err.message, err.layer);
    }
    throw err;
  }
}

function readMetadata(json: ModelJson, channels: number): Partial<AomStudioMetadata> {
  const ours = json.userDefinedMetadata?.[METADATA_KEY];
  if (ours === undefined) return {};
  return readAomStudioMetadata(ours, channels, `userDefinedMetadata.${METADATA_KEY}`);
}

/**
 * Validates our metadata (from model.json, or an ONNX file's `aomStudio` property) field by field; `where` names
 * it in errors. Unknown fields are ignored, so no key of the input reaches an object of ours.
 */
export function readAomStudioMetadata(ours: unknown, channels: number, where: string): Partial<AomStudioMetadata> {
  if (!isObject(ours)) throw new ModelFormatError(`${where} must be an object`);
  const out: Partial<AomStudioMetadata> = {};
  if (ours.name !== undefined) {
    if (typeof ours.name !== 'string') throw new ModelFormatError(`${where}.name must be a string`);
    out.name = ours.name;
  }
  if (ours.preprocessing !== undefined) {
    const problem = preprocessingProblem(ours.preprocessing, channels);
    if (problem) throw new ModelFormatError(`${where}: ${problem}`);
    const p = ours.preprocessing as Preprocessing;
    out.preprocessing = { scale: p.scale, mean: [...p.mean], std: [...p.std] };
  }
  if (ours.classNames !== undefined) {
    if (!Array.isArray(ours.classNames) || !ours.classNames.every((c) => typeof c === 'string')) {
      throw new ModelFormatError(`${where}.classNames must be a list of strings`);
    }
    out.classNames = [...ours.classNames];
  }
  if (ours.split !== undefined) out.split = readSplitRecord(ours.split, `${where}.split`);
  return out;
}

/** Validates a recorded split field by field, so a hand-edited or foreign file fails here, naming the field. */
function readSplitRecord(value: unknown, where: string): SplitRecord {
  if (!isObject(value)) throw new ModelFormatError(`${where} must be an object`);
  const fraction = (v: unknown, name: string): number => {
    if (typeof v !== 'number' || !(v >= 0 && v < 1)) throw new ModelFormatError(`${where}.${name} must be a number in [0, 1), got ${JSON.stringify(v)}`);
    return v;
  };
  const count = (v: unknown, name: string): number => {
    if (!Number.isInteger(v) || (v as number) < 0) throw new ModelFormatError(`${where}.${name} must be a non-negative integer, got ${JSON.stringify(v)}`);
    return v as number;
  };
  if (!Number.isInteger(value.seed) || (value.seed as number) < 0 || (value.seed as number) > 0xffffffff) {
    throw new ModelFormatError(`${where}.seed must be an integer in [0, 2^32), got ${JSON.stringify(value.seed)}`);
  }
  const d = value.dataset;
  if (!isObject(d)) throw new ModelFormatError(`${where}.dataset must be an object`);
  if (typeof d.name !== 'string') throw new ModelFormatError(`${where}.dataset.name must be a string`);
  if (typeof d.hash !== 'string' || !/^[0-9a-f]{8}$/.test(d.hash)) throw new ModelFormatError(`${where}.dataset.hash must be 8 hex digits`);
  if (!Array.isArray(d.shape) || d.shape.length !== 3 || !d.shape.every((v) => Number.isInteger(v) && v > 0)) {
    throw new ModelFormatError(`${where}.dataset.shape must be [height, width, channels] of positive integers`);
  }
  return {
    seed: value.seed as number,
    validationFraction: fraction(value.validationFraction, 'validationFraction'),
    testFraction: value.testFraction === null ? null : fraction(value.testFraction, 'testFraction'),
    dataset: {
      name: d.name,
      shape: [d.shape[0], d.shape[1], d.shape[2]] as [number, number, number],
      classes: count(d.classes, 'dataset.classes'),
      trainCount: count(d.trainCount, 'dataset.trainCount'),
      testCount: count(d.testCount, 'dataset.testCount'),
      hash: d.hash,
    },
  };
}
