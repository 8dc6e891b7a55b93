/**
 * One training step on the GPU, planned once: the network's forward, softmax cross-entropy on the logits, the
 * loss totals, the backward, and the optimizer update of every trainable tensor. The input batch
 * (`network.input`) and its labels (`labels`) are the caller's to fill: the trainer gathers them from the
 * GPU-resident dataset in the same command buffer; the benchmarks write a fixed batch once. What a step is
 * is defined here only, so that the trainer, `aom-studio bench` and `bench --profile` time the same work.
 */
import type { GpuContext } from '../gpu/context.ts';
import { destroyCalls, encodeCalls, type KernelCall } from '../gpu/kernel-call.ts';
import { planLossTotals, planSoftmaxCrossEntropy } from '../gpu/kernels/softmax-cross-entropy.ts';
import { planAdam, planSgd, type OptimizerKernel } from '../gpu/kernels/optimizers.ts';
import type { Model } from './layers.ts';
import { GpuNetwork } from './gpu-network.ts';
import type { TrainConfig } from './train-config.ts';

/** The optimizer settings a step needs (a TrainConfig has them all). */
export type StepOptimizer = Pick<TrainConfig, 'optimizer' | 'lr' | 'momentum' | 'weightDecay'>;

export class TrainStep {
  /** labels[i] is the class of image i of the batch (u32). */
  readonly labels: GPUBuffer;
  /** Summed loss and correct count (f32 x 2) of the steps since the last `accumulate: false` step. */
  readonly totals: GPUBuffer;
  private readonly lossCall: KernelCall;
  private readonly totalsFirst: KernelCall;
  private readonly totalsNext: KernelCall;
  private readonly optimizers: OptimizerKernel[];
  /** The optimizer's state buffers (Adam's m and v, SGD's velocity) by name: what a checkpoint saves. */
  readonly optimizerState: ReadonlyMap<string, { buffer: GPUBuffer; count: number }>;

  private constructor(
    readonly ctx: GpuContext,
    readonly network: GpuNetwork,
    parts: {
      labels: GPUBuffer; totals: GPUBuffer; lossCall: KernelCall; totalsFirst: KernelCall; totalsNext: KernelCall; optimizers: OptimizerKernel[];
      optimizerState: Map<string, { buffer: GPUBuffer; count: number }>;
    },
    private readonly owned: GPUBuffer[],
  ) {
    this.labels = parts.labels;
    this.totals = parts.totals;
    this.lossCall = parts.lossCall;
    this.totalsFirst = parts.totalsFirst;
    this.totalsNext = parts.totalsNext;
    this.optimizers = parts.optimizers;
    this.optimizerState = parts.optimizerState;
  }

  static async create(ctx: GpuContext, model: Model, batch: number, optimizer: StepOptimizer): Promise<TrainStep> {
    const owned: GPUBuffer[] = [];
    const buffer = (label: string, bytes: number) => {
      const b = ctx.createBuffer(label, bytes);
      owned.push(b);
      return b;
    };
    const network = await GpuNetwork.create(ctx, model, { batch, training: true });
    const calls: KernelCall[] = [];
    const optimizers: OptimizerKernel[] = [];
    const optimizerState = new Map<string, { buffer: GPUBuffer; count: number }>();
    try {
      const classes = network.classCount;
      const labels = buffer('train labels', batch * 4);
      const loss = buffer('train loss', batch * 4);
      const predicted = buffer('train predicted', batch * 4);
      const correct = buffer('train correct', batch * 4);
      const totals = buffer('train totals', 8);
      const lossCall = await planSoftmaxCrossEntropy(ctx, { logits: network.logits, labels, loss, dlogits: network.logitsGrad, predicted, correct, rows: batch, classes });
      calls.push(lossCall);
      const totalsFirst = await planLossTotals(ctx, { loss, correct, totals, rows: batch, accumulate: false });
      calls.push(totalsFirst);
      const totalsNext = await planLossTotals(ctx, { loss, correct, totals, rows: batch, accumulate: true });
      calls.push(totalsNext);
      for (const slot of network.trainable) {
        // Weight decay regularises kernels only; biases and batch-norm's gamma/beta are left free (common practice).
        const weightDecay = slot.weight === 'kernel' ? optimizer.weightDecay : 0;
        const state = (name: string) => {
          const b = buffer(`${optimizer.optimizer} ${name} ${slot.key}`, slot.count * 4);
          optimizerState.set(`${slot.key}/${name}`, { buffer: b, count: slot.count });
          return b;
        };
        optimizers.push(
          optimizer.optimizer === 'adam'
            ? await planAdam(ctx, { param: slot.value, grad: slot.grad!, m: state('m'), v: state('v'), count: slot.count, weightDecay, lr: optimizer.lr, step: 1 })
            : await planSgd(ctx, { param: slot.value, grad: slot.grad!, velocity: state('velocity'), count: slot.count, momentum: optimizer.momentum, weightDecay, lr: optimizer.lr }),
        );
      }
      return new TrainStep(ctx, network, { labels, totals, lossCall, totalsFirst, totalsNext, optimizers, optimizerState }, owned);
    } catch (error) {
      destroyCalls(calls);
      destroyCalls(optimizers.map((o) => o.call));
      network.destroy();
      for (const b of owned) b.destroy();
      throw error;
    }
  }

  /** Forward, loss and totals; `accumulate` adds to the totals instead of restarting them. */
  forwardAndLoss(accumulate: boolean): KernelCall[] {
    return [...this.network.forward, this.lossCall, accumulate ? this.totalsNext : this.totalsFirst];
  }

  /** Backward and every optimizer update. */
  backwardAndUpdate(): KernelCall[] {
    return [...this.network.backward, ...this.optimizers.map((o) => o.call)];
  }

  /** Every dispatch of one step, in order (what `bench --profile` times one by one). */
  calls(accumulate = false): KernelCall[] {
    return [...this.forwardAndLoss(accumulate), ...this.backwardAndUpdate()];
  }

  /** Sets the learning rate and the 1-based step number of the next step's updates. */
  setStep(lr: number, step: number): void {
    for (const o of this.optimizers) o.setStep(this.ctx, { lr, step });
  }

  /**
   * Encodes one step into `encoder`: `before` (e.g. the batch gather) and the forward and loss in one compute
   * pass, `between` (commands outside a pass, e.g. the trainer's weight copy) and the backward and updates in a
   * second one.
   */
  encode(encoder: GPUCommandEncoder, options: { accumulate: boolean; before?: readonly KernelCall[]; between?: (encoder: GPUCommandEncoder) => void }): void {
    encodeCalls(encoder, [...(options.before ?? []), ...this.forwardAndLoss(options.accumulate)], 'forward and loss');
    options.between?.(encoder);
    encodeCalls(encoder, this.backwardAndUpdate(), 'backward and update');
  }

  destroy(): void {
    destroyCalls([this.lossCall, this.totalsFirst, this.totalsNext]);
    destroyCalls(this.optimizers.map((o) => o.call));
    this.network.destroy();
    for (const b of this.owned) b.destroy();
  }
}
