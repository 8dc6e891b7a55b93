/**
 * The training curves of the versions being compared (or of the current version), overlaid: one colour per
 * version, solid training loss and accuracy per logged step, dashed validation per epoch. The uPlot chart is
 * created once; a new choice of versions swaps its series, and data reach it at most once per animation frame.
 */
import { createEffect, createMemo, onCleanup, onMount } from 'solid-js';
import uPlot from 'uplot';
import { history } from '../stores/history-store.ts';
import { curveData, curveSeries, type CurveInput } from '../curve-series.ts';

const HEIGHT = 190;

export function VersionCurvesChart() {
  let host!: HTMLDivElement;
  let chart: uPlot | null = null;
  let frame = 0;
  /** The compared versions (a, b) or the current one, those that kept curves. */
  const inputs = createMemo<CurveInput[]>(() => {
    const c = history.comparison;
    const ids = c ? [c.a, c.b] : [history.info.current];
    return ids.flatMap((id) => {
      const v = history.info.versions.find((row) => row.id === id);
      return v?.curves ? [{ label: v.label, curves: v.curves }] : [];
    });
  });
  onMount(() => {
    chart = new uPlot(
      {
        width: host.clientWidth || 320,
        height: HEIGHT,
        legend: { show: true, live: false },
        scales: { x: { time: false }, acc: { range: [0, 1] } },
        axes: [{ label: 'step' }, { label: 'loss', scale: 'loss', size: 44 }, { label: 'accuracy', side: 1, scale: 'acc', grid: { show: false }, size: 44 }],
        series: [{ label: 'step' }],
      },
      [[]],
      host,
    );
    const observer = new ResizeObserver(() => chart?.setSize({ width: host.clientWidth, height: HEIGHT }));
    observer.observe(host);
    onCleanup(() => {
      observer.disconnect();
      cancelAnimationFrame(frame);
      chart?.destroy();
      chart = null;
    });
  });
  createEffect(() => {
    const list = inputs();
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(() => {
      if (!chart) return;
      for (let i = chart.series.length - 1; i >= 1; i--) chart.delSeries(i);
      for (const s of curveSeries(list)) chart.addSeries(s);
      chart.setData(curveData(list));
      host.dataset.versions = list.map((input) => input.label).join(' | ');
    });
  });
  return (
    <figure class="version-curves">
      {/* Kept mounted (the chart is made once) but folded away while there is nothing to draw. */}
      <div ref={host} class="chart" classList={{ empty: inputs().length === 0 }} data-testid="version-curves" />
      <figcaption class="hint" data-testid="version-curves-caption">
        {inputs().length ? `Training curves of ${inputs().map((i) => i.label).join(' and ')}` : 'No training curves: the versions shown were not trained here (retrain one to see its curves).'}
      </figcaption>
    </figure>
  );
}
