/**
 * The conv kernels the network runs (and the bench's conv rows time), chosen per shape among the three ways
 * this project has of computing a convolution, each measured side by side where it is taken:
 * - the direct kernel for few input channels (conv2d-direct.ts: a first layer's 1 or 3 channels), forward and
 *   weight gradient (with the bias gradient in the same pass);
 * - Winograd (conv2d-winograd.ts) for 3x3 and 5x5 stride-1 convs of many channels, with the tile
 *   networkWinogradTile picks;
 * - the direct implicit GEMM (conv2d.ts) otherwise.
 * Which of them are allowed is the context's `convChoices` (AOM_WINOGRAD and AOM_DIRECT_CONV in Node), so a
 * before/after runs on the same build.
 */
import type { GpuContext } from '../context.ts';
import type { KernelCall } from '../kernel-call.ts';
import type { WinogradTiles } from './conv-choices.ts';
import { conv2dGeometry, type Conv2dShape } from './conv2d-contract.ts';
import { planBiasGrad, planConv2dBackpropFilter, planConv2dBackpropInput, planConv2dForward } from './conv2d.ts';
import { directConvPays, planConv2dBackpropFilterDirect, planConv2dForwardDirect } from './conv2d-direct.ts';
import {
  networkWinogradTile, planConv2dBackpropFilterWinograd, planConv2dBackpropInputWinograd, planConv2dForwardWinograd,
  winogradInputGradPays, winogradInputTileElements, winogradPays, winogradWeightGradPays, type TransientBuffers,
} from './conv2d-winograd.ts';

/** Which algorithm the network takes for each pass of the conv `s` on `ctx`: what a profile or a test can assert. */
export function convAlgorithms(ctx: GpuContext, s: Conv2dShape): { forward: ConvAlgorithm; inputGrad: ConvAlgorithm; weightGrad: ConvAlgorithm } {
  const { winograd, directFewChannels } = ctx.convChoices;
  // Measured on lavapipe only (its 8-invocation workgroups are shaped for it): GPUs keep their tiled GEMM.
  const direct = directFewChannels && ctx.gemmVariant === 'lavapipe' && directConvPays(s);
  return {
    forward: direct ? 'direct' : winograd !== 'off' && winogradPays(s, winograd) ? 'winograd' : 'gemm',
    inputGrad: winograd !== 'off' && winogradInputGradPays(s, winograd) ? 'winograd' : 'gemm',
    weightGrad: direct ? 'direct' : winograd !== 'off' && winogradWeightGradPays(s, winograd) ? 'winograd' : 'gemm',
  };
}
export type ConvAlgorithm = 'direct' | 'winograd' | 'gemm';

/** Only called where convAlgorithms said 'winograd', so the choice is not 'off' and the shape has a tile. */
const winogradTile = (ctx: GpuContext, s: Conv2dShape) => networkWinogradTile(s, ctx.convChoices.winograd as WinogradTiles)!;

/**
 * Floats of the Winograd input tiles a training layer keeps from its forward for its weight gradient, where both
 * passes take Winograd (then in the same tile, of the same x): the weight gradient's input transform is the
 * forward's. Null where they do not. Measured on lavapipe (2026-12-03): that transform was 3-4% of a mnist-ref step.
 */
export function keptWinogradInputTiles(ctx: GpuContext, s: Conv2dShape): number | null {
  const passes = convAlgorithms(ctx, s);
  return passes.forward === 'winograd' && passes.weightGrad === 'winograd' ? winogradInputTileElements(s, winogradTile(ctx, s)) : null;
}

/** `keptInputTiles`: where keptWinogradInputTiles says so, the buffer the forward writes its V to (ignored elsewhere). */
export async function planConv2dForwardFastest(
  ctx: GpuContext,
  args: {
    label?: string; x: GPUBuffer; w: GPUBuffer; bias: GPUBuffer | null; y: GPUBuffer; shape: Conv2dShape; relu?: boolean; transient?: TransientBuffers;
    keptInputTiles?: GPUBuffer;
  },
): Promise<KernelCall[]> {
  const { transient, keptInputTiles: _kept, ...plain } = args;
  switch (convAlgorithms(ctx, args.shape).forward) {
    case 'direct': return [await planConv2dForwardDirect(ctx, plain)];
    case 'winograd': return planConv2dForwardWinograd(ctx, { ...args, tile: winogradTile(ctx, args.shape) });
    default: return planConv2dForward(ctx, plain);
  }
}

export function planConv2dBackpropInputFastest(
  ctx: GpuContext,
  args: { label?: string; dy: GPUBuffer; w: GPUBuffer; dx: GPUBuffer; shape: Conv2dShape; transient?: TransientBuffers },
): Promise<KernelCall[]> {
  if (convAlgorithms(ctx, args.shape).inputGrad === 'winograd') return planConv2dBackpropInputWinograd(ctx, { ...args, tile: winogradTile(ctx, args.shape) });
  const { transient: _unused, ...plain } = args;
  return planConv2dBackpropInput(ctx, plain);
}

/**
 * dw and, when `db` is given, db: the direct kernel sums both in one pass (and can mask dy by a ReLU's output
 * there); the other ways add the GEMM's column sums of dy for db.
 */
export async function planConv2dBackpropFilterFastest(
  ctx: GpuContext,
  args: {
    label?: string; x: GPUBuffer; dy: GPUBuffer; dw: GPUBuffer; shape: Conv2dShape; transient?: TransientBuffers;
    db?: GPUBuffer | null; biasLabel?: string;
    /** Only where the direct kernel runs (convAlgorithms says 'direct'): dy masked by this ReLU output in the same pass. */
    reluOutput?: GPUBuffer;
    /** The forward's Winograd input tiles of x (see keptWinogradInputTiles), read instead of transforming x again. */
    keptInputTiles?: GPUBuffer;
  },
): Promise<KernelCall[]> {
  const { transient, db, biasLabel: _label, reluOutput, keptInputTiles, ...plain } = args;
  const algorithm = convAlgorithms(ctx, args.shape).weightGrad;
  if (algorithm === 'direct') return planConv2dBackpropFilterDirect(ctx, { ...plain, db, reluOutput });
  if (reluOutput) throw new RangeError(`${args.label ?? 'conv2d weight grad'}: only the direct kernel folds a ReLU's backward in, and this conv takes the ${algorithm}`);
  const calls = algorithm === 'winograd'
    ? await planConv2dBackpropFilterWinograd(ctx, { ...plain, transient, keptInputTiles, tile: winogradTile(ctx, args.shape) })
    : await planConv2dBackpropFilter(ctx, plain);
  if (!db) return calls;
  const { outH, outW } = conv2dGeometry(args.shape);
  const bias = await planBiasGrad(ctx, { label: args.biasLabel, dy: args.dy, db, rows: args.shape.batch * outH * outW, channels: args.shape.outC });
  return [...calls, ...bias];
}
