/**
 * aom_count: activation-occurrence counts of one conv layer, kept on the GPU across batches. shaders/aom_count.wgsl;
 * reference: src/reference/aom-count.ts.
 *
 * Buffers: act f32 NHWC [batch, H, W, K] (the layer's post-nonlinearity map); labels u32 [batch] (the gathered
 * batch's labels); valid u32 [1] (rows of this batch that are real images, written per batch by the caller);
 * counts u32 [K, C, H, W] and classCounts u32 [C], added to (zero them before the first batch).
 */
import type { GpuContext } from '../context.ts';
import { threadWorkgroups, ceilDiv, makeKernelCall, type KernelCall } from '../kernel-call.ts';
import { packUniforms } from '../uniforms.ts';
import type { AomCountShape } from './aom-count-contract.ts';
import { requireDistinct, requireElements, requirePositive } from './plan-checks.ts';

const WG = 256;
/** Threads per workgroup of the class counts (classes are few: one workgroup covers up to 64). */
const CLASS_WG = 64;
/** Classes up to which the counts are kept in registers over a batch (MAX_CLASS_SLOTS in aom_count.wgsl). */
const MOST_REGISTER_CLASSES = 16;

export interface AomCountArgs {
  act: GPUBuffer;
  labels: GPUBuffer;
  valid: GPUBuffer;
  counts: GPUBuffer;
  /** Null to skip the class counts (several layers counted in one pass need them only once). */
  classCounts: GPUBuffer | null;
  shape: AomCountShape;
  /** Occurrence threshold: an activation counts when it is > tau (compared in float32). */
  tau: number;
  /** Names the layer in labels and errors. */
  layer: string;
}

/**
 * Which counting entry point a layer takes, and its threads per position: few classes (MNIST's and CIFAR-10's 10)
 * have per-class sums in registers and no branch per row, four kernels per thread where they come in fours. Measured
 * on lavapipe (2026-12-03, side by side on mnist-ref's maps at batch 128): see the README's maps row.
 */
function countVariant(kernels: number, classes: number): { entryPoint: string; constants: Record<string, number>; kernelsPerPosition: number } {
  if (classes > MOST_REGISTER_CLASSES) return { entryPoint: 'count_main', constants: { WG }, kernelsPerPosition: kernels };
  const fours = kernels % 4 === 0;
  return { entryPoint: fours ? 'count_main_classes4' : 'count_main_classes', constants: { WG, CLASS_SLOTS: classes }, kernelsPerPosition: fours ? kernels / 4 : kernels };
}

/** Plans the dispatches (per-position counts, then class counts unless null) that add one batch into the counts. */
export async function planAomCount(ctx: GpuContext, args: AomCountArgs): Promise<KernelCall[]> {
  const { act, labels, valid, counts, classCounts, shape, tau, layer } = args;
  const { batch, height, width, kernels, classes } = shape;
  const label = `aom_count(${layer}, ${batch}x${height}x${width}x${kernels}, ${classes} classes)`;
  for (const [name, value] of Object.entries(shape)) requirePositive(label, name, value);
  if (!Number.isFinite(tau)) throw new RangeError(`${label}: tau must be a finite number, got ${tau}`);
  const hw = height * width;
  requireElements(label, 'act', act, batch * hw * kernels);
  requireElements(label, 'labels', labels, batch);
  requireElements(label, 'valid', valid, 1);
  requireElements(label, 'counts', counts, kernels * classes * hw);
  if (classCounts) requireElements(label, 'classCounts', classCounts, classes);
  requireDistinct(label, { act, labels, valid, counts, ...(classCounts ? { classCounts } : {}) });
  const uniforms = packUniforms([{ u32: batch }, { u32: hw }, { u32: kernels }, { u32: classes }, { f32: tau }]);
  const { entryPoint, constants, kernelsPerPosition } = countVariant(kernels, classes);
  const calls = [
    await makeKernelCall(ctx, {
      label,
      file: 'aom_count.wgsl',
      entryPoint,
      constants,
      uniforms,
      buffers: [act, labels, valid, counts],
      workgroups: threadWorkgroups(ctx, hw * kernelsPerPosition, WG),
    }),
  ];
  if (!classCounts) return calls;
  calls.push(
    await makeKernelCall(ctx, {
      label: `${label} class counts`,
      file: 'aom_count.wgsl',
      entryPoint: 'class_main',
      constants: { WG: CLASS_WG },
      uniforms,
      buffers: [labels, valid, classCounts],
      workgroups: [ceilDiv(classes, CLASS_WG), 1, 1],
    }),
  );
  return calls;
}
