/** What to run: the CLI's --filter, --repetitions, --peers and --aom-images, and how long short cases repeat. */
import { bench, setBench, type BenchForm as Form } from './bench-store.ts';
import { downloadReport, runBench, stopBench } from './bench-actions.ts';
import type { BenchPeerChoice } from '../../session/bench-api.ts';

const PEER_CHOICES: { value: BenchPeerChoice; label: string }[] = [
  { value: 'all', label: 'TF.js WebGPU and wasm' },
  { value: 'webgpu', label: 'TF.js WebGPU' },
  { value: 'wasm', label: 'TF.js wasm (conv forward)' },
  { value: 'none', label: 'none (ours alone)' },
];

/** A positive number from an input, or the old value when the text is not one. */
const numberFrom = (text: string, old: number, integer: boolean) => {
  const x = Number(text);
  return Number.isFinite(x) && x >= (integer ? 1 : 0) ? (integer ? Math.round(x) : x) : old;
};

export function BenchFormPanel() {
  const running = () => bench.status === 'running';
  const set = <K extends keyof Form>(key: K, value: Form[K]) => setBench('form', key, value);
  return (
    <section class="panel bench-form" data-testid="bench-form">
      <div class="toolbar">
        <label class="field">
          filter (case and shape contain)
          <input type="text" list="bench-filters" data-testid="bench-filter" placeholder="every case" value={bench.form.filter} disabled={running()}
            onInput={(e) => set('filter', e.currentTarget.value)} />
          <datalist id="bench-filters">
            <option value="train step" /><option value="conv forward" /><option value="conv input grad" /><option value="conv weight grad" />
            <option value="dense" /><option value="mnist-ref" /><option value="cifar-ref" /><option value="adam" /><option value="aom" />
          </datalist>
        </label>
        <label class="field">
          repetitions
          <input type="number" min="1" data-testid="bench-repetitions" value={bench.form.repetitions} disabled={running()}
            onChange={(e) => set('repetitions', numberFrom(e.currentTarget.value, bench.form.repetitions, true))} />
        </label>
        <label class="field" title="short cases repeat (up to 25 pairs) until this many seconds have passed, for a steadier median">
          at least (s)
          <input type="number" min="0" step="0.5" data-testid="bench-min-seconds" value={bench.form.minSeconds} disabled={running()}
            onChange={(e) => set('minSeconds', numberFrom(e.currentTarget.value, bench.form.minSeconds, false))} />
        </label>
        <label class="field">
          peers
          <select data-testid="bench-peers" value={bench.form.peers} disabled={running()} onChange={(e) => set('peers', e.currentTarget.value as BenchPeerChoice)}>
            {PEER_CHOICES.map((c) => <option value={c.value}>{c.label}</option>)}
          </select>
        </label>
        <label class="field" title="MNIST test images of the maps-vs-inference case (10000: the whole test set)">
          aom images
          <input type="number" min="1" data-testid="bench-aom-images" value={bench.form.aomImages} disabled={running()}
            onChange={(e) => set('aomImages', numberFrom(e.currentTarget.value, bench.form.aomImages, true))} />
        </label>
      </div>
      <div class="toolbar">
        <button class="primary" data-testid="bench-run" disabled={running()} onClick={() => void runBench()}>Run the bench</button>
        <button data-testid="bench-stop" disabled={!running()} onClick={stopBench}>Stop</button>
        <button data-testid="bench-save" disabled={bench.rows.length === 0} onClick={downloadReport}>Save JSON</button>
      </div>
    </section>
  );
}
