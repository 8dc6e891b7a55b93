/**
 * Layer specifications: the architecture of a model as plain data (serialisable, diffable, walkable by the
 * trainer, the analysis, the surgery and any exporter). Weights live beside it in `ModelWeights`.
 *
 * Tensor layouts (project-wide): activations NHWC; conv kernels HWIO [kh, kw, cin, cout]; dense kernels
 * [in, out]; flatten is row-major over (h, w, c), as Keras/TF.js with channels_last.
 */
import type { Preprocessing } from '../gpu/kernels/gather-batch-contract.ts';
import type { Padding } from '../gpu/kernels/window-geometry.ts';
import type { SplitRecord } from '../data/splits.ts';

export type Activation = 'linear' | 'relu';

export interface Conv2dLayer {
  kind: 'conv2d';
  name: string;
  filters: number;
  kernelSize: [number, number];
  strides: [number, number];
  padding: Padding;
  useBias: boolean;
  /** A fused nonlinearity (Keras's `activation` argument); 'relu' is applied in the GEMM epilogue. */
  activation: Activation;
}

export interface DenseLayer {
  kind: 'dense';
  name: string;
  units: number;
  useBias: boolean;
  /** 'softmax' only at inference on a final dense (Keras models often end that way); training uses logits. */
  activation: Activation | 'softmax';
}

/** One interface per kind (not one with a union kind) so that Extract<LayerSpec, { kind: K }> finds it. */
export interface PoolLayerOf<K extends 'maxpool' | 'avgpool'> {
  kind: K;
  name: string;
  poolSize: [number, number];
  strides: [number, number];
  padding: Padding;
}

export type PoolLayer = PoolLayerOf<'maxpool'> | PoolLayerOf<'avgpool'>;

export interface BatchNormLayer {
  kind: 'batchnorm';
  name: string;
  epsilon: number;
  momentum: number;
  center: boolean;
  scale: boolean;
}

export interface DropoutLayer {
  kind: 'dropout';
  name: string;
  rate: number;
}

/**
 * Global average pooling (Keras GlobalAveragePooling2D, channels_last, keepdims false): the mean of every channel
 * over all positions, [h, w, c] -> [c].
 */
export interface GlobalAvgPoolLayer {
  kind: 'globalavgpool';
  name: string;
}

/** A layer without options. */
export interface SimpleLayerOf<K extends 'relu' | 'flatten' | 'softmax'> {
  kind: K;
  name: string;
}

export type SimpleLayer = SimpleLayerOf<'relu'> | SimpleLayerOf<'flatten'> | SimpleLayerOf<'softmax'>;

/**
 * Every layer kind. What a kind means (shapes, initialisation, GPU planning, channel routing) is its module in
 * layer-kinds/, collected in layer-registry.ts; a kind added here and not there fails to compile.
 */
export type LayerSpec =
  | Conv2dLayer
  | DenseLayer
  | PoolLayer
  | GlobalAvgPoolLayer
  | BatchNormLayer
  | DropoutLayer
  | SimpleLayer;

/** The name of a layer kind ('conv2d', 'relu', …). */
export type LayerKindName = LayerSpec['kind'];

/** The spec type of kind K. */
export type LayerOf<K extends LayerKindName> = Extract<LayerSpec, { kind: K }>;

export interface ModelSpec {
  name: string;
  /** [height, width, channels] of one input image. */
  inputShape: [number, number, number];
  layers: LayerSpec[];
  preprocessing: Preprocessing;
  /** Class names, when known (from the dataset the model was trained on). */
  classNames?: string[];
  /**
   * The train / validation / test split of the data the weights were trained on (seed, fractions, the dataset's
   * fingerprint), so every later evaluation and analysis uses the model's own held-out images. Absent for models
   * that were never trained here (built-in architectures before training, imported files): they get the default.
   */
  split?: SplitRecord;
}

/** A dense float32 tensor on the CPU. */
export interface Tensor {
  shape: number[];
  data: Float32Array;
}

/**
 * Weights by layer name, then by Keras weight name: conv2d/dense 'kernel' and 'bias'; batchnorm 'gamma', 'beta',
 * 'moving_mean', 'moving_variance' (gamma/beta absent when scale/center are false, as in Keras).
 */
export type ModelWeights = Record<string, Record<string, Tensor>>;

export interface Model {
  spec: ModelSpec;
  weights: ModelWeights;
}
