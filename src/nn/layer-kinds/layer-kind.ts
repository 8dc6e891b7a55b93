/**
 * What one layer kind means, as one object: shape inference with parameter and FLOP counts, weight
 * initialisation, GPU forward/backward planning, how its channels flow for drop/widen, and the sign of its output
 * (whether an identity ReLU conv may be inserted after it). Each kind is a module beside this file; the registry
 * (../layer-registry.ts) is typed so that a kind without a module, or a module without one of these parts, fails
 * to compile. The Keras codec lives in src/io/keras-codecs/ and the CPU reference in src/reference, each with a
 * registry typed the same way.
 */
import type { GpuContext } from '../../gpu/context.ts';
import type { KernelCall } from '../../gpu/kernel-call.ts';
import type { DropoutKernel } from '../../gpu/kernels/dropout.ts';
import type { LayerSpec, Tensor } from '../layers.ts';

/** What a layer makes of its per-image input shape ([h, w, c] or [features]). */
export interface LayerShape {
  outputShape: number[];
  /** Shape of every weight, by Keras weight name (empty for layers without weights). */
  weightShapes: Record<string, number[]>;
  /** All weight values (Keras's "Param #"). */
  params: number;
  /** Weight values changed by gradient descent. */
  trainableParams: number;
  /** Floating-point operations per image, forward, by the rules of src/nn/shapes.ts's file comment. */
  flops: number;
}

/** A weight on the GPU: its values and, when training, its gradient. */
export interface WeightSlot {
  value: GPUBuffer;
  grad: GPUBuffer | null;
}

/** What the network gives a kind to plan one layer's forward dispatches. */
export interface ForwardPlan {
  ctx: GpuContext;
  /** The layer's index in the model (dropout seeds are per layer). */
  index: number;
  batch: number;
  training: boolean;
  /** Per-image input and output shapes. */
  inputShape: number[];
  outputShape: number[];
  x: GPUBuffer;
  /** The layer's output: x itself when the kind aliases its input. */
  y: GPUBuffer;
  /** `${layer name} forward` / `backward`, for GPU object labels. */
  label: string;
  /** The layer's weight `name` (kernel, bias, gamma, …), when the layer has it. */
  weight(name: string): WeightSlot | undefined;
  /**
   * A float32 buffer of `elements` owned by the network, the same buffer for the same name in forward and
   * backward (maxpool's argmax, batchnorm's batch statistics); `fill` sets every element once at creation.
   */
  scratch(name: string, elements: number, fill?: number): GPUBuffer;
  /**
   * A float32 buffer of at least `elements` shared by every layer that asks for `name`: for values a layer writes
   * and reads back within its own forward dispatches (Winograd's transformed tiles), never kept for another layer
   * or the backward, so one buffer (the largest asked for) serves the whole network.
   */
  transient(name: string, elements: number): GPUBuffer;
  /** Registers a dropout kernel: the network rewrites its seed every step. */
  seeded(kernel: DropoutKernel): void;
}

/** The backward adds the output's gradient and, unless this is the first layer, the input's. */
export interface BackwardPlan extends ForwardPlan {
  dy: GPUBuffer;
  dx: GPUBuffer | null;
  /**
   * The layer after this one has folded this layer's fused ReLU backward into its own (dy is already zero where
   * y is 0): skip it. Set by the network only where `fusedRelu` says this layer has one and the next layer's
   * `foldsInputRelu` agreed.
   */
  reluBackwardDone?: boolean;
  /** This layer folds the backward of the ReLU that produced x into its dx (the network then skips that one). */
  foldInputRelu?: boolean;
}

/**
 * How the channels of an edited layer (a conv's filters, a dense layer's units) pass through this layer on their
 * way to the layer that reads them (src/surgery/channel-routes.ts):
 *   - 'per-channel': output channel k depends on input channel k only, without weights (relu, pooling, dropout);
 *   - 'per-channel-weights': like per-channel, with weight vectors of one entry per feature p * C + k (batchnorm);
 *   - 'flatten': the spatial axes fold into the feature axis, so every later per-channel weight repeats the
 *     channel axis `positions` more times (H * W of a feature map, 1 for a flat input);
 *   - 'consumer': the layer reads the channels through a kernel seen as [taps * positions, C, outputs] (a conv's
 *     kh * kw taps; 1 for a dense layer, whose positions come from the flattens before it);
 *   - 'mixes': output channels depend on several input channels (softmax): no per-channel edit can pass.
 */
export type ChannelFlow =
  | { type: 'per-channel' }
  | { type: 'per-channel-weights' }
  | { type: 'flatten'; positions: number }
  | { type: 'consumer'; taps: number }
  | { type: 'mixes' };

/** A kind whose output channels can be dropped or widened: how many it has, and the spec with another count. */
export interface EditableChannels<L> {
  count(layer: L): number;
  withCount(layer: L, channels: number): L;
}

/**
 * The sign of the layer's output, for inserting an identity ReLU conv after it (src/surgery/insert-layer.ts):
 * never negative, the sign of its input (pooling, dropout), or possibly negative (with the reason, for the user).
 */
export type OutputSign = { type: 'non-negative' } | { type: 'as-input' } | { type: 'any'; reason: string };

export interface LayerKind<L extends LayerSpec> {
  /** Output shape, weight shapes and counts from the per-image input shape; ModelSpecError naming the layer when it does not fit. */
  summarize(layer: L, input: readonly number[]): LayerShape;
  /** Initial weights (seeded per layer name), given the shapes `summarize` gave. */
  init(layer: L, weightShapes: Record<string, number[]>, seed: number): Record<string, Tensor>;
  /** Whether the layer applies a softmax, which the GPU network leaves to the loss (so only at the model's end). */
  appliesSoftmax(layer: L): boolean;
  gpu: {
    /** Whether the layer's output is its input buffer (no dispatch: flatten, softmax, inference dropout). */
    aliasesInput(layer: L, training: boolean): boolean;
    planForward(layer: L, plan: ForwardPlan): Promise<KernelCall[]>;
    planBackward(layer: L, plan: BackwardPlan): Promise<KernelCall[]>;
    /** Whether the layer's output is a ReLU fused into it, whose backward (dy where y > 0) another layer may take over. */
    fusedRelu?(layer: L): boolean;
    /**
     * Whether this layer can fold the backward of a ReLU that produced its input into its own backward, for this
     * per-image input shape and batch (a max-pool whose windows tile: only the argmax tap gets gradient, and its
     * value is the pooled output).
     */
    foldsInputRelu?(layer: L, inputShape: number[], batch: number): boolean;
  };
  channels: {
    flow(layer: L, input: readonly number[]): ChannelFlow;
    /** null: the layer has no output channels of its own to edit. */
    editable: EditableChannels<L> | null;
  };
  outputSign(layer: L): OutputSign;
}
