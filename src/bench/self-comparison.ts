/**
 * A means tried for speed, ours against ours (one optimizer dispatch or one per tensor, Winograd or the direct
 * GEMM, a step with Winograd on or off): both timed alternately in the same run (harness.ts) and reported as one
 * row whose peer is our other way. ratio = the other way's ms / this way's ms: above 1, this way pays.
 */
import type { GpuContext } from '../gpu/context.ts';
import { timeSideBySide, type BenchCase, type BenchRow } from './harness.ts';

export interface SelfComparisonOptions {
  repetitions?: number;
  minSeconds?: number;
  filter?: (name: string, shape: string) => boolean;
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/** Times `ours` (one repetition submitted; the harness waits) against `other` (one repetition, done when it resolves). */
export async function compareOursWithOurs(
  ctx: GpuContext,
  row: { name: string; shape: string; unit: BenchCase['unit']; work: number },
  ours: () => void | Promise<void>,
  other: { name: string; run: () => Promise<void> },
  options: SelfComparisonOptions,
): Promise<BenchRow> {
  const benchCase: BenchCase = { ...row, run: ours };
  const t = await timeSideBySide(ctx, benchCase, { run: other.run, dispose() {} }, options.repetitions ?? 3, options.minSeconds ?? 0);
  // GFLOP/s and GB/s count work in FLOPs and bytes; images/s in images.
  const rate = (ms: number) => round((row.unit === 'images/s' ? row.work : row.work / 1e9) / (ms / 1000));
  return { ...row, ours: rate(t.ours), oursMs: round(t.ours), peer: rate(t.peer), peerMs: round(t.peer), peerName: other.name, ratio: round(t.peer / t.ours) };
}
