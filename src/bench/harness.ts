/**
 * Benchmark harness. A case prepares GPU work once and exposes `run()`, which submits one repetition; the
 * harness warms it up (pipeline compile, first-touch), then times repetitions with the wall clock between
 * submission and `onSubmittedWorkDone`, and reports the median. Rows carry our figure and, when a peer
 * implementation (TF.js's WebGPU or wasm backend, tfjs-peers.ts) does the same work, the peer's figure timed
 * alternately with ours in the same run on the same adapter, and the ratio, so speed claims are always relative
 * to something measured side by side; and the share of the adapter's own measured ceiling (adapter-peak-cases.ts).
 */
import type { GpuContext } from '../gpu/context.ts';
import { GpuTimer } from '../gpu/gpu-timer.ts';
import type { KernelCall } from '../gpu/kernel-call.ts';
import type { Conv2dShape } from '../gpu/kernels/conv2d-contract.ts';
import type { DenseShape } from '../gpu/kernels/dense.ts';
import type { Model } from '../nn/layers.ts';
import type { StepOptimizer } from '../nn/train-step.ts';
import type { AdapterPeak, BenchRow } from '../session/bench-api.ts';

// The rows and the ceilings are the report's facts, shared with the bench page (src/session/bench-api.ts).
export type { AdapterPeak, BenchRow };

/**
 * What a case computes, in terms another library can reproduce: the peers (tfjs-peers.ts) build the same work
 * from it. Inputs are random: the kernels do the same work whatever the values.
 */
export type PeerWork =
  | { kind: 'conv forward' | 'conv input grad' | 'conv weight grad'; shape: Conv2dShape }
  | { kind: 'dense forward' | 'dense input grad' | 'dense weight grad'; shape: DenseShape }
  | { kind: 'train step'; model: Model; batch: number; optimizer: StepOptimizer };

export interface BenchCase {
  name: string;
  shape: string;
  unit: 'GFLOP/s' | 'images/s' | 'GB/s';
  /** Work per repetition in the unit's numerator (FLOPs, images or bytes). */
  work: number;
  /** FLOPs per repetition where the unit is not GFLOP/s (a training step's images), for the share of peak. */
  flops?: number;
  /** Submits one repetition; the harness waits for the queue. */
  run(): void | Promise<void>;
  /** The dispatches of one repetition, when they fit in one compute pass (timed with timestamp queries). */
  calls?(): readonly KernelCall[];
  /** The same work for the peers; cases without it are measured alone. */
  peerWork?: PeerWork;
  dispose?(): void;
}

/** One peer's prepared repetition of a case: `run` does it and resolves when its device (or CPU) is done. */
export interface PeerRun {
  run(): Promise<void>;
  dispose(): void;
}

/** Another implementation measured side by side (TF.js's WebGPU or wasm backend). */
export interface BenchPeer {
  name: string;
  /** Prepares `work` (tensors, model); null when this peer does not do that kind of work. */
  prepare(work: PeerWork): Promise<PeerRun | null>;
}

export interface BenchOptions {
  repetitions?: number;
  minSeconds?: number;
  peers?: readonly BenchPeer[];
  peak?: AdapterPeak;
  /** Called as case `index` (0-based) of `count` starts, before its warm-up (the page shows what is running). */
  onCase?: (benchCase: BenchCase, index: number, count: number) => void;
  onRow?: (row: BenchRow) => void;
}

/** Median of a list of times (sorts it). */
const median = (times: number[]) => times.sort((a, b) => a - b)[Math.floor(times.length / 2)];

export async function timeCase(ctx: GpuContext, benchCase: BenchCase, repetitions = 3, minSeconds = 0): Promise<number> {
  await benchCase.run(); // warm-up: compiles pipelines, touches memory
  await ctx.sync();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < repetitions || (performance.now() - start) / 1000 < minSeconds) {
    times.push(await timeOurs(ctx, benchCase));
    if (times.length >= 50) break;
  }
  return median(times);
}

async function timeOurs(ctx: GpuContext, benchCase: BenchCase): Promise<number> {
  const t0 = performance.now();
  await benchCase.run();
  await ctx.sync();
  return performance.now() - t0;
}

async function timePeer(peer: PeerRun): Promise<number> {
  const t0 = performance.now();
  await peer.run();
  return performance.now() - t0;
}

/**
 * Ours and a peer, alternately (A B B A A B ...) after one warm-up each, `repetitions` times each: on a shared
 * machine the load changes from second to second, and alternating gives both medians the same mix of it.
 */
export async function timeSideBySide(ctx: GpuContext, benchCase: BenchCase, peer: PeerRun, repetitions = 3, minSeconds = 0): Promise<{ ours: number; peer: number }> {
  await timeOurs(ctx, benchCase);
  await timePeer(peer);
  const ours: number[] = [];
  const theirs: number[] = [];
  const start = performance.now();
  // At least `repetitions` pairs, more (up to 25) while the pairs took less than minSeconds: short kernels get
  // enough samples for a median on a noisy machine, long training steps cost only what was asked.
  for (let i = 0; i < repetitions || ((performance.now() - start) / 1000 < minSeconds && i < 25); i++) {
    if (i % 2 === 0) {
      ours.push(await timeOurs(ctx, benchCase));
      theirs.push(await timePeer(peer));
    } else {
      theirs.push(await timePeer(peer));
      ours.push(await timeOurs(ctx, benchCase));
    }
  }
  return { ours: median(ours), peer: median(theirs) };
}

/** Median GPU time of `repetitions` timed passes of the case's calls. */
async function gpuTime(timer: GpuTimer, calls: readonly KernelCall[], repetitions: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < repetitions; i++) times.push(await timer.time(calls, 'bench'));
  return median(times);
}

/**
 * Runs every case: one row per (case, peer that does its work), ours and the peer timed alternately; a case no
 * peer does gets one row of ours alone.
 */
export async function runBench(ctx: GpuContext, cases: BenchCase[], options: BenchOptions = {}): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const repetitions = options.repetitions ?? 3;
  const timer = ctx.hasTimestamps ? new GpuTimer(ctx) : null;
  const emit = (row: BenchRow) => {
    rows.push(row);
    options.onRow?.(row);
  };
  for (const [index, c] of cases.entries()) {
    options.onCase?.(c, index, cases.length);
    try {
      const perSecond = (millis: number) => (c.unit === 'images/s' ? c.work : c.work / 1e9) / (millis / 1000);
      const share = (millis: number) => peakShare(c, millis, options.peak);
      const base = async (ms: number): Promise<BenchRow> => {
        const row: BenchRow = { name: c.name, shape: c.shape, unit: c.unit, ours: round(perSecond(ms)), oursMs: round(ms) };
        const s = share(ms);
        if (s !== undefined) row.peakShare = round(s);
        const calls = c.calls?.();
        if (timer && calls?.length) row.gpuMs = round(await gpuTime(timer, calls, repetitions));
        return row;
      };
      let measured = false;
      for (const peer of c.peerWork ? options.peers ?? [] : []) {
        const prepared = await peer.prepare(c.peerWork!);
        if (!prepared) continue;
        try {
          const t = await timeSideBySide(ctx, c, prepared, repetitions, options.minSeconds ?? 0);
          const row = await base(t.ours);
          row.peer = round(perSecond(t.peer));
          row.peerMs = round(t.peer);
          row.peerName = peer.name;
          const s = share(t.peer);
          if (s !== undefined) row.peerPeakShare = round(s);
          row.ratio = round(t.peer / t.ours);
          emit(row);
          measured = true;
        } finally {
          prepared.dispose();
        }
      }
      if (!measured) {
        emit(await base(await timeCase(ctx, c, repetitions, options.minSeconds ?? 0)));
      }
    } finally {
      c.dispose?.();
    }
  }
  timer?.destroy();
  return rows;
}

/** The share of the adapter's ceiling that `millis` per repetition of the case reaches (FLOPs or bytes). */
function peakShare(c: BenchCase, millis: number, peak: AdapterPeak | undefined): number | undefined {
  if (!peak) return undefined;
  if (c.unit === 'GB/s') return c.work / 1e9 / (millis / 1000) / peak.gbps;
  const flops = c.unit === 'GFLOP/s' ? c.work : c.flops;
  return flops === undefined ? undefined : flops / 1e9 / (millis / 1000) / peak.gflops;
}

const round = (x: number) => Math.round(x * 1000) / 1000;
