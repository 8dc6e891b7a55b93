/**
 * Evaluation on the GPU: an inference network plus the loss kernel at a fixed batch size. Images are gathered on
 * the GPU from pool indices; per batch the CPU reads back only the per-row loss and predicted class (8 bytes a
 * row) to build accuracy, per-class accuracy and the confusion matrix. A ragged last batch repeats its last
 * index to fill the batch; the extra rows are not counted.
 */
import type { GpuContext } from '../gpu/context.ts';
import { destroyCalls, submitCalls, type KernelCall } from '../gpu/kernel-call.ts';
import { planSoftmaxCrossEntropy } from '../gpu/kernels/softmax-cross-entropy.ts';
import type { BatchGather, GpuDataset } from '../data/gpu-dataset.ts';
import { poolLabel, type ImageDataset } from '../data/dataset.ts';
import type { Model, ModelWeights } from './layers.ts';
import { GpuNetwork } from './gpu-network.ts';

export interface EvaluationResult {
  count: number;
  loss: number;
  accuracy: number;
  /** Accuracy of each true class (NaN for a class with no images). */
  perClassAccuracy: number[];
  /** confusion[true][predicted] counts. */
  confusion: number[][];
}

export class Evaluator {
  private constructor(
    readonly ctx: GpuContext,
    readonly network: GpuNetwork,
    private readonly gather: BatchGather,
    private readonly lossCall: KernelCall,
    private readonly buffers: { loss: GPUBuffer; predicted: GPUBuffer; correct: GPUBuffer; dlogits: GPUBuffer },
    private readonly dataset: ImageDataset,
  ) {}

  static async create(ctx: GpuContext, model: Model, data: GpuDataset, batchSize = 256): Promise<Evaluator> {
    const network = await GpuNetwork.create(ctx, model, { batch: batchSize, training: false });
    const classes = network.classCount;
    const buffers = {
      loss: ctx.createBuffer('eval loss', batchSize * 4),
      predicted: ctx.createBuffer('eval predicted', batchSize * 4),
      correct: ctx.createBuffer('eval correct', batchSize * 4),
      dlogits: ctx.createBuffer('eval dlogits (unused)', batchSize * classes * 4),
    };
    const gather = await data.planGather({ batchSize, preprocessing: model.spec.preprocessing, output: { x: network.input, labels: ctx.createBuffer('eval labels', batchSize * 4) } });
    const lossCall = await planSoftmaxCrossEntropy(ctx, { logits: network.logits, labels: gather.labels, ...buffers, rows: batchSize, classes });
    return new Evaluator(ctx, network, gather, lossCall, buffers, data.dataset);
  }

  get batchSize(): number {
    return this.network.batch;
  }

  /** Replace the network's weights (e.g. copied from a training network after an epoch). */
  setWeights(weights: ModelWeights): void {
    this.network.writeWeights(weights);
  }

  /** Copies weights GPU to GPU from another network with the same architecture. */
  copyWeightsFrom(source: GpuNetwork): void {
    const encoder = this.ctx.device.createCommandEncoder({ label: 'copy weights to evaluator' });
    for (const [key, slot] of this.network.weights) {
      const from = source.weights.get(key);
      if (!from || from.count !== slot.count) throw new Error(`evaluator: weight ${key} differs between the networks`);
      encoder.copyBufferToBuffer(from.value, 0, slot.value, 0, slot.count * 4);
    }
    this.ctx.device.queue.submit([encoder.finish()]);
  }

  /**
   * Runs the forward pass over `indices` (pool indices of `data`), calling `eachBatch` after every batch's
   * forward (for analysis that reads activations) before the next batch overwrites them.
   */
  async evaluate(indices: ArrayLike<number>, options: { extraCalls?: KernelCall[]; onBatch?: (rows: number, start: number) => Promise<void> | void } = {}): Promise<EvaluationResult> {
    const B = this.batchSize;
    const classes = this.network.classCount;
    if (this.dataset.classNames.length > classes) {
      throw new Error(`${this.dataset.name} has ${this.dataset.classNames.length} classes but the model '${this.network.model.spec.name}' outputs ${classes}`);
    }
    const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
    let lossSum = 0;
    let correct = 0;
    const batchIndices = new Uint32Array(B);
    for (let start = 0; start < indices.length; start += B) {
      const rows = Math.min(B, indices.length - start);
      for (let r = 0; r < B; r++) batchIndices[r] = indices[start + Math.min(r, rows - 1)];
      this.gather.write(batchIndices, 0);
      submitCalls(this.ctx, [this.gather.call, ...this.network.forward, this.lossCall, ...(options.extraCalls ?? [])], 'evaluate');
      const [loss, predicted] = await Promise.all([this.ctx.readFloat32(this.buffers.loss, rows), this.ctx.readUint32(this.buffers.predicted, rows)]);
      for (let r = 0; r < rows; r++) {
        const truth = poolLabel(this.dataset, batchIndices[r]);
        lossSum += loss[r];
        confusion[truth][predicted[r]] += 1;
        if (truth === predicted[r]) correct++;
      }
      await options.onBatch?.(rows, start);
    }
    const count = indices.length;
    return {
      count,
      loss: lossSum / Math.max(1, count),
      accuracy: correct / Math.max(1, count),
      perClassAccuracy: confusion.map((row, c) => {
        const total = row.reduce((a, b) => a + b, 0);
        return total ? row[c] / total : Number.NaN;
      }),
      confusion,
    };
  }

  destroy(): void {
    destroyCalls([this.lossCall]);
    this.gather.destroy();
    this.gather.labels.destroy();
    for (const b of Object.values(this.buffers)) b.destroy();
    this.network.destroy();
  }
}
