/**
 * dropout: inverted dropout whose mask is a pure function of (seed, element index), drawn with the PCG hash in
 * both TypeScript and WGSL so that the GPU and the reference agree bit for bit. shaders/dropout.wgsl; reference:
 * src/reference/dropout.ts.
 *
 * The seed changes every step: plan the forward and the backward once, then call `setSeed` on both with the
 * step's seed before encoding them (it rewrites the call's uniform buffer; the call itself is reused).
 */
import type { GpuContext } from '../context.ts';
import { threadWorkgroups, makeKernelCall, type KernelCall } from '../kernel-call.ts';
import { packUniforms } from '../uniforms.ts';
import { checkDropoutRate } from './dropout-contract.ts';
import { requireDistinct, requireElements, requirePositive } from './plan-checks.ts';

const WG = 256;

export interface DropoutKernel {
  call: KernelCall;
  /** Rewrites the step seed (a u32) in the call's uniforms; forward and backward of one step need the same seed. */
  setSeed(ctx: GpuContext, seed: number): void;
}

export interface DropoutArgs {
  /** x (forward) or dy (backward). */
  input: GPUBuffer;
  /** y (forward) or dx (backward). */
  output: GPUBuffer;
  count: number;
  /** Fraction of elements dropped, in [0, 1). */
  rate: number;
  /** Initial step seed (u32); change it with setSeed. */
  seed: number;
}

/**
 * The uniform bytes. keep iff h / 2^32 >= rate iff h >= rate * 2^32 iff h >= ceil(rate * 2^32) for an integer h;
 * rate * 2^32 is exact in float64, so the threshold reproduces the reference's comparison exactly.
 */
function uniforms(count: number, rate: number, seed: number): ArrayBuffer {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new RangeError(`dropout: seed must be a u32, got ${seed}`);
  const threshold = Math.ceil(rate * 2 ** 32);
  if (threshold > 0xffffffff) throw new RangeError(`dropout: rate ${rate} is too close to 1 to represent as a u32 threshold`);
  return packUniforms([{ u32: count }, { u32: seed }, { u32: threshold }, { f32: 1 / (1 - rate) }]);
}

async function plan(ctx: GpuContext, direction: string, { input, output, count, rate, seed }: DropoutArgs): Promise<DropoutKernel> {
  const label = `dropout ${direction}(${input.label} -> ${output.label}, rate ${rate})`;
  requirePositive(label, 'count', count);
  checkDropoutRate(rate);
  requireElements(label, 'input', input, count);
  requireElements(label, 'output', output, count);
  requireDistinct(label, { input, output });
  const call = await makeKernelCall(ctx, {
    label,
    file: 'dropout.wgsl',
    constants: { WG },
    uniforms: uniforms(count, rate, seed),
    buffers: [input, output],
    workgroups: threadWorkgroups(ctx, count, WG),
  });
  const uniformBuffer = call.owned[0]; // makeKernelCall owns the uniform buffer it made from `uniforms`
  return {
    call,
    setSeed: (context, next) => context.device.queue.writeBuffer(uniformBuffer, 0, uniforms(count, rate, next)),
  };
}

/** y = keep ? x / (1 - rate) : 0. */
export function planDropoutForward(ctx: GpuContext, args: { x: GPUBuffer; y: GPUBuffer; count: number; rate: number; seed: number }): Promise<DropoutKernel> {
  return plan(ctx, 'forward', { input: args.x, output: args.y, count: args.count, rate: args.rate, seed: args.seed });
}

/** dx = keep ? dy / (1 - rate) : 0, with the forward's seed. */
export function planDropoutBackward(ctx: GpuContext, args: { dy: GPUBuffer; dx: GPUBuffer; count: number; rate: number; seed: number }): Promise<DropoutKernel> {
  return plan(ctx, 'backward', { input: args.dy, output: args.dx, count: args.count, rate: args.rate, seed: args.seed });
}
