/**
 * softmax-cross-entropy: per-row loss, dlogits = (softmax - onehot) / rows (the gradient of the mean loss),
 * predicted class and correct flag, plus a single-workgroup kernel that sums loss and correct over the rows into
 * a 2-float `totals` buffer, so a training step reads back two numbers at most (or an epoch, with `accumulate`).
 * shaders/softmax_cross_entropy.wgsl; reference: src/reference/softmax-cross-entropy.ts.
 *
 * Buffers: logits f32 [rows, classes]; labels u32 [rows] (must be < classes; a bad label gives a NaN loss);
 * loss f32 [rows]; dlogits f32 [rows, classes]; predicted and correct u32 [rows]; totals f32 [2] =
 * (sum of loss, number correct). Mean loss = totals[0] / rows.
 *
 * planSoftmaxCrossEntropyInference is the forward-only variant (no dlogits buffer at all) for a batch of which
 * only the first valid[0] rows are real (valid: u32 [1], written per batch); the other rows get loss 0,
 * predicted NO_PREDICTION and correct 0.
 */
import type { GpuContext } from '../context.ts';
import { makeKernelCall, spreadWorkgroups, type KernelCall } from '../kernel-call.ts';
import { u32s } from '../uniforms.ts';
import { requireDistinct, requireElements, requirePositive } from './plan-checks.ts';

/** Threads of the totals workgroup. */
const TOTALS_WG = 256;

export interface SoftmaxCrossEntropyArgs {
  logits: GPUBuffer;
  labels: GPUBuffer;
  loss: GPUBuffer;
  dlogits: GPUBuffer;
  predicted: GPUBuffer;
  correct: GPUBuffer;
  rows: number;
  classes: number;
}

export interface SoftmaxCrossEntropyInferenceArgs {
  logits: GPUBuffer;
  labels: GPUBuffer;
  /** u32 [1]: rows of the batch that are real images. */
  valid: GPUBuffer;
  loss: GPUBuffer;
  predicted: GPUBuffer;
  correct: GPUBuffer;
  /** Rows of the batch (the buffers' size); valid[0] may be fewer. */
  rows: number;
  classes: number;
}

/** `predicted` of a padding row (beyond valid[0]) in the inference variant: no class. */
export const NO_PREDICTION = 0xffffffff;

export interface LossTotalsArgs {
  loss: GPUBuffer;
  correct: GPUBuffer;
  totals: GPUBuffer;
  rows: number;
  /** Add to the totals already in the buffer (epoch sums) instead of overwriting them. */
  accumulate: boolean;
}

/** Threads per row: the power of two that gives each thread about one class, between 32 and 256. */
function threadsPerRow(classes: number): number {
  let wg = 32;
  while (wg < classes && wg < 256) wg *= 2;
  return wg;
}

export function planSoftmaxCrossEntropy(ctx: GpuContext, args: SoftmaxCrossEntropyArgs): Promise<KernelCall> {
  const { logits, labels, loss, dlogits, predicted, correct, rows, classes } = args;
  const label = `softmax cross-entropy(${logits.label}, ${rows}x${classes})`;
  requirePositive(label, 'rows', rows);
  requirePositive(label, 'classes', classes);
  requireElements(label, 'logits', logits, rows * classes);
  requireElements(label, 'dlogits', dlogits, rows * classes);
  for (const [name, buffer] of Object.entries({ labels, loss, predicted, correct })) requireElements(label, name, buffer, rows);
  requireDistinct(label, { logits, labels, loss, dlogits, predicted, correct });
  return makeKernelCall(ctx, {
    label,
    file: 'softmax_cross_entropy.wgsl',
    entryPoint: 'rows_main',
    constants: { WG: threadsPerRow(classes) },
    uniforms: u32s(rows, classes, 0),
    buffers: [logits, labels, loss, dlogits, predicted, correct],
    workgroups: spreadWorkgroups(rows, ctx.limits.maxComputeWorkgroupsPerDimension),
  });
}

export function planSoftmaxCrossEntropyInference(ctx: GpuContext, args: SoftmaxCrossEntropyInferenceArgs): Promise<KernelCall> {
  const { logits, labels, valid, loss, predicted, correct, rows, classes } = args;
  const label = `softmax cross-entropy, inference(${logits.label}, ${rows}x${classes})`;
  requirePositive(label, 'rows', rows);
  requirePositive(label, 'classes', classes);
  requireElements(label, 'logits', logits, rows * classes);
  requireElements(label, 'valid', valid, 1);
  for (const [name, buffer] of Object.entries({ labels, loss, predicted, correct })) requireElements(label, name, buffer, rows);
  requireDistinct(label, { logits, labels, valid, loss, predicted, correct });
  return makeKernelCall(ctx, {
    label,
    file: 'softmax_cross_entropy.wgsl',
    entryPoint: 'infer_main',
    constants: { WG: threadsPerRow(classes) },
    uniforms: u32s(rows, classes, 0),
    buffers: [logits, labels, valid, loss, predicted, correct],
    workgroups: spreadWorkgroups(rows, ctx.limits.maxComputeWorkgroupsPerDimension),
  });
}

export function planLossTotals(ctx: GpuContext, { loss, correct, totals, rows, accumulate }: LossTotalsArgs): Promise<KernelCall> {
  const label = `loss totals(${loss.label} -> ${totals.label})`;
  requirePositive(label, 'rows', rows);
  requireElements(label, 'loss', loss, rows);
  requireElements(label, 'correct', correct, rows);
  requireElements(label, 'totals', totals, 2);
  requireDistinct(label, { loss, correct, totals });
  return makeKernelCall(ctx, {
    label,
    file: 'softmax_cross_entropy.wgsl',
    entryPoint: 'totals_main',
    constants: { WG: TOTALS_WG },
    uniforms: u32s(rows, 0, accumulate ? 1 : 0),
    buffers: [loss, correct, totals],
    workgroups: [1, 1, 1],
  });
}
