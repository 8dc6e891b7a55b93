/**
 * GpuNetwork: a Model compiled for the GPU at a fixed batch size. It owns one buffer per weight tensor (and per
 * gradient when training), one activation buffer per layer output and one gradient buffer per activation, and
 * plans every dispatch once: `forward` (per layer, so analysis can insert work after a layer) and `backward`
 * (from the gradient of the logits to every weight gradient). Nothing is allocated per step.
 *
 * Conventions: the network computes logits; softmax (a final Dense's activation or a final Softmax layer) is
 * left to the loss or to the reader, and is only accepted at the end. What each layer dispatches, and whether its
 * output aliases its input (flatten, softmax, inference dropout), is its kind's (layer-kinds/, through the
 * registry); the network owns the buffers and hands each kind a ForwardPlan / BackwardPlan.
 */
import type { GpuContext } from '../gpu/context.ts';
import { destroyCalls, type KernelCall } from '../gpu/kernel-call.ts';
import type { DropoutKernel } from '../gpu/kernels/dropout.ts';
import type { LayerSpec, Model, ModelWeights, Tensor } from './layers.ts';
import { layerKind } from './layer-registry.ts';
import type { ForwardPlan } from './layer-kinds/layer-kind.ts';
import { ModelSpecError, summarizeModel, type ModelSummary } from './shapes.ts';

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
  /**
   * Gradient of every layer's output (training only). Where a max-pool folds the ReLU fused into the layer before
   * it (see build), that layer's entry holds the gradient before its ReLU instead (zero where the output is 0).
   */
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
      // After a softmax only softmax layers may follow (each aliases its input: the logits stay the output).
      if (layerKind(layer).appliesSoftmax(layer) && layers.slice(i + 1).some((l) => l.kind !== 'softmax')) {
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

    // Activations: outputs[i] is layer i's output, its input's buffer when the kind aliases it.
    let previous = this.input;
    let previousGrad: GPUBuffer | null = null;
    for (const [i, layer] of layers.entries()) {
      const size = batch * prod(this.summary.layers[i].outputShape);
      const aliases = layerKind(layer).gpu.aliasesInput(layer, training);
      this.outputs.push(aliases ? previous : this.buffer(`${layer.name} output`, size));
      if (training) this.outputGrads.push(aliases && previousGrad ? previousGrad : this.buffer(`${layer.name} output grad`, size));
      previous = this.outputs[i];
      previousGrad = training ? this.outputGrads[i] : null;
    }

    for (const [i, layer] of layers.entries()) this.forwardByLayer.push(await layerKind(layer).gpu.planForward(layer, this.plan(i, layer, 'forward')));
    if (training) {
      // A layer may fold the backward of the ReLU fused into the layer before it into its own (a tiling max-pool
      // after a conv): then that layer skips it. folded[i]: layer i's ReLU backward is done by layer i + 1.
      const folded = layers.map((layer, i) => {
        const next = layers[i + 1];
        if (!next || !layerKind(layer).gpu.fusedRelu?.(layer)) return false;
        return layerKind(next).gpu.foldsInputRelu?.(next, this.summary.layers[i + 1].inputShape, batch) ?? false;
      });
      for (let i = last; i >= 0; i--) {
        const layer = layers[i];
        const plan = {
          ...this.plan(i, layer, 'backward'), dy: this.outputGrads[i], dx: i > 0 ? this.outputGrads[i - 1] : null,
          reluBackwardDone: folded[i], foldInputRelu: i > 0 && folded[i - 1],
        };
        this.backward.push(...(await layerKind(layer).gpu.planBackward(layer, plan)));
      }
    }
  }

  /** What layer i's kind needs to plan its dispatches. */
  private plan(i: number, layer: LayerSpec, direction: 'forward' | 'backward'): ForwardPlan {
    const { inputShape, outputShape } = this.summary.layers[i];
    return {
      ctx: this.ctx,
      index: i,
      batch: this.batch,
      training: this.options.training,
      inputShape,
      outputShape,
      x: i === 0 ? this.input : this.outputs[i - 1],
      y: this.outputs[i],
      label: `${layer.name} ${direction}`,
      weight: (name) => this.weights.get(`${layer.name}/${name}`),
      scratch: (name, elements, fill) => this.scratch(layer.name, name, elements, fill),
      transient: (name, elements) => this.transient(name, elements),
      seeded: (kernel) => this.dropouts.push({ layer: i, kernel }),
    };
  }

  private readonly scratchBuffers = new Map<string, GPUBuffer>();

  /** Layer `layer`'s scratch buffer `name`: made (and filled) on first use, the same one after (see ForwardPlan.scratch). */
  private scratch(layer: string, name: string, elements: number, fill?: number): GPUBuffer {
    const label = `${layer} ${name}`;
    let b = this.scratchBuffers.get(label);
    if (!b) {
      b = this.buffer(label, elements);
      if (fill !== undefined) this.ctx.device.queue.writeBuffer(b, 0, new Float32Array(elements).fill(fill));
      this.scratchBuffers.set(label, b);
    }
    return b;
  }

  private readonly transientBuffers = new Map<string, GPUBuffer[]>();

  /**
   * The network's transient buffer `name` of at least `elements` (see ForwardPlan.transient): an existing one if
   * large enough, else a new one; a buffer already bound by an earlier layer is never resized under it.
   */
  private transient(name: string, elements: number): GPUBuffer {
    const made = this.transientBuffers.get(name) ?? [];
    const fits = made.find((b) => b.size >= elements * 4);
    if (fits) return fits;
    const b = this.buffer(`network ${name} (${made.length + 1})`, elements);
    this.transientBuffers.set(name, [...made, b]);
    return b;
  }
}
