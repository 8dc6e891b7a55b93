/**
 * The GPU side shared by every analysis pass: an inference network at a fixed batch, the gather that fills its
 * input from a GpuDataset, the loss kernel (for the correct flags), and a one-word `valid` buffer holding the
 * number of real rows of the current batch. A ragged last batch repeats its last index to fill the batch (as
 * the Evaluator does); the counting and tallying kernels read `valid` and ignore the copies.
 *
 * Unlike the Evaluator, nothing is read back per batch: a pass encodes its whole batch (gather, forward,
 * counting) into one command buffer and the results stay on the GPU until the pass reads them once.
 */
import type { GpuContext } from '../gpu/context.ts';
import { destroyCalls, encodeCalls, type KernelCall } from '../gpu/kernel-call.ts';
import { planAddCorrect } from '../gpu/kernels/ablation.ts';
import { planSoftmaxCrossEntropy } from '../gpu/kernels/softmax-cross-entropy.ts';
import type { BatchGather, GpuDataset } from '../data/gpu-dataset.ts';
import type { Model } from '../nn/layers.ts';
import { GpuNetwork } from '../nn/gpu-network.ts';

/** Called with images done and the total, after the GPU finished them (every few batches). */
export type BatchProgress = (done: number, total: number) => void;

export class BatchDriver {
  private readonly validWord = new Uint32Array(1);
  private readonly batchIndices: Uint32Array;

  private constructor(
    readonly ctx: GpuContext,
    readonly network: GpuNetwork,
    readonly gather: BatchGather,
    /** u32 [batch]: the gathered batch's labels. */
    readonly labels: GPUBuffer,
    /** u32 [1]: real rows in the current batch. */
    readonly valid: GPUBuffer,
    /** u32 [batch]: 1 where the prediction equals the label (from lossCall). */
    readonly correct: GPUBuffer,
    /** Softmax cross-entropy on the logits: fills `correct`. */
    readonly lossCall: KernelCall,
    private readonly scratch: GPUBuffer[],
  ) {
    this.batchIndices = new Uint32Array(network.batch);
  }

  static async create(ctx: GpuContext, model: Model, data: GpuDataset, batchSize: number): Promise<BatchDriver> {
    const network = await GpuNetwork.create(ctx, model, { batch: batchSize, training: false });
    const owned: GPUBuffer[] = [];
    const buffer = (label: string, bytes: number) => {
      const b = ctx.createBuffer(label, bytes);
      owned.push(b);
      return b;
    };
    try {
      const classes = network.classCount;
      const labels = buffer('analysis labels', batchSize * 4);
      const valid = buffer('analysis valid rows', 4);
      const correct = buffer('analysis correct', batchSize * 4);
      const lossBuffers = {
        loss: buffer('analysis loss (unused)', batchSize * 4),
        predicted: buffer('analysis predicted (unused)', batchSize * 4),
        dlogits: buffer('analysis dlogits (unused)', batchSize * classes * 4),
      };
      const gather = await data.planGather({ batchSize, preprocessing: model.spec.preprocessing, output: { x: network.input, labels } });
      const lossCall = await planSoftmaxCrossEntropy(ctx, { logits: network.logits, labels, correct, ...lossBuffers, rows: batchSize, classes });
      return new BatchDriver(ctx, network, gather, labels, valid, correct, lossCall, owned);
    } catch (error) {
      for (const b of owned) b.destroy();
      network.destroy();
      throw error;
    }
  }

  get batchSize(): number {
    return this.network.batch;
  }

  /** The forward dispatches of layers first..last (inclusive). */
  forwardCalls(first: number, last = this.network.forwardByLayer.length - 1): KernelCall[] {
    return this.network.forwardByLayer.slice(first, last + 1).flat();
  }

  /** Plans `totals[slot] += correct rows of the batch`. */
  planTally(totals: GPUBuffer, slot: number): Promise<KernelCall> {
    return planAddCorrect(this.ctx, { correct: this.correct, valid: this.valid, totals, rows: this.batchSize, slot });
  }

  /**
   * Runs `encodeBatch` once per batch of `indices` (pool indices), after writing the batch's indices and valid
   * row count; each batch is one command buffer. Waits for the GPU every `syncEvery` batches (to report
   * progress and keep the queue short) and at the end.
   */
  async run(indices: ArrayLike<number>, encodeBatch: (encoder: GPUCommandEncoder) => void, options: { onProgress?: BatchProgress; syncEvery?: number; label?: string } = {}): Promise<void> {
    const B = this.batchSize;
    const syncEvery = options.syncEvery ?? 8;
    let batches = 0;
    for (let start = 0; start < indices.length; start += B) {
      this.ctx.assertAlive();
      const rows = Math.min(B, indices.length - start);
      for (let r = 0; r < B; r++) this.batchIndices[r] = indices[start + Math.min(r, rows - 1)];
      this.gather.write(this.batchIndices, 0);
      this.validWord[0] = rows;
      this.ctx.write(this.valid, this.validWord);
      const encoder = this.ctx.device.createCommandEncoder({ label: options.label ?? 'analysis batch' });
      encodeBatch(encoder);
      this.ctx.device.queue.submit([encoder.finish()]);
      batches++;
      const last = start + B >= indices.length;
      if (last || batches % syncEvery === 0) {
        await this.ctx.sync();
        options.onProgress?.(start + rows, indices.length);
      }
    }
  }

  /** Encodes gather + the whole forward + loss, then `after` (one compute pass). */
  encodeInference(encoder: GPUCommandEncoder, after: readonly KernelCall[] = []): void {
    encodeCalls(encoder, [this.gather.call, ...this.network.forward, this.lossCall, ...after], 'analysis inference');
  }

  destroy(): void {
    destroyCalls([this.lossCall]);
    this.gather.destroy();
    for (const b of this.scratch) b.destroy();
    this.network.destroy();
  }
}
