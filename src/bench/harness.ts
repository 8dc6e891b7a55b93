/**
 * Benchmark harness. A case prepares GPU work once and exposes `run()`, which submits one repetition; the
 * harness warms it up (pipeline compile, first-touch), then times repetitions with the wall clock between
 * submission and `onSubmittedWorkDone`, and reports the median. Rows carry our figure and, when a peer
 * implementation (e.g. TF.js's WebGPU backend) is measured in the same run on the same adapter, the peer's
 * figure and the ratio, so speed claims are always relative to something measured side by side.
 */
import type { GpuContext } from '../gpu/context.ts';
import { GpuTimer } from '../gpu/gpu-timer.ts';
import type { KernelCall } from '../gpu/kernel-call.ts';

export interface BenchRow {
  name: string;
  shape: string;
  unit: string;
  ours: number;
  /** Milliseconds per repetition (median, wall clock from submit to queue idle), for readers who prefer time. */
  oursMs: number;
  /** GPU milliseconds per repetition from timestamp queries (median), where the adapter has them. */
  gpuMs?: number;
  peer?: number;
  peerName?: string;
  /** ours / peer for throughput units (higher is better). */
  ratio?: number;
}

export interface BenchCase {
  name: string;
  shape: string;
  unit: 'GFLOP/s' | 'images/s';
  /** Work per repetition in the unit's numerator (FLOPs or images). */
  work: number;
  /** Submits one repetition; the harness waits for the queue. */
  run(): void | Promise<void>;
  /** The dispatches of one repetition, when they fit in one compute pass (timed with timestamp queries). */
  calls?(): readonly KernelCall[];
  dispose?(): void;
}

/** A peer measures the same case with its own implementation and returns milliseconds per repetition. */
export interface BenchPeer {
  name: string;
  measure(benchCase: BenchCase): Promise<number | null>;
}

export interface BenchOptions {
  repetitions?: number;
  minSeconds?: number;
  peer?: BenchPeer;
  onRow?: (row: BenchRow) => void;
}

export async function timeCase(ctx: GpuContext, benchCase: BenchCase, repetitions = 3, minSeconds = 0): Promise<number> {
  await benchCase.run(); // warm-up: compiles pipelines, touches memory
  await ctx.sync();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < repetitions || (performance.now() - start) / 1000 < minSeconds) {
    const t0 = performance.now();
    await benchCase.run();
    await ctx.sync();
    times.push(performance.now() - t0);
    if (times.length >= 50) break;
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/** Median GPU time of `repetitions` timed passes of the case's calls. */
async function gpuTime(timer: GpuTimer, calls: readonly KernelCall[], repetitions: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < repetitions; i++) times.push(await timer.time(calls, 'bench'));
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

export async function runBench(ctx: GpuContext, cases: BenchCase[], options: BenchOptions = {}): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const timer = ctx.hasTimestamps ? new GpuTimer(ctx) : null;
  for (const c of cases) {
    try {
      const ms = await timeCase(ctx, c, options.repetitions ?? 3, options.minSeconds ?? 0);
      const perSecond = (work: number, millis: number) => (c.unit === 'GFLOP/s' ? work / 1e9 : work) / (millis / 1000);
      const row: BenchRow = { name: c.name, shape: c.shape, unit: c.unit, ours: round(perSecond(c.work, ms)), oursMs: round(ms) };
      const calls = c.calls?.();
      if (timer && calls) row.gpuMs = round(await gpuTime(timer, calls, options.repetitions ?? 3));
      if (options.peer) {
        const peerMs = await options.peer.measure(c);
        if (peerMs !== null) {
          row.peer = round(perSecond(c.work, peerMs));
          row.peerName = options.peer.name;
          row.ratio = round(peerMs / ms);
        }
      }
      rows.push(row);
      options.onRow?.(row);
    } finally {
      c.dispose?.();
    }
  }
  timer?.destroy();
  return rows;
}

const round = (x: number) => Math.round(x * 1000) / 1000;
