/**
 * The result of "Compare with baselines": one row per method (the unedited start, the AOM-guided version, L1 norm,
 * APoZ, random per seed; then each method again per sweep fraction) with its kernels per layer, parameters, FLOPs
 * and test accuracy right after the last drop and after retraining, and the scatter plot of test accuracy against
 * parameters (src/render/baselines-plot.ts,
 * drawn as SVG by the same code as the CLI's baselines.svg).
 */
import { For } from 'solid-js';
import type { BaselineRow, BaselinesReport } from '../../session/engine-api.ts';
import { METHOD_STYLES, baselinesPlot } from '../../render/baselines-plot.ts';
import { plotSvg } from '../../render/plot-svg.ts';
import { scatterPlot } from '../../render/scatter-plot.ts';
import { fmtFlops, fmtInt } from '../format.ts';

const pct = (v: number | null) => (v === null ? '—' : `${(100 * v).toFixed(2)}%`);

export function BaselinesResult(props: { report: BaselinesReport }) {
  const r = () => props.report;
  const method = (row: BaselineRow) =>
    row.method === 'unedited' ? `unedited (v${r().plan.start})`
      : row.method === 'aom-guided' ? `AOM-guided (v${r().plan.version})`
        : row.seed !== null ? `${METHOD_STYLES[row.method].label}, seed ${row.seed}` : METHOD_STYLES[row.method].label;
  // A sweep row drops its fraction of every layer's kernels, not the AOM-guided counts.
  const name = (row: BaselineRow) => (row.run === 'sweep' ? `${method(row)} · sweep ${Math.round(100 * row.fraction!)}%` : method(row));
  const svg = () => {
    const title = `test accuracy against parameters, from v${r().plan.start}`;
    // Text at 1.3 (13 px) to sit with the page's own; the CLI's PNG and SVG keep the default 2.
    return plotSvg(scatterPlot({ ...baselinesPlot(r().rows, title, { 'aom-guided': `AOM-guided (v${r().plan.version})` }), width: 720, height: 400, textScale: 1.3 }), title);
  };
  const budget = () => `${r().config.epochs} epoch(s)${r().config.maxSteps ? ` (at most ${r().config.maxSteps} steps)` : ''} on ${r().subset > 0 ? `${fmtInt(r().subset)}` : 'all'} training images`;
  return (
    <div class="baselines-result" data-testid="baselines-result">
      <table data-testid="baselines-table">
        <thead>
          <tr><th>method</th><th>kernels per layer</th><th class="num">parameters</th><th class="num">FLOPs</th><th class="num">after drop</th><th class="num">after retraining</th></tr>
        </thead>
        <tbody>
          <For each={r().rows}>
            {(row) => (
              <tr data-testid="baselines-row" classList={{ current: row.method === 'aom-guided' }}>
                <td>{name(row)}</td>
                <td>{r().layers.map((l) => `${l} ${row.kernels[l]}`).join(' · ')}</td>
                <td class="num">{fmtInt(row.parameters)}</td>
                <td class="num">{fmtFlops(row.flops)}</td>
                <td class="num">{pct(row.dropTestAccuracy)}</td>
                <td class="num">{pct(row.testAccuracy)}</td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
      <p class="hint" data-testid="baselines-basis">
        Test accuracy on the same {fmtInt(r().testImages)} test images for every row; each baseline retrained {budget()} after each layer; APoZ over {fmtInt(r().analysisImages)} training images; {r().seconds.toFixed(0)} s.
      </p>
      <For each={r().rows.flatMap((row) => row.notes)}>{(note) => <p class="warning">{note}</p>}</For>
      <div data-testid="baselines-plot" style={{ 'max-width': '100%', overflow: 'auto' }} innerHTML={svg()} />
    </div>
  );
}
