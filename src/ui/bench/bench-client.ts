/**
 * The bench page's handle on its worker (workers/bench.worker.ts), wrapped by Comlink with the BenchApi type.
 * One worker per run: stopping a run ends its worker at once (a case may wait seconds on a software GPU, and
 * a run cannot be interrupted inside a case), which also frees its GPU device; the next run starts a fresh one.
 */
import * as Comlink from 'comlink';
import type { BenchApi, BenchEvent, BenchReport, BenchRequest } from '../../session/bench-api.ts';

export interface BenchRun {
  /** Resolves with the report when the run ends; rejects with the worker's error, or when stopped. */
  done: Promise<BenchReport>;
  stop(): void;
}

export class BenchStopped extends Error {
  constructor() {
    super('bench stopped by the user');
  }
}

/** Starts a run in a fresh worker; `onEvent` gets its events as they happen. */
export function startBenchRun(request: BenchRequest, onEvent: (event: BenchEvent) => void): BenchRun {
  const worker = new Worker(new URL('../../../workers/bench.worker.ts', import.meta.url), { type: 'module', name: 'aom-studio bench' });
  const remote = Comlink.wrap<BenchApi>(worker);
  let stopped: (() => void) | null = null;
  const stoppedPromise = new Promise<never>((_, reject) => (stopped = () => reject(new BenchStopped())));
  // A worker that fails to load (or throws outside a call) never answers the call: say so instead of waiting.
  const crashed = new Promise<never>((_, reject) =>
    worker.addEventListener('error', (e) => reject(new Error(`the bench worker failed: ${e.message || 'it could not be loaded'}`))),
  );
  const end = () => {
    remote[Comlink.releaseProxy]();
    worker.terminate();
  };
  const run = remote.run(request, Comlink.proxy(onEvent));
  const done = Promise.race([run, stoppedPromise, crashed]).finally(end);
  return {
    done,
    stop: () => stopped?.(),
  };
}
