/**
 * conv2d as Winograd's minimal filtering F(m x m, r x r), for the tiles of conv2d-winograd-contract.ts: F(2x2, 3x3)
 * (a 4 x 4 transform domain), F(4x4, 3x3) and F(2x2, 5x5) (6 x 6), F(6x6, 3x3) and F(4x4, 5x5) (8 x 8), all in
 * shaders/winograd.wgsl (the math and the layouts; the domain and the window are pipeline constants). The forward is four dispatches: filter transform, input transform, the F = n * n
 * products as one stacked GEMM (gemm.wgsl's MODE 7, either GEMM variant; on lavapipe gemm_stack_const_b.wgsl where
 * it fits, planWinogradProducts), output transform with bias and ReLU.
 * Per m x m output tile and output channel, F * inC multiply-adds where the direct implicit GEMM does
 * m * m * r * r * inC (F(2x2, 3x3): 16 against 36; F(4x4, 3x3): 36 against 144; F(2x2, 5x5): 36 against 100;
 * F(6x6, 3x3): 64 against 324; F(4x4, 5x5): 64 against 400), for three extra passes over memory and two scratch
 * buffers (V: F x tiles x inC floats, M: F x tiles x outC, i.e. F / m^2 times the output: 4x, 2.25x, 9x, 1.8x,
 * 4x), owned by the calls or shared by a network's layers. The input
 * gradient of an r x r 'same' conv is the same four passes on dy with the filter turned and its channel axes
 * swapped (inputGradShape). The weight gradient is four passes too: the input transform of x, the transform of
 * dy's m x m tiles, the F products contracting over tiles (MODE 8, split over K), and the inverse filter
 * transform into dw.
 * Reference: src/reference/winograd.ts; the bench compares each tile with the direct GEMM or the smaller tile
 * side by side (src/bench/winograd-cases.ts).
 */
import type { GpuContext } from '../context.ts';
import { biasOrStandIn, destroyCalls, makeKernelCall, threadWorkgroups, type KernelCall } from '../kernel-call.ts';
import { u32s } from '../uniforms.ts';
import type { Conv2dShape } from './conv2d-contract.ts';
import {
  F2X2_3X3, F2X2_5X5, F4X4_3X3, F4X4_5X5, winogradGeometry, winogradUnsupported, type WinogradGeometry, type WinogradTile,
} from './conv2d-winograd-contract.ts';
import type { WinogradTiles } from './conv-choices.ts';
import { GemmMode, planGemm } from './gemm.ts';
import { isLavapipe, planStackConstB, stackConstBMisfit, type StackConstBArgs } from './gemm-stack-const-b.ts';
import { requireDistinct, requireElements } from './plan-checks.ts';

const WG = 64;

/** Fewest input channels at which a layer's forward uses Winograd (winogradPays). */
export const WINOGRAD_MIN_IN_CHANNELS = 16;

/**
 * The tile a network's Winograd conv takes for an r x r window, by the tiles the context allows (its
 * convChoices.winograd, AOM_WINOGRAD):
 * - 'on': F(4x4, 3x3) for 3x3; F(4x4, 5x5) for 5x5, unless the output is so small (at most 2 x 2) that
 *   F(2x2, 5x5)'s one tile needs fewer products than F(4x4, 5x5)'s (36 against 64);
 * - '6x6' (the rule before the 8 x 8 domain): F(4x4, 3x3) and F(2x2, 5x5);
 * - 'small' (the first rule): F(2x2, 3x3), and no 5x5 at all.
 * Measured side by side on lavapipe (2026-12-02, a CIFAR tuning on the other core, `bench --filter 'Winograd F(4x4'`
 * and `'Winograd F(2x2, 5x5)'`): F(4x4, 3x3) 1.16-2.30x faster than F(2x2, 3x3) on every 3x3 shape of the
 * reference models, all three passes; F(2x2, 5x5) 1.12-1.59x faster than the direct GEMM on mnist-ref's conv2
 * (16 -> 32) and 1.70-2.07x on the 32 -> 64 bench shape, 0.29-0.78x on the 1-channel input layer. And
 * (2026-12-03, idle, `bench --filter 'Winograd F(4x4, 5x5)'`): F(4x4, 5x5) 1.52-1.90x faster than F(2x2, 5x5) on
 * mnist-ref's conv2, 1.54-2.18x on the 32 -> 64 shape, 1.47-1.72x even on 1 channel, every pass.
 */
export function networkWinogradTile(s: Conv2dShape, tiles: WinogradTiles = 'on'): WinogradTile | null {
  if (winogradUnsupported(s) !== null) return null;
  if (s.kH === 3) return tiles === 'small' ? F2X2_3X3 : F4X4_3X3;
  if (tiles === 'small') return null;
  return tiles === 'on' && fewerProducts(s, F4X4_5X5, F2X2_5X5) ? F4X4_5X5 : F2X2_5X5;
}

/** Whether `tile` needs fewer products than `other` for the output of `s` (tiles x frequencies). */
function fewerProducts(s: Conv2dShape, tile: WinogradTile, other: WinogradTile): boolean {
  const products = (t: WinogradTile) => winogradGeometry(s, t).tiles * t.n * t.n;
  return products(tile) < products(other);
}

/**
 * Whether the network's conv forward takes Winograd for `s` instead of the direct implicit GEMM: a 3x3 or 5x5
 * window at stride 1 (networkWinogradTile) reading at least WINOGRAD_MIN_IN_CHANNELS channels. Measured side by
 * side on lavapipe (2026-12-02, `bench --filter Winograd` and the dispatch timings in the README): F(2x2, 3x3)
 * 1.2-3.1x faster on the 32- and 64-channel inputs of cifar-ref and cifar-small, 0.44x on the 3-channel RGB input
 * layer, where the products are GEMMs of K = 3 and the transforms dominate (F(4x4, 3x3) there: about 1.0x the
 * direct one); the 5x5 tile likewise on 1 channel. The gradients have their own rules below (they recompute their
 * transforms: the forward's are in shared buffers, overwritten by the next layer).
 */
export function winogradPays(s: Conv2dShape, tiles: WinogradTiles = 'on'): boolean {
  return networkWinogradTile(s, tiles) !== null && s.inC >= WINOGRAD_MIN_IN_CHANNELS;
}

/** The same for the input gradient, an r x r 'same' convolution reading the layer's output channels. */
export function winogradInputGradPays(s: Conv2dShape, tiles: WinogradTiles = 'on'): boolean {
  return s.padding === 'same' && winogradPays(inputGradShape(s), tiles);
}

/**
 * The same for the weight gradient: at least WINOGRAD_MIN_IN_CHANNELS channels on each side (the products are
 * inC x outC GEMMs). Measured side by side on lavapipe (2026-12-02, busy machine, `bench --filter 'weight grad,
 * Winograd'`): F(2x2, 3x3) 1.34-1.97x on the 32- and 64-channel shapes, 0.46x on the RGB input layer.
 */
export function winogradWeightGradPays(s: Conv2dShape, tiles: WinogradTiles = 'on'): boolean {
  return networkWinogradTile(s, tiles) !== null && s.inC >= WINOGRAD_MIN_IN_CHANNELS && s.outC >= WINOGRAD_MIN_IN_CHANNELS;
}

function uniforms(s: Conv2dShape, g: WinogradGeometry): ArrayBuffer {
  return u32s(s.batch, s.inH, s.inW, s.inC, s.outC, g.outH, g.outW, g.padTop, g.padLeft, g.tilesH, g.tilesW, g.tiles);
}

export interface WinogradStageArgs {
  label: string;
  src: GPUBuffer;
  dst: GPUBuffer;
  shape: Conv2dShape;
  /** The minimal-filtering tile (default: defaultWinogradTile of the shape's window). */
  tile?: WinogradTile;
}

/**
 * U [F][inC][outC] (F = n * n frequencies) from w HWIO [r, r, inC, outC]; with `flip`, from a layer's w of
 * [r, r, outC, inC] turned by 180 degrees with its channel axes swapped (the input gradient's filter,
 * shaders/winograd.wgsl).
 */
export function planWinogradFilterTransform(ctx: GpuContext, { label, src, dst, shape: s, tile, flip = false }: WinogradStageArgs & { flip?: boolean }): Promise<KernelCall> {
  const g = winogradGeometry(s, tile);
  requireElements(label, 'w', src, s.kH * s.kW * s.inC * s.outC);
  requireElements(label, 'U', dst, g.frequencies * s.inC * s.outC);
  requireDistinct(label, { w: src, U: dst });
  return stage(ctx, label, 'filter_transform', s, g, src, dst, s.inC * s.outC, null, false, flip);
}

/** V [F][tiles][inC] from x NHWC. */
export function planWinogradInputTransform(ctx: GpuContext, { label, src, dst, shape: s, tile }: WinogradStageArgs): Promise<KernelCall> {
  const g = winogradGeometry(s, tile);
  requireElements(label, 'x', src, s.batch * s.inH * s.inW * s.inC);
  requireElements(label, 'V', dst, g.frequencies * g.tiles * s.inC);
  requireDistinct(label, { x: src, V: dst });
  return stage(ctx, label, 'input_transform', s, g, src, dst, g.tiles * s.inC);
}

/** Z [F][tiles][outC] from dy NHWC [batch, outH, outW, outC] (the weight gradient's transform of dy). */
export function planWinogradOutputGradTransform(ctx: GpuContext, { label, src, dst, shape: s, tile }: WinogradStageArgs): Promise<KernelCall> {
  const g = winogradGeometry(s, tile);
  requireElements(label, 'dy', src, s.batch * g.outH * g.outW * s.outC);
  requireElements(label, 'Z', dst, g.frequencies * g.tiles * s.outC);
  requireDistinct(label, { dy: src, Z: dst });
  return stage(ctx, label, 'output_grad_transform', s, g, src, dst, g.tiles * s.outC);
}

/** dw HWIO [r, r, inC, outC] from M' [F][inC][outC] (the weight gradient's products), written, not accumulated. */
export function planWinogradFilterGradTransform(ctx: GpuContext, { label, src, dst, shape: s, tile }: WinogradStageArgs): Promise<KernelCall> {
  const g = winogradGeometry(s, tile);
  requireElements(label, "M'", src, g.frequencies * s.inC * s.outC);
  requireElements(label, 'dw', dst, s.kH * s.kW * s.inC * s.outC);
  requireDistinct(label, { "M'": src, dw: dst });
  return stage(ctx, label, 'filter_grad_transform', s, g, src, dst, s.inC * s.outC);
}

/** y NHWC (+ bias, ReLU) from M [F][tiles][outC]. */
export function planWinogradOutputTransform(
  ctx: GpuContext,
  { label, src, dst, shape: s, tile, bias, relu }: WinogradStageArgs & { bias: GPUBuffer | null; relu?: boolean },
): Promise<KernelCall> {
  const g = winogradGeometry(s, tile);
  requireElements(label, 'M', src, g.frequencies * g.tiles * s.outC);
  requireElements(label, 'y', dst, s.batch * g.outH * g.outW * s.outC);
  if (bias) requireElements(label, 'bias', bias, s.outC);
  requireDistinct(label, { M: src, y: dst });
  return stage(ctx, label, 'output_transform', s, g, src, dst, g.tiles * s.outC, bias, relu);
}

async function stage(
  ctx: GpuContext, label: string, entryPoint: string, s: Conv2dShape, g: WinogradGeometry,
  src: GPUBuffer, dst: GPUBuffer, threads: number, bias: GPUBuffer | null = null, relu = false, flip = false,
): Promise<KernelCall> {
  // Only the output transform has a bias binding (a stand-in where there is no bias).
  const output = entryPoint === 'output_transform';
  const biasBinding = output ? biasOrStandIn(ctx, label, bias) : null;
  const call = await makeKernelCall(ctx, {
    label,
    file: 'winograd.wgsl',
    entryPoint,
    // The transform domain as N, the window as R: one shader for every tile.
    constants: { WG, HAS_BIAS: bias ? 1 : 0, RELU: relu ? 1 : 0, FLIP_FILTER: flip ? 1 : 0, N: g.tile.n, R: g.tile.r },
    uniforms: uniforms(s, g),
    buffers: biasBinding ? [src, dst, biasBinding.buffer] : [src, dst],
    workgroups: threadWorkgroups(ctx, threads, WG),
    shape: `${g.tile.name} ${entryPoint} ${g.tiles} tiles, ${s.inC} -> ${s.outC}`,
  });
  biasBinding?.adopt(call);
  return call;
}

/** Where V and M come from when shared with other layers (ForwardPlan.transient); else the calls own them. */
export type TransientBuffers = (name: string, elements: number) => GPUBuffer;

/**
 * Floats of the input tiles V of `s` in `tile` (F x tiles x inC): what a training layer keeps from its forward for
 * its weight gradient (`keptInputTiles`), which transforms the same x into the same V.
 */
export function winogradInputTileElements(s: Conv2dShape, tile?: WinogradTile): number {
  const g = winogradGeometry(s, tile);
  return g.frequencies * g.tiles * s.inC;
}

/** y[batch, outH, outW, outC] = conv(x, w) + bias (ReLU if asked), for a 3x3 or 5x5 window at stride 1 (`tile`: default F(2x2, r x r)). */
export function planConv2dForwardWinograd(
  ctx: GpuContext,
  args: {
    label?: string; x: GPUBuffer; w: GPUBuffer; bias: GPUBuffer | null; y: GPUBuffer; shape: Conv2dShape; relu?: boolean;
    transient?: TransientBuffers; tile?: WinogradTile;
    /** Where V is written instead of a transient or owned buffer, for the weight gradient to read (winogradInputTileElements). */
    keptInputTiles?: GPUBuffer;
  },
): Promise<KernelCall[]> {
  return planWinogradConv(ctx, { ...args, label: args.label ?? 'conv2d forward (Winograd)', flip: false });
}

/**
 * The shape of the convolution that computes the input gradient of `s` (r x r with r odd, stride 1, 'same': the
 * padding is (r - 1) / 2 on every side, so the turned filter with 'same' padding again lines up): dy as its input
 * (the layer's output channels in), dx as its output (the layer's input channels out).
 */
export function inputGradShape(s: Conv2dShape): Conv2dShape {
  if (s.padding !== 'same') throw new RangeError(`Winograd conv2d input grad: '${s.padding}' padding (it takes 'same' only)`);
  return { ...s, inC: s.outC, outC: s.inC };
}

/** dx[batch, inH, inW, inC] from dy and w, for an r x r window at stride 1 with 'same' padding (see inputGradShape). */
export function planConv2dBackpropInputWinograd(
  ctx: GpuContext,
  args: { label?: string; dy: GPUBuffer; w: GPUBuffer; dx: GPUBuffer; shape: Conv2dShape; transient?: TransientBuffers; tile?: WinogradTile },
): Promise<KernelCall[]> {
  return planWinogradConv(ctx, {
    label: args.label ?? 'conv2d input grad (Winograd)', x: args.dy, w: args.w, bias: null, y: args.dx,
    shape: inputGradShape(args.shape), transient: args.transient, flip: true, tile: args.tile,
  });
}

/**
 * The V and M tiles of one Winograd plan: the network's shared buffers where `transient` is given, else new ones,
 * listed in `own` for the plan's calls to own.
 */
function tileBuffers(ctx: GpuContext, label: string, transient: TransientBuffers | undefined) {
  const own: GPUBuffer[] = [];
  const make = (name: string, elements: number): GPUBuffer => {
    const shared = transient?.(`Winograd ${name}`, elements);
    if (shared) return shared;
    const b = ctx.createBuffer(`${label} ${name}`, elements * 4);
    own.push(b);
    return b;
  };
  return { make, own };
}

/**
 * Plans `steps` in order and hands `owned` to the last call. Nothing planned outlives a failure: the calls made so
 * far (their uniforms) and `owned` are freed before the error goes on.
 */
async function planOwning(owned: GPUBuffer[], steps: Array<() => Promise<KernelCall | KernelCall[]>>): Promise<KernelCall[]> {
  const made: KernelCall[] = [];
  try {
    for (const step of steps) made.push(...[await step()].flat());
    made[made.length - 1].owned.push(...owned);
    return made;
  } catch (error) {
    destroyCalls(made);
    for (const b of owned) b.destroy();
    throw error;
  }
}

async function planWinogradConv(
  ctx: GpuContext,
  args: {
    label: string; x: GPUBuffer; w: GPUBuffer; bias: GPUBuffer | null; y: GPUBuffer; shape: Conv2dShape; relu?: boolean;
    transient?: TransientBuffers; flip: boolean; tile?: WinogradTile; keptInputTiles?: GPUBuffer;
  },
): Promise<KernelCall[]> {
  const label = args.label;
  const s = args.shape;
  const g = winogradGeometry(s, args.tile);
  const F = g.frequencies;
  const u = ctx.createBuffer(`${label} U`, F * s.inC * s.outC * 4);
  const tiles = tileBuffers(ctx, label, args.transient);
  // The shared buffers are named by the layer's side they hold: 'V' has the layer's input channels, 'M' its
  // output channels (the forward's V and M, the weight gradient's V and Z). The input gradient's V transforms dy
  // (the layer's output side) and its M is dx's (the input side), so it takes them the other way round and a
  // layer's three passes fit in the same two buffers (else its V would need a second, larger one).
  const v = args.keptInputTiles ?? tiles.make(args.flip ? 'M' : 'V', F * g.tiles * s.inC);
  const m = tiles.make(args.flip ? 'V' : 'M', F * g.tiles * s.outC);
  const tile = g.tile;
  return planOwning([u, ...tiles.own], [
    () => planWinogradFilterTransform(ctx, { label: `${label} filter transform`, src: args.w, dst: u, shape: s, tile, flip: args.flip }),
    () => planWinogradInputTransform(ctx, { label: `${label} input transform`, src: args.x, dst: v, shape: s, tile }),
    () => planWinogradProducts(ctx, { label: `${label} products`, stack: F, M: g.tiles, N: s.outC, K: s.inC, a: v, b: u, c: m }),
    () => planWinogradOutputTransform(ctx, { label: `${label} output transform`, src: m, dst: args.y, shape: s, tile, bias: args.bias, relu: args.relu }),
  ]);
}

/**
 * The F products M[xi] = V[xi] . U[xi]: on lavapipe with the 'lavapipe' variant as gemm_stack_const_b.wgsl where
 * they fit and the context allows it (convChoices.winogradProducts), else as gemm.wgsl's stacked GEMM (MODE 7).
 */
async function planWinogradProducts(ctx: GpuContext, args: StackConstBArgs): Promise<KernelCall[]> {
  const constB = isLavapipe(ctx) && ctx.gemmVariant === 'lavapipe' && ctx.convChoices.winogradProducts === 'const-b' && !stackConstBMisfit(ctx, args);
  if (constB) return [await planStackConstB(ctx, args)];
  return planGemm(ctx, { ...args, mode: GemmMode.stackedDenseForward });
}

/**
 * dw[r, r, inC, outC] from x and dy, for an r x r window at stride 1 (any padding): V = input transform of x, Z =
 * transform of dy, M'[xi] = V[xi]^T Z[xi] (split over the tiles), dw = G^T M' G. V and Z take the network's shared
 * 'V' and 'M' buffers when `transient` is given (the same sizes as the forward's). With `keptInputTiles` (the V
 * that the layer's forward wrote there from the same x, in the same tile) there is no input transform: three passes.
 */
export async function planConv2dBackpropFilterWinograd(
  ctx: GpuContext,
  args: {
    label?: string; x: GPUBuffer; dy: GPUBuffer; dw: GPUBuffer; shape: Conv2dShape; transient?: TransientBuffers; splits?: number; tile?: WinogradTile;
    keptInputTiles?: GPUBuffer;
  },
): Promise<KernelCall[]> {
  const label = args.label ?? 'conv2d weight grad (Winograd)';
  const s = args.shape;
  const g = winogradGeometry(s, args.tile);
  const F = g.frequencies;
  const tile = g.tile;
  const tiles = tileBuffers(ctx, label, args.transient);
  const kept = args.keptInputTiles;
  if (kept) requireElements(label, 'kept V', kept, F * g.tiles * s.inC);
  const v = kept ?? tiles.make('V', F * g.tiles * s.inC);
  const z = tiles.make('M', F * g.tiles * s.outC);
  const products = ctx.createBuffer(`${label} M'`, F * s.inC * s.outC * 4);
  return planOwning([products, ...tiles.own], [
    ...(kept ? [] : [() => planWinogradInputTransform(ctx, { label: `${label} input transform`, src: args.x, dst: v, shape: s, tile })]),
    () => planWinogradOutputGradTransform(ctx, { label: `${label} dy transform`, src: args.dy, dst: z, shape: s, tile }),
    () => planGemm(ctx, {
      label: `${label} products`, mode: GemmMode.stackedDenseWeightGrad, stack: F, M: s.inC, N: s.outC, K: g.tiles, a: v, b: z, c: products, splits: args.splits,
    }),
    () => planWinogradFilterGradTransform(ctx, { label: `${label} filter grad transform`, src: products, dst: args.dw, shape: s, tile }),
  ]);
}
