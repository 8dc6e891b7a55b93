/**
 * What the benchmarks report, and the typed API between the bench page and its worker (workers/bench.worker.ts
 * `expose`s an object of type BenchApi; src/ui/bench-client.ts `wrap`s it). The rows and the report are the
 * bench's facts (src/bench/harness.ts measures them, src/bench/bench-suite.ts assembles the report); they live
 * here, below src/bench, because the page shows and saves them without importing the benchmark code. The CLI's
 * `bench --json` prints a BenchReport; the page saves the same document.
 */

export interface BenchRow {
  name: string;
  shape: string;
  unit: string;
  ours: number;
  /** Milliseconds per repetition (median, wall clock from submit to queue idle), for readers who prefer time. */
  oursMs: number;
  /** GPU milliseconds per repetition from timestamp queries (median), where the adapter has them. */
  gpuMs?: number;
  /** Our share of the adapter's measured ceiling (src/bench/peak-cases.ts): GFLOP/s over the FMA loop's, GB/s over the copy's. */
  peakShare?: number;
  peer?: number;
  peerMs?: number;
  peerName?: string;
  /** The peer's share of the same ceiling. */
  peerPeakShare?: number;
  /** peer ms / our ms, measured alternately in the same run: > 1 means ours is faster. */
  ratio?: number;
}

/** The adapter's measured ceilings, for every row's share of peak. */
export interface AdapterPeak {
  gflops: number;
  gbps: number;
}

/** One run of the bench: `aom-studio bench --json`'s document, and the page's saved file. */
export interface BenchReport {
  adapter: string;
  /** The conv/dense kernel variant in use (src/gpu/kernels/gemm-variant.ts). */
  kernels: string;
  peak: AdapterPeak;
  rows: BenchRow[];
}

/** Which TF.js backends are timed beside ours. */
export type BenchPeerChoice = 'all' | 'webgpu' | 'wasm' | 'none';

/** What to run: the CLI's --filter, --repetitions, --peers and --aom-images, and the page's ?kernels=. */
export interface BenchRequest {
  /** Only the cases whose 'name shape' contains this text ('' or absent: every case; the peaks always run). */
  filter?: string;
  repetitions: number;
  /** Keep repeating a short case (up to 25 pairs) until this many seconds have passed; the CLI uses 1. */
  minSeconds: number;
  peers: BenchPeerChoice;
  aomImages: number;
  /** Force the conv/dense kernel variant (?kernels= in the page). */
  kernels?: string;
}

/** What the bench says while it runs, in order: the adapter first, a case before its rows, the peak once known. */
export type BenchEvent =
  | { kind: 'adapter'; adapter: string; kernels: string }
  /** A peer could not load (the message says why); its rows are measured without it. */
  | { kind: 'note'; message: string }
  /** Case `index` (0-based) of `count` starts. */
  | { kind: 'case'; index: number; count: number; name: string; shape: string }
  | { kind: 'row'; row: BenchRow }
  | { kind: 'peak'; peak: AdapterPeak };

/** The bench worker's API. The page stops a run by ending the worker (rows already sent stay on screen). */
export interface BenchApi {
  /** Runs the bench on this browser's GPU; `onEvent` (a Comlink proxy) gets every event as it happens. */
  run(request: BenchRequest, onEvent: (event: BenchEvent) => void): Promise<BenchReport>;
}
