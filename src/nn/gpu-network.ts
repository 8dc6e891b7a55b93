/**
 * GpuNetwork: a Model compiled for the GPU at a fixed batch size. It owns one buffer per weight tensor (and per
 * gradient when training), one activation buffer per layer output and one gradient buffer per activation, and
 * plans every dispatch once: `forward` (per layer, so analysis can insert work after a layer) and `backward`
 * (from the gradient of the logits to every weight gradient). Nothing is allocated per step.
 *
 * Conventions: the network computes logits; softmax (a final Dense's activation or a final Softmax layer) is
 * left to the loss or to the reader, and is only accepted at the end. Flatten is free (NHWC memory is already
 * flat), and inference-mode Dropout aliases its input.
 */
import type { GpuContext } from '../gpu/context.ts';
import { destroyCalls, type KernelCall } from '../gpu/kernel-call.ts';
import { planBiasGrad, planConv2dBackpropFilter, planConv2dBackpropInput, planConv2dForward } from '../gpu/kernels/conv2d.ts';
import { planDenseBackpropFilter, planDenseBackpropInput, planDenseForward } from '../gpu/kernels/dense.ts';
import { planReluBackward, planReluForward } from '../gpu/kernels/relu.ts';
import { planAvgPoolBackward, planAvgPoolForward, planMaxPoolBackward, planMaxPoolForward } from '../gpu/kernels/pool.ts';
import { planBatchNormBackward, planBatchNormInference, planBatchNormTraining } from '../gpu/kernels/batchnorm.ts';
import { planDropoutBackward, planDropoutForward, type DropoutKernel } from '../gpu/kernels/dropout.ts';
import type { Conv2dShape } from '../reference/conv2d.ts';
import type { Nhwc } from '../reference/pool.ts';
import type { LayerSpec, Model, ModelWeights, Tensor } from './layers.ts';
import { ModelSpecError, summarizeModel, type ModelSummary } from './shapes.ts';
import { conv2dShapeOf, poolParamsOf } from './kernel-shapes.ts';

export interface NetworkOptions {
  batch: number;
  /** Plan the backward pass and gradient buffers (batch-norm uses batch statistics, dropout is active). */
  training: boolean;
}

/** A trainable weight: its buffer, gradient buffer and element count. */
export interface ParameterSlot {
  key: string;
  layer: string;
  weight: string;
  shape: number[];
  count: number;
  value: GPUBuffer;
  grad: GPUBuffer | null;
}

/** The dropout seed of layer `layerIndex` for a step seed: distinct per layer, shared by its forward and backward. */
export function dropoutLayerSeed(stepSeed: number, layerIndex: number): number {
  return (Math.imul(stepSeed >>> 0, 0x9e3779b1) + layerIndex) >>> 0;
}

const prod = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

export class GpuNetwork {
  readonly summary: ModelSummary;
  /** Float32 NHWC input batch. */
  readonly input: GPUBuffer;
  /** Output buffer of every layer (aliases for flatten and inference dropout). */
  readonly outputs: GPUBuffer[] = [];
  /** Gradient of every layer's output (training only). */
  readonly outputGrads: GPUBuffer[] = [];
  /** Every weight tensor on the GPU by `${layer}/${weight}`, moving statistics included. */
  readonly weights = new Map<string, ParameterSlot>();
  /** Dispatches of each layer's forward, in order. */
  readonly forwardByLayer: KernelCall[][] = [];
  /** Dispatches of the backward pass, from the logits' gradient (outputGrads[last]) to every weight gradient. */
  readonly backward: KernelCall[] = [];
  /** Dropout kernels with their layer index: forward and backward of one layer share a step's seed. */
  private readonly dropouts: Array<{ layer: number; kernel: DropoutKernel }> = [];
  private readonly owned: GPUBuffer[] = [];

  private constructor(
    readonly ctx: GpuContext,
    readonly model: Model,
    readonly options: NetworkOptions,
  ) {
    this.summary = summarizeModel(model.spec);
    this.input = this.buffer(`input batch (${options.batch}x${model.spec.inputShape.join('x')})`, options.batch * prod(model.spec.inputShape));
  }

  get batch(): number {
    return this.options.batch;
  }

  get logits(): GPUBuffer {
    return this.outputs[this.outputs.length - 1];
  }

  get logitsGrad(): GPUBuffer {
    return this.outputGrads[this.outputGrads.length - 1];
  }

  get classCount(): number {
    return prod(this.summary.outputShape);
  }

  /** The forward pass as one list. */
  get forward(): KernelCall[] {
    return this.forwardByLayer.flat();
  }

  /** Trainable parameters (moving statistics excluded). */
  get trainable(): ParameterSlot[] {
    return [...this.weights.values()].filter((slot) => slot.grad !== null);
  }

  static async create(ctx: GpuContext, model: Model, options: NetworkOptions): Promise<GpuNetwork> {
    const network = new GpuNetwork(ctx, model, options);
    try {
      await network.build();
    } catch (error) {
      network.destroy();
      throw error;
    }
    return network;
  }

  /** Sets the dropout seed for the next step (forward and backward share it). */
  setDropoutSeed(seed: number): void {
    for (const { layer, kernel } of this.dropouts) kernel.setSeed(this.ctx, dropoutLayerSeed(seed, layer));
  }

  /** Copies CPU weights (same architecture) into the GPU buffers. */
  writeWeights(weights: ModelWeights): void {
    for (const slot of this.weights.values()) {
      const tensor = weights[slot.layer]?.[slot.weight];
      if (!tensor || tensor.data.length !== slot.count) {
        throw new ModelSpecError(`weight ${slot.key} is missing or has ${tensor?.data.length ?? 0} values instead of ${slot.count}`, slot.layer);
      }
      this.ctx.device.queue.writeBuffer(slot.value, 0, tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);
    }
  }

  /** Reads every weight back into a new ModelWeights. */
  async readWeights(): Promise<ModelWeights> {
    const out: ModelWeights = {};
    for (const slot of this.weights.values()) {
      const data = await this.ctx.readFloat32(slot.value, slot.count);
      (out[slot.layer] ??= {})[slot.weight] = { shape: [...slot.shape], data } satisfies Tensor;
    }
    return out;
  }

  destroy(): void {
    destroyCalls(this.forwardByLayer.flat());
    destroyCalls(this.backward);
    for (const d of this.dropouts) destroyCalls([d.kernel.call]);
    for (const b of this.owned) b.destroy();
  }

  private buffer(label: string, elements: number): GPUBuffer {
    const b = this.ctx.createBuffer(label, elements * 4);
    this.owned.push(b);
    return b;
  }

  private async build(): Promise<void> {
    const { spec } = this.model;
    const { batch, training } = this.options;
    const layers = spec.layers;
    const last = layers.length - 1;
    layers.forEach((layer, i) => {
      const isSoftmax = layer.kind === 'softmax' || (layer.kind === 'dense' && layer.activation === 'softmax');
      if (isSoftmax && layers.slice(i + 1).some((l) => l.kind !== 'softmax')) {
        throw new ModelSpecError(`softmax is only supported as the model's final step (layer ${layer.name} is followed by others)`, layer.name);
      }
    });

    // Weights and their gradients.
    for (const [i, layer] of layers.entries()) {
      for (const [weight, shape] of Object.entries(this.summary.layers[i].weightShapes)) {
        const key = `${layer.name}/${weight}`;
        const trainable = training && !weight.startsWith('moving_');
        this.weights.set(key, {
          key, layer: layer.name, weight, shape, count: prod(shape),
          value: this.buffer(key, prod(shape)),
          grad: trainable ? this.buffer(`grad ${key}`, prod(shape)) : null,
        });
      }
    }
    this.writeWeights(this.model.weights);

    // Activations: outputs[i] is layer i's output; flatten, softmax and inference dropout alias their input.
    let previous = this.input;
    let previousGrad: GPUBuffer | null = null;
    for (const [i, layer] of layers.entries()) {
      const size = batch * prod(this.summary.layers[i].outputShape);
      const aliases = layer.kind === 'flatten' || layer.kind === 'softmax' || (layer.kind === 'dropout' && (!training || layer.rate === 0));
      this.outputs.push(aliases ? previous : this.buffer(`${layer.name} output`, size));
      if (training) this.outputGrads.push(aliases && previousGrad ? previousGrad : this.buffer(`${layer.name} output grad`, size));
      previous = this.outputs[i];
      previousGrad = training ? this.outputGrads[i] : null;
    }

    for (const [i, layer] of layers.entries()) this.forwardByLayer.push(await this.planForward(i, layer));
    if (training) for (let i = last; i >= 0; i--) this.backward.push(...(await this.planBackward(i, layers[i])));
  }

  private slot(layer: string, weight: string): ParameterSlot | undefined {
    return this.weights.get(`${layer}/${weight}`);
  }

  private inputOf(i: number): GPUBuffer {
    return i === 0 ? this.input : this.outputs[i - 1];
  }

  private inputShape(i: number): number[] {
    return this.summary.layers[i].inputShape;
  }

  private convShape(i: number, layer: Extract<LayerSpec, { kind: 'conv2d' }>): Conv2dShape {
    return conv2dShapeOf(layer, this.inputShape(i), this.batch);
  }

  private nhwc(i: number): Nhwc {
    const [h, w, c] = this.inputShape(i);
    return [this.batch, h, w, c];
  }

  private batchnormState = new Map<string, { mean: GPUBuffer; invStd: GPUBuffer; gamma: GPUBuffer; beta: GPUBuffer; dgamma: GPUBuffer; dbeta: GPUBuffer }>();

  private batchnormBuffers(layer: Extract<LayerSpec, { kind: 'batchnorm' }>, channels: number) {
    let state = this.batchnormState.get(layer.name);
    if (!state) {
      const fixed = (label: string, value: number) => {
        const b = this.buffer(`${layer.name} ${label}`, channels);
        this.ctx.device.queue.writeBuffer(b, 0, new Float32Array(channels).fill(value));
        return b;
      };
      state = {
        mean: this.buffer(`${layer.name} batch mean`, channels),
        invStd: this.buffer(`${layer.name} batch inverse std`, channels),
        gamma: this.slot(layer.name, 'gamma')?.value ?? fixed('unit gamma', 1),
        beta: this.slot(layer.name, 'beta')?.value ?? fixed('zero beta', 0),
        dgamma: this.slot(layer.name, 'gamma')?.grad ?? this.buffer(`${layer.name} unused dgamma`, channels),
        dbeta: this.slot(layer.name, 'beta')?.grad ?? this.buffer(`${layer.name} unused dbeta`, channels),
      };
      this.batchnormState.set(layer.name, state);
    }
    return state;
  }

  private async planForward(i: number, layer: LayerSpec): Promise<KernelCall[]> {
    const ctx = this.ctx;
    const x = this.inputOf(i);
    const y = this.outputs[i];
    const count = this.batch * prod(this.summary.layers[i].outputShape);
    const label = `${layer.name} forward`;
    switch (layer.kind) {
      case 'conv2d':
        return planConv2dForward(ctx, {
          label, x, w: this.slot(layer.name, 'kernel')!.value, bias: this.slot(layer.name, 'bias')?.value ?? null, y,
          shape: this.convShape(i, layer), relu: layer.activation === 'relu',
        });
      case 'dense':
        return planDenseForward(ctx, {
          label, x, w: this.slot(layer.name, 'kernel')!.value, bias: this.slot(layer.name, 'bias')?.value ?? null, y,
          shape: { batch: this.batch, inF: prod(this.inputShape(i)), outF: layer.units }, relu: layer.activation === 'relu',
        });
      case 'relu':
        return [await planReluForward(ctx, { x, y, count })];
      case 'maxpool': {
        const params = poolParamsOf(layer);
        const argmax = this.options.training ? this.argmaxBuffer(layer.name, count) : undefined;
        return [await planMaxPoolForward(ctx, { x, y, argmax, xShape: this.nhwc(i), params })];
      }
      case 'avgpool': {
        const params = poolParamsOf(layer);
        return [await planAvgPoolForward(ctx, { x, y, xShape: this.nhwc(i), params })];
      }
      case 'batchnorm': {
        const shape = this.summary.layers[i].outputShape;
        const channels = shape[shape.length - 1];
        const rows = count / channels;
        const s = this.batchnormBuffers(layer, channels);
        const movingMean = this.slot(layer.name, 'moving_mean')!.value;
        const movingVariance = this.slot(layer.name, 'moving_variance')!.value;
        if (this.options.training) {
          return planBatchNormTraining(ctx, {
            rows, channels, x, y, gamma: s.gamma, beta: s.beta, mean: s.mean, invStd: s.invStd, movingMean, movingVariance,
            epsilon: layer.epsilon, momentum: layer.momentum,
          });
        }
        return [await planBatchNormInference(ctx, { rows, channels, x, y, gamma: s.gamma, beta: s.beta, movingMean, movingVariance, epsilon: layer.epsilon })];
      }
      case 'dropout': {
        if (y === x) return []; // inference or rate 0: aliased
        const kernel = await planDropoutForward(ctx, { x, y, count, rate: layer.rate, seed: 0 });
        this.dropouts.push({ layer: i, kernel });
        return [kernel.call];
      }
      case 'flatten':
      case 'softmax':
        return [];
    }
  }

  private argmaxBuffers = new Map<string, GPUBuffer>();

  private argmaxBuffer(layer: string, count: number): GPUBuffer {
    const b = this.buffer(`${layer} argmax`, count);
    this.argmaxBuffers.set(layer, b);
    return b;
  }

  private async planBackward(i: number, layer: LayerSpec): Promise<KernelCall[]> {
    const ctx = this.ctx;
    const x = this.inputOf(i);
    const y = this.outputs[i];
    const dy = this.outputGrads[i];
    const dx = i > 0 ? this.outputGrads[i - 1] : null;
    const count = this.batch * prod(this.summary.layers[i].outputShape);
    const label = `${layer.name} backward`;
    switch (layer.kind) {
      case 'conv2d':
      case 'dense': {
        const kernel = this.slot(layer.name, 'kernel')!;
        const bias = this.slot(layer.name, 'bias');
        const calls: KernelCall[] = [];
        let g = dy;
        if (layer.activation === 'relu') {
          g = this.buffer(`${layer.name} pre-activation grad`, count);
          calls.push(await planReluBackward(ctx, { dy, y, dx: g, count }));
        }
        const channels = layer.kind === 'conv2d' ? layer.filters : layer.units;
        if (layer.kind === 'conv2d') {
          const shape = this.convShape(i, layer);
          calls.push(...(await planConv2dBackpropFilter(ctx, { label: `${label} weight grad`, x, dy: g, dw: kernel.grad!, shape })));
          if (dx) calls.push(...(await planConv2dBackpropInput(ctx, { label: `${label} input grad`, dy: g, w: kernel.value, dx, shape })));
        } else {
          const shape = { batch: this.batch, inF: prod(this.inputShape(i)), outF: layer.units };
          calls.push(...(await planDenseBackpropFilter(ctx, { label: `${label} weight grad`, x, dy: g, dw: kernel.grad!, shape })));
          if (dx) calls.push(...(await planDenseBackpropInput(ctx, { label: `${label} input grad`, dy: g, w: kernel.value, dx, shape })));
        }
        if (bias) calls.push(...(await planBiasGrad(ctx, { label: `${label} bias grad`, dy: g, db: bias.grad!, rows: count / channels, channels })));
        return calls;
      }
      case 'relu':
        return dx ? [await planReluBackward(ctx, { dy, y, dx, count })] : [];
      case 'maxpool': {
        if (!dx) return [];
        const params = poolParamsOf(layer);
        return [await planMaxPoolBackward(ctx, { dy, argmax: this.argmaxBuffers.get(layer.name)!, dx, xShape: this.nhwc(i), params })];
      }
      case 'avgpool': {
        if (!dx) return [];
        const params = poolParamsOf(layer);
        return [await planAvgPoolBackward(ctx, { dy, dx, xShape: this.nhwc(i), params })];
      }
      case 'batchnorm': {
        const shape = this.summary.layers[i].outputShape;
        const channels = shape[shape.length - 1];
        const s = this.batchnormBuffers(layer, channels);
        // The input gradient is needed to reach dgamma/dbeta's consumers only when there is an earlier layer;
        // a first-layer batch-norm still computes it into a scratch buffer (the kernel writes all three).
        const target = dx ?? this.buffer(`${layer.name} unused input grad`, count);
        return planBatchNormBackward(ctx, { rows: count / channels, channels, x, dy, gamma: s.gamma, mean: s.mean, invStd: s.invStd, dx: target, dgamma: s.dgamma, dbeta: s.dbeta });
      }
      case 'dropout': {
        if (!dx || dx === dy) return []; // first layer, or aliased (rate 0)
        const kernel = await planDropoutBackward(ctx, { dy, dx, count, rate: layer.rate, seed: 0 });
        this.dropouts.push({ layer: i, kernel });
        return [kernel.call];
      }
      case 'flatten':
      case 'softmax':
        return [];
    }
  }
}
