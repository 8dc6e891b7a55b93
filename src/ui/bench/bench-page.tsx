/** The bench page: the form, the run's progress, the table, and what the figures mean. */
import { createSignal, For, onCleanup, Show } from 'solid-js';
import { isSoftwareAdapter } from '../../gpu/kernels/gemm-variant.ts';
import { fmtSeconds, ProgressBar } from '../components/progress-bar.tsx';
import { BenchFormPanel } from './bench-form.tsx';
import { BenchTable } from './bench-table.tsx';
import { bench } from './bench-store.ts';

/** Which case is running, and for how long (a case may take a minute on a software adapter). */
function BenchProgress() {
  const [now, setNow] = createSignal(performance.now());
  const timer = setInterval(() => setNow(performance.now()), 1000);
  onCleanup(() => clearInterval(timer));
  const label = () => {
    const c = bench.current;
    if (!c) return bench.adapter ? 'loading TF.js and preparing the cases…' : 'acquiring the GPU…';
    return `case ${c.index + 1} of ${c.count}: ${c.name}, ${c.shape} (${fmtSeconds((now() - c.since) / 1000)})`;
  };
  return <ProgressBar testId="bench-progress" fraction={bench.current ? bench.current.index / bench.current.count : 0} label={label()} />;
}

const STATUS_TEXT: Record<string, string> = {
  done: 'done',
  stopped: 'stopped: the rows above finished before the stop',
};

export function BenchPage() {
  const software = () => bench.adapter !== '' && isSoftwareAdapter({ description: bench.adapter });
  return (
    <>
      <header class="status-bar">
        <div class="title">
          <strong>aom-studio bench</strong>
          <span class="subtitle">our kernels and training steps beside TF.js, on this browser's GPU</span>
        </div>
        <Show when={bench.adapter}>
          <span class="adapter" data-testid="bench-adapter" title="WebGPU adapter">GPU: {bench.adapter}</span>
          <span class="render-mode" data-testid="bench-kernels">conv/dense kernels: {bench.kernelVariant} (?kernels=lavapipe|tiled overrides)</span>
        </Show>
        <a class="link" href={`./${location.search}`}>Back to the studio</a>
      </header>
      <main class="bench-page" data-testid="bench-page">
        <BenchFormPanel />
        <section class="panel">
          <Show when={bench.status === 'running'}>
            <BenchProgress />
          </Show>
          <Show when={STATUS_TEXT[bench.status]}>
            <p class="hint" data-testid="bench-status">{STATUS_TEXT[bench.status]}, {bench.rows.length} rows.</p>
          </Show>
          <Show when={bench.status === 'failed'}>
            <p class="error" data-testid="bench-error">{bench.error}</p>
          </Show>
          <For each={bench.notes}>{(note) => <p class="warning" data-testid="bench-note">{note}</p>}</For>
          <Show when={software()}>
            <p class="warning" data-testid="bench-software">
              This adapter is a software renderer (the GPU is emulated on the CPU): its figures are CPU speeds, not GPU speeds.
            </p>
          </Show>
          <Show when={bench.peak}>
            {(peak) => (
              <p class="hint" data-testid="bench-peak">
                Adapter ceilings measured first: {peak().gflops.toFixed(1)} GFLOP/s (an FMA loop), {peak().gbps.toFixed(1)} GB/s (a copy).
              </p>
            )}
          </Show>
          <BenchTable />
          <p class="hint">
            ratio = peer ms / our ms, timed alternately in this run (A B B A …, medians; &gt; 1: ours is faster); train step memory: peer MiB / our MiB (&gt; 1: ours needs less). peak = share of the adapter's
            FMA ceiling (GFLOP/s; training steps: 3× forward FLOPs) or of its copy ceiling (GB/s). The cases are those of <code>npm run bench</code>;
            the TF.js peers run in the same worker, WebGPU on its own device on the same adapter, wasm (XNNPACK, SIMD, one thread: this page is
            not cross-origin isolated) for conv forward. Save JSON writes <code>aom-studio bench --json</code>'s document.
          </p>
        </section>
      </main>
    </>
  );
}
