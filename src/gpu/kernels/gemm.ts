/**
 * The implicit-GEMM kernel family (shaders/gemm.wgsl): dense and conv2d forward, input gradient, weight gradient
 * and bias gradient, all as one tiled GEMM whose operand loaders read the layer's tensors in place. Long
 * reductions (weight and bias gradients sum over batch x positions) are split over K across workgroups and
 * summed by gemm_split_reduce.wgsl, so that small weight tensors still fill the GPU. Two shapes of the same
 * kernel (gemm-variant.ts): gemm.wgsl for software adapters, gemm_tiled.wgsl (workgroup-memory tiles) for GPUs,
 * chosen by the context's `gemmVariant`; both take the same uniforms and write the same partials.
 */
import type { GpuContext } from '../context.ts';
import { biasOrStandIn, threadWorkgroups, ceilDiv, makeKernelCall, spreadWorkgroups, type KernelCall } from '../kernel-call.ts';
import { u32s } from '../uniforms.ts';

export const GemmMode = {
  denseForward: 0,
  denseInputGrad: 1,
  denseWeightGrad: 2,
  convForward: 3,
  convInputGrad: 4,
  convWeightGrad: 5,
  columnSums: 6,
  /** `stack` GEMMs of the same M x K x N stored one after the other (Winograd's 16 products, conv2d-winograd.ts). */
  stackedDenseForward: 7,
  /**
   * `stack` GEMMs C[z] = A[z]^T . B[z] with A[z] stored [K, M] (as denseWeightGrad reads x): Winograd's weight
   * gradient, a contraction over tiles, so it is split over K like the other weight gradients.
   */
  stackedDenseWeightGrad: 8,
} as const;
export type GemmMode = (typeof GemmMode)[keyof typeof GemmMode];

/** Convolution geometry as the shader's uniform expects it (zeros for dense modes). */
export interface GemmConvGeometry {
  batch: number;
  inH: number;
  inW: number;
  inC: number;
  kH: number;
  kW: number;
  outC: number;
  outH: number;
  outW: number;
  strideH: number;
  strideW: number;
  padTop: number;
  padLeft: number;
}

export interface GemmArgs {
  label: string;
  mode: GemmMode;
  M: number;
  N: number;
  K: number;
  a: GPUBuffer;
  b: GPUBuffer;
  c: GPUBuffer;
  bias?: GPUBuffer | null;
  relu?: boolean;
  conv?: GemmConvGeometry;
  /** Force a split count (tests); by default chosen by chooseSplits. */
  splits?: number;
  /** Force a tile of the 'lavapipe' variant (tests, benchmarks); by default chosen by chooseTile. */
  tile?: GemmTile;
  /** stackedDenseForward and stackedDenseWeightGrad: how many GEMMs are stacked in a, b and c. */
  stack?: number;
}

/** Tile of C one workgroup computes: `rows` rows x (LANES * `cols`) columns (see shaders/gemm.wgsl). */
export interface GemmTile {
  rows: number;
  cols: number;
  /** Lanes along rows: the tile is (LANES * rows) x cols (for N <= cols). */
  rowLanes?: boolean;
}

/** Threads per workgroup: lavapipe's vector width on AVX2 (8 x f32); a multiple of any GPU's SIMD quarter. */
const LANES = 8;
/** Dense modes walk K in chunks of this many k (the split-K granularity). */
const DENSE_CHUNK = 64;
const REDUCE_WG = 256;
/** gemm_tiled.wgsl's tile of C per 256-thread workgroup. */
const TILED_TILE = 64;

/**
 * Tile for an N-column output. On lavapipe every storage load costs a per-lane loop whatever its address, so
 * what counts is FMAs per load: a thread's ROWS x COLS block does ROWS * COLS FMAs for ROWS + COLS loads per k.
 * Wide outputs get 8 x 8 or 8 x 4 blocks (lanes along columns); N <= 4 (e.g. the input gradient of an RGB or
 * grey image) puts the lanes along rows, since lanes along columns would leave most of them idle. A conv forward
 * or input gradient with 4 < N <= 32 also puts them along rows, 8 rows x 8 columns each (64 FMAs per 16 loads
 * instead of 16 per 10 or 32 per 12): measured side by side on lavapipe (busy machine), 1.21-1.27x for the
 * forwards and 1.38-1.72x for the input gradients of mnist-ref's and cifar-ref's N = 16 and 32 convs, while the
 * weight gradients were 0.93-1.29x (kept as they were) and N = 64 forwards 0.67x. Six variants in all, so a
 * cold shader cache compiles few pipelines.
 */
export function chooseTile(N: number, mode?: GemmMode): GemmTile {
  if (N === 1) return { rows: 16, cols: 1, rowLanes: true };
  if (N <= 4) return { rows: 8, cols: 4, rowLanes: true };
  if (N <= 4 * LANES && (mode === GemmMode.convForward || mode === GemmMode.convInputGrad || mode === GemmMode.stackedDenseForward)) return { rows: 8, cols: 8, rowLanes: true };
  if (N <= 2 * LANES) return { rows: 8, cols: 2 };
  if (N <= 4 * LANES) return { rows: 8, cols: 4 };
  return { rows: 8, cols: 8 };
}

/**
 * Number of K slices for a GEMM, in units of outer steps: enough workgroups to keep every core or SM busy
 * (~256) when the output has few tiles, but slices of at least 1024 k (partials cost a write and a read of
 * M x N each).
 */
export function chooseSplits(tiles: number, nOuter: number, nInner: number): number {
  const wanted = ceilDiv(256, tiles);
  const most = Math.max(1, Math.floor((nOuter * nInner) / 1024));
  return Math.max(1, Math.min(wanted, most, nOuter, 64));
}

/** How K = (outer, inner) is walked for each mode (see the header of shaders/gemm.wgsl). */
function kLoops(mode: GemmMode, K: number, g: GemmConvGeometry): { nOuter: number; nInner: number } {
  switch (mode) {
    case GemmMode.convForward:
      return { nOuter: g.kH * g.kW, nInner: g.inC };
    case GemmMode.convInputGrad:
      return { nOuter: g.kH * g.kW, nInner: g.outC };
    case GemmMode.convWeightGrad:
      return { nOuter: g.batch * g.outH, nInner: g.outW };
    default:
      return { nOuter: ceilDiv(K, DENSE_CHUNK), nInner: DENSE_CHUNK };
  }
}

/** Plans one GEMM: one KernelCall, or two (partial GEMM + reduce) when split over K. */
export async function planGemm(ctx: GpuContext, args: GemmArgs): Promise<KernelCall[]> {
  const { M, N, K } = args;
  const g = args.conv ?? { batch: 0, inH: 0, inW: 0, inC: 0, kH: 0, kW: 0, outC: 0, outH: 0, outW: 0, strideH: 1, strideW: 1, padTop: 0, padLeft: 0 };
  const { nOuter, nInner } = kLoops(args.mode, K, g);
  const layout = ctx.gemmVariant === 'tiled' ? tiledLayout(args) : lavapipeLayout(args);
  const { colTiles, tiles } = layout;
  const splitsK = args.mode === GemmMode.denseWeightGrad || args.mode === GemmMode.convWeightGrad || args.mode === GemmMode.columnSums
    || args.mode === GemmMode.stackedDenseWeightGrad;
  const stacked = args.mode === GemmMode.stackedDenseForward || args.mode === GemmMode.stackedDenseWeightGrad;
  if (stacked && !(Number.isInteger(args.stack) && args.stack! >= 1)) throw new RangeError(`${args.label}: a stacked GEMM needs a stack count >= 1, got ${args.stack}`);
  const stack = stacked ? args.stack! : 1;
  // The stack's GEMMs fill the machine together: tiles * stack workgroups before any split.
  let splits = args.mode === GemmMode.stackedDenseForward ? 1 : (args.splits ?? (splitsK ? chooseSplits(tiles * stack, nOuter, nInner) : 1));
  const outerPerSplit = ceilDiv(nOuter, Math.max(1, splits));
  splits = ceilDiv(nOuter, outerPerSplit);
  const uniforms = u32s(
    M, N, K, nOuter, nInner, outerPerSplit, colTiles, g.batch, g.inH, g.inW, g.inC, g.kH,
    g.kW, g.outC, g.outH, g.outW, g.strideH, g.strideW, g.padTop, g.padLeft, stack,
  );
  const split = splits > 1;
  // Partials [splits][stack][M][N] (stack = 1 but in MODE 8): the reduce sums planes of stack * M * N.
  const plane = stack * M * N;
  const scratch = split ? ctx.createBuffer(`${args.label} split-K partials`, splits * plane * 4) : null;
  const bias = biasOrStandIn(ctx, args.label, args.bias);
  const [wx, wy] = spreadWorkgroups(tiles, ctx.limits.maxComputeWorkgroupsPerDimension);
  const gemm = await makeKernelCall(ctx, {
    label: args.label,
    file: layout.file,
    entryPoint: layout.entryPoint,
    constants: { MODE: args.mode, HAS_BIAS: args.bias ? 1 : 0, RELU: args.relu ? 1 : 0, SPLIT: split ? 1 : 0, ...layout.constants },
    uniforms,
    buffers: [args.a, args.b, bias.buffer, scratch ?? args.c],
    workgroups: [wx, wy, stack * splits],
    shape: `gemm ${stacked ? `${stack} x ` : ''}${M}x${N}x${K}${split ? `, ${splits} K slices` : ''}`,
  });
  bias.adopt(gemm);
  if (!scratch) return [gemm];
  gemm.owned.push(scratch);
  return [gemm, await planSplitReduce(ctx, { label: `${args.label} split-K reduce`, partials: scratch, out: args.c, plane, splits })];
}

/** out[i] = sum_{z < splits} partials[z * plane + i] for i < plane (gemm_split_reduce.wgsl): a split reduction's sum. */
export function planSplitReduce(
  ctx: GpuContext,
  args: { label: string; partials: GPUBuffer; out: GPUBuffer; plane: number; splits: number },
): Promise<KernelCall> {
  return makeKernelCall(ctx, {
    label: args.label,
    file: 'gemm_split_reduce.wgsl',
    constants: { WG: REDUCE_WG },
    uniforms: u32s(args.plane, args.splits),
    buffers: [args.partials, args.out],
    workgroups: threadWorkgroups(ctx, args.plane, REDUCE_WG),
    shape: `sum ${args.splits} x ${args.plane}`,
  });
}

/** How a variant covers C: its shader and entry point, its own constants, and its grid of output tiles. */
interface GemmLayout {
  file: string;
  entryPoint: string;
  constants: Record<string, number>;
  colTiles: number;
  tiles: number;
}

/** gemm.wgsl: LANES threads per workgroup, a register-blocked tile chosen by chooseTile. */
function lavapipeLayout(args: GemmArgs): GemmLayout {
  const tile = args.tile ?? chooseTile(args.N, args.mode);
  const colTiles = ceilDiv(args.N, tile.rowLanes ? tile.cols : LANES * tile.cols);
  const tiles = ceilDiv(args.M, tile.rowLanes ? LANES * tile.rows : tile.rows) * colTiles;
  return {
    file: 'gemm.wgsl',
    entryPoint: 'main',
    constants: { LANES, ROWS: tile.rows, COLS: tile.cols, ROW_LANES: tile.rowLanes ? 1 : 0 },
    colTiles,
    tiles,
  };
}

/**
 * gemm_tiled.wgsl: 64 x 64 tiles of C; B read as vec4s where its rows are contiguous in n (B[k, n] = b[k*N + n]:
 * every mode but the two that read a transposed weight) and N % 4 == 0, so a row starts on a vec4.
 */
function tiledLayout(args: GemmArgs): GemmLayout {
  const colTiles = ceilDiv(args.N, TILED_TILE);
  const rowsOfB = args.mode !== GemmMode.denseInputGrad && args.mode !== GemmMode.convInputGrad;
  return {
    file: 'gemm_tiled.wgsl',
    entryPoint: rowsOfB && args.N % 4 === 0 ? 'main_vec4b' : 'main',
    constants: {},
    colTiles,
    tiles: ceilDiv(args.M, TILED_TILE) * colTiles,
  };
}
