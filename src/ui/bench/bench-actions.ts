/** What the bench page's buttons do: start a run from the form, stop it, save what it measured. */
import { batch } from 'solid-js';
import type { BenchEvent } from '../../session/bench-api.ts';
import { BenchStopped, startBenchRun, type BenchRun } from './bench-client.ts';
import { bench, currentReport, setBench } from './bench-store.ts';

let active: BenchRun | null = null;

function applyEvent(event: BenchEvent): void {
  if (event.kind === 'adapter') setBench({ adapter: event.adapter, kernelVariant: event.kernels });
  else if (event.kind === 'note') setBench('notes', (notes) => [...notes, event.message]);
  else if (event.kind === 'case') setBench('current', { index: event.index, count: event.count, name: event.name, shape: event.shape, since: performance.now() });
  else if (event.kind === 'row') setBench('rows', (rows) => [...rows, event.row]);
  else setBench('peak', event.peak);
}

/** Runs the bench with the form's settings; the table fills row by row. */
export async function runBench(): Promise<void> {
  if (active) return;
  const { filter, repetitions, minSeconds, peers, aomImages } = bench.form;
  batch(() => {
    setBench({ status: 'running', adapter: '', kernelVariant: '', peak: null, rows: [], notes: [], current: null, error: '' });
  });
  const run = startBenchRun({ filter: filter.trim(), repetitions, minSeconds, peers, aomImages, kernels: bench.kernels }, applyEvent);
  active = run;
  try {
    await run.done;
    setBench({ status: 'done', current: null });
  } catch (error) {
    if (error instanceof BenchStopped) setBench({ status: 'stopped', current: null });
    else setBench({ status: 'failed', current: null, error: (error as Error).message || String(error) });
  } finally {
    active = null;
  }
}

/** Ends the run now; the rows already measured stay, and can be saved. */
export function stopBench(): void {
  active?.stop();
}

/** Saves the rows measured so far as `aom-studio bench --json`'s document. */
export function downloadReport(): void {
  const text = JSON.stringify(currentReport(), null, 2) + '\n';
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = `aom-studio-bench-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')}.json`;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
