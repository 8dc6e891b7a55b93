/**
 * ablation: the two kernels that measure what one conv kernel is worth. shaders/ablation.wgsl; reference:
 * src/reference/ablation.ts.
 *
 * planMaskChannel: y = x with channel `kernel` zeroed (x, y f32 NHWC, `count` elements, `channels` channels).
 * planAddCorrect: totals[slot] += number of correct rows among the first valid[0] (correct u32 [rows], valid
 * u32 [1], totals u32 [slots]); the counts stay on the GPU until the whole layer is done.
 */
import type { GpuContext } from '../context.ts';
import { threadWorkgroups, makeKernelCall, type KernelCall } from '../kernel-call.ts';
import { u32s } from '../uniforms.ts';
import { requireDistinct, requireElements, requirePositive } from './plan-checks.ts';

const WG = 256;

export interface MaskChannelArgs {
  x: GPUBuffer;
  y: GPUBuffer;
  count: number;
  channels: number;
  kernel: number;
}

export function planMaskChannel(ctx: GpuContext, { x, y, count, channels, kernel }: MaskChannelArgs): Promise<KernelCall> {
  const label = `mask channel ${kernel} of ${channels}(${x.label} -> ${y.label})`;
  requirePositive(label, 'count', count);
  requirePositive(label, 'channels', channels);
  if (count % channels !== 0) throw new RangeError(`${label}: count ${count} is not a multiple of ${channels} channels`);
  if (!Number.isInteger(kernel) || kernel < 0 || kernel >= channels) throw new RangeError(`${label}: kernel ${kernel} is outside 0..${channels - 1}`);
  requireElements(label, 'x', x, count);
  requireElements(label, 'y', y, count);
  requireDistinct(label, { x, y });
  return makeKernelCall(ctx, {
    label,
    file: 'ablation.wgsl',
    entryPoint: 'mask_main',
    constants: { WG },
    uniforms: u32s(count, channels, kernel),
    buffers: [x, y],
    workgroups: threadWorkgroups(ctx, count, WG),
  });
}

export interface AddCorrectArgs {
  correct: GPUBuffer;
  valid: GPUBuffer;
  totals: GPUBuffer;
  rows: number;
  slot: number;
}

export function planAddCorrect(ctx: GpuContext, { correct, valid, totals, rows, slot }: AddCorrectArgs): Promise<KernelCall> {
  const label = `add correct(${correct.label} -> ${totals.label}[${slot}])`;
  requirePositive(label, 'rows', rows);
  if (!Number.isInteger(slot) || slot < 0) throw new RangeError(`${label}: slot must be a non-negative integer, got ${slot}`);
  requireElements(label, 'correct', correct, rows);
  requireElements(label, 'valid', valid, 1);
  requireElements(label, 'totals', totals, slot + 1);
  requireDistinct(label, { correct, valid, totals });
  return makeKernelCall(ctx, {
    label,
    file: 'ablation.wgsl',
    entryPoint: 'correct_main',
    constants: { WG },
    uniforms: u32s(rows, slot),
    buffers: [correct, valid, totals],
    workgroups: [1, 1, 1],
  });
}
