/** The bench page's one domain: what to run, the run's state, and what it measured so far. */
import { createStore } from 'solid-js/store';
import type { AdapterPeak, BenchPeerChoice, BenchReport, BenchRow } from '../../session/bench-api.ts';

export interface BenchForm {
  filter: string;
  repetitions: number;
  /** Repeat a short case (up to 25 pairs) until this many seconds have passed; the CLI uses 1. */
  minSeconds: number;
  peers: BenchPeerChoice;
  aomImages: number;
}

export interface BenchState {
  status: 'idle' | 'running' | 'done' | 'stopped' | 'failed';
  form: BenchForm;
  /** ?kernels= of the page, passed to the worker. */
  kernels: string | undefined;
  adapter: string;
  kernelVariant: string;
  peak: AdapterPeak | null;
  rows: BenchRow[];
  notes: string[];
  /** The case running now. */
  current: { index: number; count: number; name: string; shape: string; since: number } | null;
  error: string;
}

export const [bench, setBench] = createStore<BenchState>({
  status: 'idle',
  form: { filter: '', repetitions: 3, minSeconds: 1, peers: 'all', aomImages: 1024 },
  kernels: undefined,
  adapter: '',
  kernelVariant: '',
  peak: null,
  rows: [],
  notes: [],
  current: null,
  error: '',
});

/**
 * The report of what was measured so far: `aom-studio bench --json`'s document. A stopped run's report has the
 * rows that finished (and no peak if it stopped before the ceilings were measured).
 */
export function currentReport(): Omit<BenchReport, 'peak'> & { peak: AdapterPeak | null } {
  return { adapter: bench.adapter, kernels: bench.kernelVariant, peak: bench.peak ? { ...bench.peak } : null, rows: bench.rows.map((r) => ({ ...r })) };
}
