/**
 * Winograd or not, and which tile, for a conv's forward, input gradient and weight gradient? Times, side by side in
 * the same run, each Winograd plan (conv2d-winograd.ts: four dispatches, two scratch buffers) against another way
 * to the same result:
 *   F(2x2, 3x3) against our direct implicit GEMM (conv2d.ts) on the 3x3 shapes of the reference models: the two 3x3
 *     bench shapes (cifar-ref's), the CIFAR models' RGB input layer and cifar-small's conv2 and conv3 at batch 64;
 *   F(4x4, 3x3) against F(2x2, 3x3) on the same shapes (36 products for 16 outputs, against 16 for 4);
 *   F(2x2, 5x5) against the direct GEMM on the 5x5 shapes: the two 5x5 bench shapes (mnist-ref's conv1 and a
 *     32 -> 64 conv2) and mnist-ref's own conv2 (14x14, 16 -> 32) at batch 64;
 *   the 8 x 8 domain against the 6 x 6 one: F(6x6, 3x3) against F(4x4, 3x3) on the 3x3 shapes, F(4x4, 5x5)
 *     against F(2x2, 5x5) on the 5x5 ones (64 products for 36 or 16 outputs, against 36 for 16 or 4).
 * The row's figure counts the direct convolution's FLOPs for both, so GFLOP/s compare time for the same result.
 * ratio = the other way's ms / this tile's ms: above 1, this tile would pay on this adapter.
 */
import type { GpuContext } from '../gpu/context.ts';
import { destroyCalls, submitCalls, type KernelCall } from '../gpu/kernel-call.ts';
import { planConv2dBackpropFilter, planConv2dBackpropInput, planConv2dForward } from '../gpu/kernels/conv2d.ts';
import { conv2dGeometry, type Conv2dShape } from '../gpu/kernels/conv2d-contract.ts';
import { planConv2dBackpropFilterWinograd, planConv2dBackpropInputWinograd, planConv2dForwardWinograd } from '../gpu/kernels/conv2d-winograd.ts';
import { F2X2_3X3, F2X2_5X5, F4X4_3X3, F4X4_5X5, F6X6_3X3, winogradUnsupported, type WinogradTile } from '../gpu/kernels/conv2d-winograd-contract.ts';
import { convFlops, describeConvShape, REFERENCE_CONV_SHAPES } from './conv-cases.ts';
import type { BenchRow } from './harness.ts';
import { compareOursWithOurs, type SelfComparisonOptions } from './self-comparison.ts';

const PASSES = ['conv forward', 'conv input grad', 'conv weight grad'] as const;
type Pass = (typeof PASSES)[number];
/** 'conv forward, Winograd F(2x2, 3x3)' and so on: one row name per pass and tile. */
export const winogradRowName = (pass: Pass, tile: WinogradTile) => `${pass}, Winograd ${tile.name}`;

const same = (batch: number, size: number, inC: number, outC: number, k: number): Conv2dShape => ({
  batch, inH: size, inW: size, inC, kH: k, kW: k, outC, strideH: 1, strideW: 1, padding: 'same',
});

/**
 * The 3x3 bench shapes, then the RGB input layer of both CIFAR models (32x32, 3 -> 32) and cifar-small's conv2
 * (16x16, 32 -> 64) and conv3 (8x8, 64 -> 128), at batch 64.
 */
export const WINOGRAD_SHAPES: Conv2dShape[] = [
  ...REFERENCE_CONV_SHAPES.filter((s) => winogradUnsupported(s) === null && s.kH === 3),
  same(64, 32, 3, 32, 3),
  same(64, 16, 32, 64, 3),
  same(64, 8, 64, 128, 3),
];
/** The 5x5 bench shapes, then mnist-ref's conv2 (14x14, 16 -> 32) at batch 64. */
export const WINOGRAD_5X5_SHAPES: Conv2dShape[] = [...REFERENCE_CONV_SHAPES.filter((s) => s.kH === 5), same(64, 14, 16, 32, 5)];

/** One row of the comparison: `tile` on `shape` for `pass`, timed against `against` (a tile, or the direct GEMM). */
export interface WinogradConvCase {
  name: string;
  shape: Conv2dShape;
  pass: Pass;
  tile: WinogradTile;
  against: WinogradTile | 'direct';
}

export const WINOGRAD_CONV_CASES: WinogradConvCase[] = ([
  [F2X2_3X3, 'direct', WINOGRAD_SHAPES],
  [F4X4_3X3, F2X2_3X3, WINOGRAD_SHAPES],
  [F2X2_5X5, 'direct', WINOGRAD_5X5_SHAPES],
  [F6X6_3X3, F4X4_3X3, WINOGRAD_SHAPES],
  [F4X4_5X5, F2X2_5X5, WINOGRAD_5X5_SHAPES],
] as const).flatMap(([tile, against, shapes]) =>
  shapes.flatMap((shape) => PASSES.map((pass) => ({ name: winogradRowName(pass, tile), shape, pass, tile, against }))));

/** The plan of one pass: the Winograd tile's, or the direct GEMM's where `tile` is 'direct'. */
function planPass(ctx: GpuContext, pass: Pass, tile: WinogradTile | 'direct', b: { x: GPUBuffer; w: GPUBuffer; y: GPUBuffer }, s: Conv2dShape): Promise<KernelCall[]> {
  const { x, w, y } = b;
  if (tile === 'direct') {
    if (pass === 'conv forward') return planConv2dForward(ctx, { x, w, bias: null, y, shape: s });
    if (pass === 'conv input grad') return planConv2dBackpropInput(ctx, { dy: y, w, dx: x, shape: s });
    return planConv2dBackpropFilter(ctx, { x, dy: y, dw: w, shape: s });
  }
  if (pass === 'conv forward') return planConv2dForwardWinograd(ctx, { x, w, bias: null, y, shape: s, tile });
  if (pass === 'conv input grad') return planConv2dBackpropInputWinograd(ctx, { dy: y, w, dx: x, shape: s, tile });
  return planConv2dBackpropFilterWinograd(ctx, { x, dy: y, dw: w, shape: s, tile });
}

export async function compareWinogradToDirect(
  ctx: GpuContext,
  options: SelfComparisonOptions = {},
): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const c of WINOGRAD_CONV_CASES) {
    const s = c.shape;
    const shape = describeConvShape(s);
    if (options.filter && !options.filter(c.name, shape)) continue;
    const g = conv2dGeometry(s);
    const x = ctx.createBuffer('bench x', s.batch * s.inH * s.inW * s.inC * 4);
    const w = ctx.createBuffer('bench w', s.kH * s.kW * s.inC * s.outC * 4);
    const y = ctx.createBuffer('bench y', s.batch * g.outH * g.outW * s.outC * 4);
    let ours: KernelCall[] = [];
    let theirs: KernelCall[] = [];
    try {
      ours = await planPass(ctx, c.pass, c.tile, { x, w, y }, s);
      theirs = await planPass(ctx, c.pass, c.against, { x, w, y }, s);
      const otherName = c.against === 'direct' ? 'direct implicit GEMM (ours)' : `Winograd ${c.against.name} (ours)`;
      const other = { name: otherName, run: async () => { submitCalls(ctx, theirs); await ctx.sync(); } };
      rows.push(await compareOursWithOurs(ctx, { name: c.name, shape, unit: 'GFLOP/s', work: convFlops(s) }, () => submitCalls(ctx, ours), other, options));
    } finally {
      destroyCalls([...ours, ...theirs]);
      for (const b of [x, w, y]) b.destroy();
    }
  }
  return rows;
}
