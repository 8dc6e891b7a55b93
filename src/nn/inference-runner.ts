/**
 * InferenceRunner: the one inference harness, used by evaluation, the analysis passes (map counting, ablation),
 * the kernel detail's top images and the trainer's per-epoch validation. It compiles a model for inference at a
 * fixed batch size, with the gather that fills the network's input from a GpuDataset and the forward-only loss
 * kernel (per-row loss, predicted class, correct flag; no gradient buffer), and runs them over a list of pool
 * indices batch by batch.
 *
 * Batches: batch b holds indices[b * B .. b * B + rows) with rows = B except for the last, partial one, whose
 * remaining rows repeat its last index (the gather needs B real indices); `valid` (u32 [1]) holds `rows`, and
 * the loss kernel and every counting kernel ignore rows >= valid[0].
 *
 * Per batch, one command buffer: gather, the forward (with the caller's calls after any layer's output), the
 * loss, the caller's calls after it; or whatever the caller's `encode` puts there (ablation). One batch is kept
 * in flight: batch b + 1 is submitted before batch b's results are awaited, so the GPU does not wait for the CPU
 * between batches (unless `onBatch` reads a batch's buffers, which waits for that batch), and a cancellation or a
 * progress report is at most one batch behind the GPU.
 *
 * Creation checks on the CPU that the model fits the dataset (no GPU work for a model that does not), and frees
 * everything it made when a later step fails (a batch too big for the adapter's limits, a kernel that fails to
 * compile).
 */
import type { GpuContext } from '../gpu/context.ts';
import { destroyCalls, encodeCalls, type KernelCall } from '../gpu/kernel-call.ts';
import { planAddCorrect } from '../gpu/kernels/ablation.ts';
import { planSoftmaxCrossEntropyInference } from '../gpu/kernels/softmax-cross-entropy.ts';
import type { BatchGather, GpuDataset } from '../data/gpu-dataset.ts';
import { poolLabel, type ImageDataset } from '../data/dataset.ts';
import { throwIfCancelled } from './cancellation.ts';
import { EvaluationTally, type EvaluationResult } from './evaluation-tally.ts';
import { GpuNetwork } from './gpu-network.ts';
import type { Model, ModelWeights } from './layers.ts';
import { requireModelFitsDataset } from './model-fit.ts';

export interface InferenceRunOptions {
  /** Checked before every batch; when aborted, the run stops with a CancelledError (after the batch in flight). */
  signal?: AbortSignal;
  /** Called after each batch has finished on the GPU, with the images done so far and the total. */
  onProgress?: (done: number, total: number) => void;
  /** Names the run in command-buffer labels and in the cancellation message (default 'inference'). */
  label?: string;
  /**
   * Awaited after each batch (its `rows` real rows are indices[start .. start + rows)) is submitted and before
   * the next one is, so it may read the network's buffers for that batch: activations, or the logits with
   * `ctx.readFloat32(runner.network.logits, rows * classes)`.
   */
  onBatch?: (rows: number, start: number) => Promise<void> | void;
}

export interface InferencePassOptions extends InferenceRunOptions {
  /** Calls encoded right after layer i's forward, by layer index (e.g. counting a conv layer's maps). */
  afterLayer?: ReadonlyMap<number, readonly KernelCall[]>;
  /** Calls encoded after the loss (e.g. tallying the correct flags). */
  afterLoss?: readonly KernelCall[];
  /** Encodes the whole batch instead (gather, forward pieces, loss...): for passes that rerun parts of it. */
  encode?: (encoder: GPUCommandEncoder) => void;
}

export class InferenceRunner {
  private readonly batchIndices: Uint32Array;
  private readonly validWord = new Uint32Array(1);

  private constructor(
    readonly ctx: GpuContext,
    readonly network: GpuNetwork,
    readonly gather: BatchGather,
    /** u32 [batch]: the gathered batch's labels. */
    readonly labels: GPUBuffer,
    /** u32 [1]: real rows in the current batch. */
    readonly valid: GPUBuffer,
    /** f32 [batch]: per-row loss (0 beyond valid). */
    readonly loss: GPUBuffer,
    /** u32 [batch]: predicted class (NO_PREDICTION beyond valid). */
    readonly predicted: GPUBuffer,
    /** u32 [batch]: 1 where the prediction equals the label (0 beyond valid). */
    readonly correct: GPUBuffer,
    /** The forward-only softmax cross-entropy on the logits: fills loss, predicted and correct. */
    readonly lossCall: KernelCall,
    private readonly dataset: ImageDataset,
    private readonly owned: GPUBuffer[],
  ) {
    this.batchIndices = new Uint32Array(network.batch);
  }

  /**
   * Compiles `model` for inference at `batchSize` on `data`. Throws ModelDatasetMismatchError (before any GPU
   * work) when the model's input is not the dataset's image shape or it has fewer outputs than classes.
   */
  static async create(ctx: GpuContext, model: Model, data: GpuDataset, batchSize = 256): Promise<InferenceRunner> {
    requireModelFitsDataset(model.spec, data.dataset);
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new RangeError(`inference of '${model.spec.name}': batch size must be a positive integer, got ${batchSize}`);
    }
    const owned: GPUBuffer[] = [];
    const buffer = (label: string, bytes: number) => {
      const b = ctx.createBuffer(label, bytes);
      owned.push(b);
      return b;
    };
    let network: GpuNetwork | null = null;
    let gather: BatchGather | null = null;
    try {
      network = await GpuNetwork.create(ctx, model, { batch: batchSize, training: false });
      const labels = buffer('inference labels', batchSize * 4);
      const valid = buffer('inference valid rows', 4);
      const loss = buffer('inference loss', batchSize * 4);
      const predicted = buffer('inference predicted', batchSize * 4);
      const correct = buffer('inference correct', batchSize * 4);
      gather = await data.planGather({ batchSize, preprocessing: model.spec.preprocessing, output: { x: network.input, labels } });
      const lossCall = await planSoftmaxCrossEntropyInference(ctx, {
        logits: network.logits, labels, valid, loss, predicted, correct, rows: batchSize, classes: network.classCount,
      });
      return new InferenceRunner(ctx, network, gather, labels, valid, loss, predicted, correct, lossCall, data.dataset, owned);
    } catch (error) {
      gather?.destroy();
      for (const b of owned) b.destroy();
      network?.destroy();
      throw error;
    }
  }

  get batchSize(): number {
    return this.network.batch;
  }

  /** Replaces the network's weights (same architecture). */
  setWeights(weights: ModelWeights): void {
    this.network.writeWeights(weights);
  }

  /** Copies weights GPU to GPU from another network of the same architecture (e.g. the training network). */
  copyWeightsFrom(source: GpuNetwork): void {
    const encoder = this.ctx.device.createCommandEncoder({ label: 'copy weights to the inference network' });
    for (const [key, slot] of this.network.weights) {
      const from = source.weights.get(key);
      if (!from || from.count !== slot.count) throw new Error(`inference network: weight ${key} differs between the networks`);
      encoder.copyBufferToBuffer(from.value, 0, slot.value, 0, slot.count * 4);
    }
    this.ctx.device.queue.submit([encoder.finish()]);
  }

  /** The forward dispatches of layers first..last (inclusive). */
  forwardCalls(first: number, last = this.network.forwardByLayer.length - 1): KernelCall[] {
    return this.network.forwardByLayer.slice(first, last + 1).flat();
  }

  /** Plans `totals[slot] += correct rows of the batch` (u32 totals, kept on the GPU across batches). */
  planCorrectTally(totals: GPUBuffer, slot: number): Promise<KernelCall> {
    return planAddCorrect(this.ctx, { correct: this.correct, valid: this.valid, totals, rows: this.batchSize, slot });
  }

  /** Encodes gather, the forward with `afterLayer`'s calls after their layers, the loss, then `afterLoss`. */
  encodeInference(encoder: GPUCommandEncoder, extra: Pick<InferencePassOptions, 'afterLayer' | 'afterLoss'> = {}): void {
    const calls: KernelCall[] = [...this.gather.calls];
    this.network.forwardByLayer.forEach((layer, i) => calls.push(...layer, ...(extra.afterLayer?.get(i) ?? [])));
    calls.push(this.lossCall, ...(extra.afterLoss ?? []));
    encodeCalls(encoder, calls, 'inference');
  }

  /** Runs the batches of `indices` (pool indices) with the caller's GPU work; reads nothing back itself. */
  async run(indices: ArrayLike<number>, options: InferencePassOptions = {}): Promise<void> {
    const encode = options.encode ?? ((encoder: GPUCommandEncoder) => this.encodeInference(encoder, options));
    await this.pass(indices, options, encode, null);
  }

  /**
   * Runs `indices` and returns loss, accuracy, per-class accuracy and the confusion matrix (rows: true class,
   * columns: predicted, over the model's outputs), from each batch's per-row loss and prediction.
   */
  async evaluate(indices: ArrayLike<number>, options: InferenceRunOptions = {}): Promise<EvaluationResult> {
    const tally = new EvaluationTally(this.network.classCount);
    await this.pass(indices, { ...options, label: options.label ?? 'evaluation' }, (encoder) => this.encodeInference(encoder), tally);
    return tally.result();
  }

  destroy(): void {
    destroyCalls([this.lossCall]);
    this.gather.destroy();
    for (const b of this.owned) b.destroy();
    this.network.destroy();
  }

  private async pass(
    indices: ArrayLike<number>,
    options: InferenceRunOptions,
    encode: (encoder: GPUCommandEncoder) => void,
    tally: EvaluationTally | null,
  ): Promise<void> {
    const B = this.batchSize;
    const total = indices.length;
    const what = options.label ?? 'inference';
    type Pending = { start: number; rows: number; results: Promise<[Float32Array, Uint32Array] | null> };
    let pending: Pending | null = null;
    let last: Promise<unknown> | null = null;
    let done = 0;
    const settle = async ({ start, rows, results }: Pending) => {
      const read = await results;
      if (tally && read) {
        const [loss, predicted] = read;
        for (let r = 0; r < rows; r++) tally.add(poolLabel(this.dataset, indices[start + r]), predicted[r], loss[r]);
      }
      done = start + rows;
      options.onProgress?.(done, total);
    };
    try {
      for (let start = 0, index = 0; start < total; start += B, index++) {
        throwIfCancelled(options.signal, what, done, total);
        this.ctx.assertAlive();
        const rows = Math.min(B, total - start);
        for (let r = 0; r < B; r++) this.batchIndices[r] = indices[start + Math.min(r, rows - 1)];
        this.gather.write(this.batchIndices, 0);
        this.validWord[0] = rows;
        this.ctx.write(this.valid, this.validWord);
        const encoder = this.ctx.device.createCommandEncoder({ label: `${what}: batch ${index + 1}` });
        encode(encoder);
        this.ctx.device.queue.submit([encoder.finish()]);
        // Both reads (and sync's wait) are queued now, right behind this batch and ahead of the next one
        // (GpuContext.read submits its copy before returning), so the next batch cannot change what they see.
        const results: Pending['results'] = tally
          ? Promise.all([this.ctx.readFloat32(this.loss, rows), this.ctx.readUint32(this.predicted, rows)])
          : this.ctx.sync().then(() => null);
        // Awaited below (or on failure); this keeps a rejection that comes before then from counting as unhandled.
        results.catch(() => {});
        last = results;
        await options.onBatch?.(rows, start);
        if (pending) await settle(pending);
        pending = { start, rows, results };
      }
      if (pending) await settle(pending);
    } catch (error) {
      // Let the batch in flight finish before the caller frees what it uses (results settle in queue order).
      await last?.catch(() => {});
      throw error;
    }
  }
}
