/**
 * conv2d forward as Winograd F(2x2, 3x3) (shaders/winograd.wgsl has the math and the layouts): four dispatches,
 * filter transform, input transform, the 16 products as one stacked GEMM (gemm.wgsl's MODE 7, either GEMM
 * variant), output transform with bias and ReLU. 16 * inC multiply-adds per 2x2 output tile and output channel
 * where the direct implicit GEMM does 36 * inC, for three extra passes over memory and two scratch buffers
 * (V: 16 x tiles x inC floats, M: 16 x tiles x outC, i.e. 4x the output), owned by the calls or shared by a
 * network's layers. The input gradient of a 3x3 'same' conv is the same four passes on dy with the filter turned
 * and its channel axes swapped (inputGradShape). The weight gradient is four passes too: the input transform of
 * x, the transform of dy's 2x2 tiles, the 16 products contracting over tiles (MODE 8, split over K), and the
 * inverse filter transform into dw.
 * Reference: src/reference/winograd.ts; the bench compares it with the direct forward side by side.
 */
import type { GpuContext } from '../context.ts';
import { destroyCalls, makeKernelCall, threadWorkgroups, type KernelCall } from '../kernel-call.ts';
import { u32s } from '../uniforms.ts';
import type { Conv2dShape } from './conv2d-contract.ts';
import { winogradGeometry, winogradUnsupported, type WinogradGeometry } from './conv2d-winograd-contract.ts';
import { planConv2dBackpropFilter, planConv2dBackpropInput, planConv2dForward } from './conv2d.ts';
import { GemmMode, planGemm } from './gemm.ts';
import { requireDistinct, requireElements } from './plan-checks.ts';

const WG = 64;

/** Fewest input channels at which a layer's forward uses Winograd (winogradPays). */
export const WINOGRAD_MIN_IN_CHANNELS = 16;

/**
 * Whether the network's conv forward takes Winograd for `s` instead of the direct implicit GEMM: a 3x3 window at
 * stride 1 reading at least WINOGRAD_MIN_IN_CHANNELS channels. Measured side by side on lavapipe (2026-12-02,
 * `bench --filter Winograd` and the dispatch timings in the README): 1.2-3.1x faster on the 32- and 64-channel
 * inputs of cifar-ref and cifar-small, 0.44x on the 3-channel RGB input layer, where the 16 products are GEMMs of
 * K = 3 and the transforms dominate. The gradients have their own rules below (they recompute their transforms:
 * the forward's are in shared buffers, overwritten by the next layer).
 */
export function winogradPays(s: Conv2dShape): boolean {
  return winogradUnsupported(s) === null && s.inC >= WINOGRAD_MIN_IN_CHANNELS;
}

/** The same for the input gradient, a 3x3 'same' convolution reading the layer's output channels. */
export function winogradInputGradPays(s: Conv2dShape): boolean {
  return s.padding === 'same' && winogradPays(inputGradShape(s));
}

/**
 * The same for the weight gradient: 3x3 at stride 1 with at least WINOGRAD_MIN_IN_CHANNELS channels on each side
 * (the products are inC x outC GEMMs). Measured side by side on lavapipe (2026-12-02, busy machine, `bench
 * --filter 'weight grad, Winograd'`): 1.34-1.97x on the 32- and 64-channel shapes, 0.46x on the RGB input layer.
 */
export function winogradWeightGradPays(s: Conv2dShape): boolean {
  return winogradUnsupported(s) === null && s.inC >= WINOGRAD_MIN_IN_CHANNELS && s.outC >= WINOGRAD_MIN_IN_CHANNELS;
}

function uniforms(s: Conv2dShape, g: WinogradGeometry): ArrayBuffer {
  return u32s(s.batch, s.inH, s.inW, s.inC, s.outC, g.outH, g.outW, g.padTop, g.padLeft, g.tilesH, g.tilesW, g.tiles);
}

export interface WinogradStageArgs {
  label: string;
  src: GPUBuffer;
  dst: GPUBuffer;
  shape: Conv2dShape;
}

/**
 * U [16][inC][outC] from w HWIO [3, 3, inC, outC]; with `flip`, from a layer's w of [3, 3, outC, inC] turned by
 * 180 degrees with its channel axes swapped (the input gradient's filter, shaders/winograd.wgsl).
 */
export function planWinogradFilterTransform(ctx: GpuContext, { label, src, dst, shape: s, flip = false }: WinogradStageArgs & { flip?: boolean }): Promise<KernelCall> {
  const g = winogradGeometry(s);
  requireElements(label, 'w', src, 9 * s.inC * s.outC);
  requireElements(label, 'U', dst, 16 * s.inC * s.outC);
  requireDistinct(label, { w: src, U: dst });
  return stage(ctx, label, 'filter_transform', s, g, src, dst, s.inC * s.outC, null, false, flip);
}

/** V [16][tiles][inC] from x NHWC. */
export function planWinogradInputTransform(ctx: GpuContext, { label, src, dst, shape: s }: WinogradStageArgs): Promise<KernelCall> {
  const g = winogradGeometry(s);
  requireElements(label, 'x', src, s.batch * s.inH * s.inW * s.inC);
  requireElements(label, 'V', dst, 16 * g.tiles * s.inC);
  requireDistinct(label, { x: src, V: dst });
  return stage(ctx, label, 'input_transform', s, g, src, dst, g.tiles * s.inC);
}

/** Z [16][tiles][outC] from dy NHWC [batch, outH, outW, outC] (the weight gradient's transform of dy). */
export function planWinogradOutputGradTransform(ctx: GpuContext, { label, src, dst, shape: s }: WinogradStageArgs): Promise<KernelCall> {
  const g = winogradGeometry(s);
  requireElements(label, 'dy', src, s.batch * g.outH * g.outW * s.outC);
  requireElements(label, 'Z', dst, 16 * g.tiles * s.outC);
  requireDistinct(label, { dy: src, Z: dst });
  return stage(ctx, label, 'output_grad_transform', s, g, src, dst, g.tiles * s.outC);
}

/** dw HWIO [3, 3, inC, outC] from M' [16][inC][outC] (the weight gradient's products), written, not accumulated. */
export function planWinogradFilterGradTransform(ctx: GpuContext, { label, src, dst, shape: s }: WinogradStageArgs): Promise<KernelCall> {
  const g = winogradGeometry(s);
  requireElements(label, "M'", src, 16 * s.inC * s.outC);
  requireElements(label, 'dw', dst, 9 * s.inC * s.outC);
  requireDistinct(label, { "M'": src, dw: dst });
  return stage(ctx, label, 'filter_grad_transform', s, g, src, dst, s.inC * s.outC);
}

/** y NHWC (+ bias, ReLU) from M [16][tiles][outC]. */
export function planWinogradOutputTransform(
  ctx: GpuContext,
  { label, src, dst, shape: s, bias, relu }: WinogradStageArgs & { bias: GPUBuffer | null; relu?: boolean },
): Promise<KernelCall> {
  const g = winogradGeometry(s);
  requireElements(label, 'M', src, 16 * g.tiles * s.outC);
  requireElements(label, 'y', dst, s.batch * g.outH * g.outW * s.outC);
  if (bias) requireElements(label, 'bias', bias, s.outC);
  requireDistinct(label, { M: src, y: dst });
  return stage(ctx, label, 'output_transform', s, g, src, dst, g.tiles * s.outC, bias, relu);
}

async function stage(
  ctx: GpuContext, label: string, entryPoint: string, s: Conv2dShape, g: WinogradGeometry,
  src: GPUBuffer, dst: GPUBuffer, threads: number, bias: GPUBuffer | null = null, relu = false, flip = false,
): Promise<KernelCall> {
  // Only the output transform has a bias binding; a 4-byte dummy stands in when there is no bias.
  const output = entryPoint === 'output_transform';
  const biasBuffer = bias ?? (output ? ctx.createBuffer(`${label} no-bias`, 4) : null);
  const call = await makeKernelCall(ctx, {
    label,
    file: 'winograd.wgsl',
    entryPoint,
    constants: { WG, HAS_BIAS: bias ? 1 : 0, RELU: relu ? 1 : 0, FLIP_FILTER: flip ? 1 : 0 },
    uniforms: uniforms(s, g),
    buffers: biasBuffer ? [src, dst, biasBuffer] : [src, dst],
    workgroups: threadWorkgroups(ctx, threads, WG),
    shape: `${entryPoint} ${g.tiles} tiles, ${s.inC} -> ${s.outC}`,
  });
  if (!bias && biasBuffer) call.owned.push(biasBuffer);
  return call;
}

/** Where V and M come from when shared with other layers (ForwardPlan.transient); else the calls own them. */
export type TransientBuffers = (name: string, elements: number) => GPUBuffer;

/** y[batch, outH, outW, outC] = conv(x, w) + bias (ReLU if asked), for a 3x3 window at stride 1. */
export function planConv2dForwardWinograd(
  ctx: GpuContext,
  args: { label?: string; x: GPUBuffer; w: GPUBuffer; bias: GPUBuffer | null; y: GPUBuffer; shape: Conv2dShape; relu?: boolean; transient?: TransientBuffers },
): Promise<KernelCall[]> {
  return planWinogradConv(ctx, { ...args, label: args.label ?? 'conv2d forward (Winograd)', flip: false });
}

/**
 * The shape of the convolution that computes the input gradient of `s` (3x3, stride 1, 'same'): dy as its input
 * (the layer's output channels in), dx as its output (the layer's input channels out), padding 'same' again.
 */
export function inputGradShape(s: Conv2dShape): Conv2dShape {
  if (s.padding !== 'same') throw new RangeError(`Winograd conv2d input grad: '${s.padding}' padding (it takes 'same' only)`);
  return { ...s, inC: s.outC, outC: s.inC };
}

/** dx[batch, inH, inW, inC] from dy and w, for a 3x3 window at stride 1 with 'same' padding (see inputGradShape). */
export function planConv2dBackpropInputWinograd(
  ctx: GpuContext,
  args: { label?: string; dy: GPUBuffer; w: GPUBuffer; dx: GPUBuffer; shape: Conv2dShape; transient?: TransientBuffers },
): Promise<KernelCall[]> {
  return planWinogradConv(ctx, {
    label: args.label ?? 'conv2d input grad (Winograd)', x: args.dy, w: args.w, bias: null, y: args.dx,
    shape: inputGradShape(args.shape), transient: args.transient, flip: true,
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
  args: { label: string; x: GPUBuffer; w: GPUBuffer; bias: GPUBuffer | null; y: GPUBuffer; shape: Conv2dShape; relu?: boolean; transient?: TransientBuffers; flip: boolean },
): Promise<KernelCall[]> {
  const label = args.label;
  const s = args.shape;
  const g = winogradGeometry(s);
  const u = ctx.createBuffer(`${label} U`, 16 * s.inC * s.outC * 4);
  const tiles = tileBuffers(ctx, label, args.transient);
  const v = tiles.make('V', 16 * g.tiles * s.inC);
  const m = tiles.make('M', 16 * g.tiles * s.outC);
  return planOwning([u, ...tiles.own], [
    () => planWinogradFilterTransform(ctx, { label: `${label} filter transform`, src: args.w, dst: u, shape: s, flip: args.flip }),
    () => planWinogradInputTransform(ctx, { label: `${label} input transform`, src: args.x, dst: v, shape: s }),
    () => planGemm(ctx, { label: `${label} products`, mode: GemmMode.stackedDenseForward, stack: 16, M: g.tiles, N: s.outC, K: s.inC, a: v, b: u, c: m }),
    () => planWinogradOutputTransform(ctx, { label: `${label} output transform`, src: m, dst: args.y, shape: s, bias: args.bias, relu: args.relu }),
  ]);
}

/**
 * dw[3, 3, inC, outC] from x and dy, for a 3x3 window at stride 1 (any padding): V = input transform of x, Z =
 * transform of dy, M'[xi] = V[xi]^T Z[xi] (split over the tiles), dw = G^T M' G. V and Z take the network's shared
 * 'V' and 'M' buffers when `transient` is given (the same sizes as the forward's).
 */
export async function planConv2dBackpropFilterWinograd(
  ctx: GpuContext,
  args: { label?: string; x: GPUBuffer; dy: GPUBuffer; dw: GPUBuffer; shape: Conv2dShape; transient?: TransientBuffers; splits?: number },
): Promise<KernelCall[]> {
  const label = args.label ?? 'conv2d weight grad (Winograd)';
  const s = args.shape;
  const g = winogradGeometry(s);
  const tiles = tileBuffers(ctx, label, args.transient);
  const v = tiles.make('V', 16 * g.tiles * s.inC);
  const z = tiles.make('M', 16 * g.tiles * s.outC);
  const products = ctx.createBuffer(`${label} M'`, 16 * s.inC * s.outC * 4);
  return planOwning([products, ...tiles.own], [
    () => planWinogradInputTransform(ctx, { label: `${label} input transform`, src: args.x, dst: v, shape: s }),
    () => planWinogradOutputGradTransform(ctx, { label: `${label} dy transform`, src: args.dy, dst: z, shape: s }),
    () => planGemm(ctx, {
      label: `${label} products`, mode: GemmMode.stackedDenseWeightGrad, stack: 16, M: s.inC, N: s.outC, K: g.tiles, a: v, b: z, c: products, splits: args.splits,
    }),
    () => planWinogradFilterGradTransform(ctx, { label: `${label} filter grad transform`, src: products, dst: args.dw, shape: s }),
  ]);
}

/**
 * The conv forward the network runs (and the bench's conv forward rows time): Winograd where it pays and the
 * context allows it (ctx.winograd, AOM_WINOGRAD), else the direct implicit GEMM.
 */
export function planConv2dForwardFastest(
  ctx: GpuContext,
  args: Parameters<typeof planConv2dForwardWinograd>[1],
): Promise<KernelCall[]> {
  if (ctx.winograd && winogradPays(args.shape)) return planConv2dForwardWinograd(ctx, args);
  const { transient: _unused, ...direct } = args;
  return planConv2dForward(ctx, direct);
}

/** The conv input gradient the network runs: Winograd where it pays and is allowed, else the direct GEMM. */
export function planConv2dBackpropInputFastest(
  ctx: GpuContext,
  args: Parameters<typeof planConv2dBackpropInputWinograd>[1],
): Promise<KernelCall[]> {
  if (ctx.winograd && winogradInputGradPays(args.shape)) return planConv2dBackpropInputWinograd(ctx, args);
  const { transient: _unused, ...direct } = args;
  return planConv2dBackpropInput(ctx, direct);
}

/** The conv weight gradient the network runs: Winograd where it pays and is allowed, else the direct GEMM. */
export function planConv2dBackpropFilterFastest(
  ctx: GpuContext,
  args: Parameters<typeof planConv2dBackpropFilterWinograd>[1],
): Promise<KernelCall[]> {
  if (ctx.winograd && winogradWeightGradPays(args.shape)) return planConv2dBackpropFilterWinograd(ctx, args);
  const { transient: _unused, ...direct } = args;
  return planConv2dBackpropFilter(ctx, direct);
}
