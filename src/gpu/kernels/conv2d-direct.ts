/**
 * The direct convolution for few input channels (shaders/conv2d_direct.wgsl): forward with bias and ReLU fused,
 * and weight gradient with the bias gradient beside it, for a network's first layer (MNIST's 1 channel, RGB's 3),
 * whose implicit GEMM has a K of only kH*kW*inC. Each thread keeps a conv window of the input in registers and
 * slides it along an output row, so a pixel loads kH*strideW*inC values for kH*kW*inC*cols multiply-adds.
 * The input gradient stays the GEMM's (a first layer needs none).
 */
import type { GpuContext } from '../context.ts';
import { biasOrStandIn, ceilDiv, makeKernelCall, spreadWorkgroups, type KernelCall } from '../kernel-call.ts';
import { u32s } from '../uniforms.ts';
import { conv2dGeometry, type Conv2dShape } from './conv2d-contract.ts';
import { planSplitReduce } from './gemm.ts';

/** Threads per workgroup, along output channels (lavapipe's 8 x f32 vector; see gemm.ts). */
const LANES = 8;
/** The shader's private-array bounds (MAX_WIN, MAX_KH, MAX_COLS in conv2d_direct.wgsl). */
const MAX_WIN = 64;
const MAX_KH = 8;
const MAX_COLS = 4;
/** forward_pixels's bounds (MAX_OUTC and MAX_PIXEL_TAPS in conv2d_direct.wgsl); its output channels come in vec4s. */
const MAX_PIXEL_OUTC = 32;
const MAX_PIXEL_TAPS = 32;
/** Input channels up to which the direct kernel is the network's choice (measured: see directConvPays). */
const MOST_INPUT_CHANNELS = 4;
/** Workgroups wanted to keep every core or SM busy (as gemm.ts's chooseSplits). */
const WANTED_WORKGROUPS = 256;

/** Whether conv2d_direct.wgsl can run `s` at all: the window fits its registers. */
export function directConvFits(s: Conv2dShape): boolean {
  return s.kH * s.kW * s.inC <= MAX_WIN && s.kH <= MAX_KH;
}

/**
 * Whether the network takes the direct kernel for `s` (forward and weight gradient): few input channels, where
 * the GEMM's K is a handful of taps. Measured side by side on lavapipe (2026-12-03, `bench --filter direct`): forward
 * 1.6-1.8x (mnist-ref's conv1, 1 channel) and 2.1-2.9x (cifar-ref's, 3 channels), weight + bias gradient 2.0-2.7x
 * against the implicit GEMM. Wider inputs were not measured: they stay on the GEMM (or Winograd).
 */
export function directConvPays(s: Conv2dShape): boolean {
  return s.inC <= MOST_INPUT_CHANNELS && directConvFits(s);
}

/** Output channels per thread: LANES * cols covers outC in one column tile up to 32 channels. */
function colsFor(outC: number): number {
  return Math.min(MAX_COLS, ceilDiv(outC, LANES));
}

function checkFits(label: string, s: Conv2dShape): void {
  if (!directConvFits(s)) {
    throw new RangeError(`${label}: a ${s.kH}x${s.kW} window over ${s.inC} channels does not fit conv2d_direct.wgsl (at most ${MAX_WIN} values, ${MAX_KH} rows)`);
  }
}

/** What both entry points are planned from: the shape checked, its output rows, column tiles and constants. */
interface DirectLayout {
  outW: number;
  /** Output rows, batch * outH: what a workgroup's block or a split covers. */
  rows: number;
  colTiles: number;
  constants: Record<string, number>;
}

function layout(label: string, s: Conv2dShape): DirectLayout {
  checkFits(label, s);
  const { outH, outW } = conv2dGeometry(s);
  const cols = colsFor(s.outC);
  return {
    outW, rows: s.batch * outH,
    colTiles: ceilDiv(s.outC, LANES * cols),
    constants: { KH: s.kH, KW: s.kW, INC: s.inC, SW: s.strideW, COLS: cols, LANES },
  };
}

function uniforms(s: Conv2dShape, colTiles: number, run: number, runsPerRow: number, rowsPerSplit: number): ArrayBuffer {
  const g = conv2dGeometry(s);
  return u32s(s.batch, s.inH, s.inW, g.outH, g.outW, s.outC, s.strideH, g.padTop, g.padLeft, colTiles, run, runsPerRow, rowsPerSplit);
}

/** The forward's two ways: lanes along output channels (any shape that fits), or along output pixels. */
export type DirectForwardLanes = 'channels' | 'pixels';

/**
 * Whether the forward can put its lanes along output pixels (forward_pixels): every output channel of a pixel in
 * one thread, so at most 32 of them, in vec4s, and at most 32 taps (its unrolled calls).
 */
export function pixelLanesFit(s: Conv2dShape): boolean {
  return s.outC % 4 === 0 && s.outC <= MAX_PIXEL_OUTC && s.kH * s.kW * s.inC <= MAX_PIXEL_TAPS;
}

/**
 * y[batch, outH, outW, outC] = conv(x, w) + bias (ReLU if asked). With lanes along pixels (the default wherever
 * pixelLanesFit), a thread per output row; else a workgroup per block of output rows (or run of one).
 * Measured side by side (2026-12-03, a probe, 9 repetitions, the same outputs to 5e-6): pixels against channels
 * 2.19-2.49x on mnist-ref's conv1, 1.75-2.25x with 32 output channels, 1.54-2.22x on cifar-ref's 3x3x3 conv1;
 * whole rows per thread beat half rows (1.38-2.32x).
 */
export async function planConv2dForwardDirect(
  ctx: GpuContext,
  args: {
    label?: string; x: GPUBuffer; w: GPUBuffer; bias: GPUBuffer | null; y: GPUBuffer; shape: Conv2dShape; relu?: boolean;
    /** Force one way (tests); by default pixels wherever they fit. */
    lanes?: DirectForwardLanes;
  },
): Promise<KernelCall> {
  const label = args.label ?? 'conv2d forward (direct)';
  const s = args.shape;
  const l = layout(label, s);
  const { outW, rows } = l;
  const lanes = args.lanes ?? (pixelLanesFit(s) ? 'pixels' : 'channels');
  if (lanes === 'pixels') {
    if (!pixelLanesFit(s)) throw new RangeError(`${label}: lanes along pixels need at most ${MAX_PIXEL_OUTC} output channels in fours and at most ${MAX_PIXEL_TAPS} taps, got ${s.outC} and ${s.kH * s.kW * s.inC}`);
    return planForwardPixels(ctx, label, args, l);
  }
  // About WANTED_WORKGROUPS workgroups: blocks of whole output rows where there are enough rows, else each row
  // in several runs.
  const blocks = Math.max(1, Math.floor(WANTED_WORKGROUPS / l.colTiles));
  const rowsPerBlock = ceilDiv(rows, Math.min(rows, blocks));
  const runsPerRow = Math.max(1, Math.min(outW, ceilDiv(blocks, rows)));
  const run = ceilDiv(outW, runsPerRow);
  const bias = biasOrStandIn(ctx, label, args.bias);
  const call = await makeKernelCall(ctx, {
    label,
    file: 'conv2d_direct.wgsl',
    entryPoint: 'forward',
    constants: { ...l.constants, HAS_BIAS: args.bias ? 1 : 0, RELU: args.relu ? 1 : 0 },
    uniforms: uniforms(s, l.colTiles, run, ceilDiv(outW, run), rowsPerBlock),
    buffers: [args.x, args.w, bias.buffer, args.y],
    workgroups: spreadWorkgroups(ceilDiv(rows, rowsPerBlock) * ceilDiv(outW, run) * l.colTiles, ctx.limits.maxComputeWorkgroupsPerDimension),
    shape: `direct ${s.kH}x${s.kW}x${s.inC} -> ${s.outC}, ${rows} rows of ${outW}`,
  });
  bias.adopt(call);
  return call;
}

async function planForwardPixels(
  ctx: GpuContext, label: string, args: { x: GPUBuffer; w: GPUBuffer; bias: GPUBuffer | null; y: GPUBuffer; shape: Conv2dShape; relu?: boolean }, l: DirectLayout,
): Promise<KernelCall> {
  const s = args.shape;
  const bias = biasOrStandIn(ctx, label, args.bias);
  const call = await makeKernelCall(ctx, {
    label,
    file: 'conv2d_direct.wgsl',
    entryPoint: 'forward_pixels',
    constants: { KH: s.kH, KW: s.kW, INC: s.inC, SW: s.strideW, LANES, OUTC: s.outC, HAS_BIAS: args.bias ? 1 : 0, RELU: args.relu ? 1 : 0 },
    // One run of the whole row per thread: runsPerRow 1, run outW.
    uniforms: uniforms(s, 1, l.outW, 1, 1),
    buffers: [args.x, args.w, bias.buffer, args.y],
    workgroups: spreadWorkgroups(ceilDiv(l.rows, LANES), ctx.limits.maxComputeWorkgroupsPerDimension),
    shape: `direct ${s.kH}x${s.kW}x${s.inC} -> ${s.outC}, ${l.rows} rows of ${l.outW}, lanes along pixels`,
  });
  bias.adopt(call);
  return call;
}

/**
 * dw[kH, kW, inC, outC] (and db[outC] = the sums of dy over batch x positions, when `db` is given) from x and dy
 * (masked by a ReLU's output, when `reluOutput` is given): the batch*outH output rows split over workgroups, their
 * partials summed by gemm_split_reduce.wgsl.
 */
export async function planConv2dBackpropFilterDirect(
  ctx: GpuContext,
  args: {
    label?: string; x: GPUBuffer; dy: GPUBuffer; dw: GPUBuffer; db?: GPUBuffer | null; shape: Conv2dShape; splits?: number;
    /** The output y of the layer's ReLU: dy is then the gradient after it, masked here to where y > 0. */
    reluOutput?: GPUBuffer;
  },
): Promise<KernelCall[]> {
  const label = args.label ?? 'conv2d weight grad (direct)';
  const s = args.shape;
  const l = layout(label, s);
  const { outW, rows } = l;
  const wanted = args.splits ?? ceilDiv(WANTED_WORKGROUPS, l.colTiles);
  const rowsPerSplit = ceilDiv(rows, Math.max(1, Math.min(rows, wanted)));
  const splits = ceilDiv(rows, rowsPerSplit);
  const taps = s.kH * s.kW * s.inC;
  const dwPartials = ctx.createBuffer(`${label} partials`, splits * taps * s.outC * 4);
  const dbPartials = ctx.createBuffer(`${label} bias partials`, splits * s.outC * 4);
  const grad = await makeKernelCall(ctx, {
    label,
    file: 'conv2d_direct.wgsl',
    entryPoint: 'weight_grad',
    constants: { ...l.constants, RELU: args.reluOutput ? 1 : 0 },
    uniforms: uniforms(s, l.colTiles, outW, 1, rowsPerSplit),
    // Without a ReLU the mask's binding (statically used all the same) reads dy, never looked at.
    buffers: [args.x, args.dy, dwPartials, dbPartials, args.reluOutput ?? args.dy],
    workgroups: [l.colTiles, splits, 1],
    shape: `direct ${s.kH}x${s.kW}x${s.inC} -> ${s.outC}, ${rows} rows of ${outW}, ${splits} slices`,
  });
  grad.owned.push(dwPartials, dbPartials);
  const calls = [grad, await planSplitReduce(ctx, { label: `${label} reduce`, partials: dwPartials, out: args.dw, plane: taps * s.outC, splits })];
  if (args.db) calls.push(await planSplitReduce(ctx, { label: `${label} bias reduce`, partials: dbPartials, out: args.db, plane: s.outC, splits }));
  return calls;
}
