/** Accuracy against parameters, one point per evaluated version (uPlot, points only; created once). */
import { createEffect, onCleanup, onMount } from 'solid-js';
import uPlot from 'uplot';
import { history } from '../stores/history-store.ts';

export function HistoryChart() {
  let host!: HTMLDivElement;
  let chart: uPlot | null = null;
  onMount(() => {
    chart = new uPlot(
      {
        width: host.clientWidth || 320,
        height: 170,
        scales: { x: { time: false } },
        axes: [{ label: 'parameters', size: 40 }, { label: 'test accuracy %', size: 48 }],
        series: [{ label: 'parameters' }, { label: 'accuracy %', stroke: '#1d4ed8', width: 0, points: { show: true, size: 8, fill: '#1d4ed8' } }],
        legend: { show: false },
      },
      [[], []],
      host,
    );
    const observer = new ResizeObserver(() => chart?.setSize({ width: host.clientWidth, height: 170 }));
    observer.observe(host);
    onCleanup(() => {
      observer.disconnect();
      chart?.destroy();
      chart = null;
    });
  });
  createEffect(() => {
    // uPlot needs x ascending: sort the evaluated versions by parameters.
    const points = history.info.versions.filter((v) => v.accuracy !== null).map((v) => [v.params, v.accuracy! * 100] as const).sort((a, b) => a[0] - b[0]);
    chart?.setData([points.map((p) => p[0]), points.map((p) => p[1])]);
  });
  return <div ref={host} class="chart" data-testid="history-chart" />;
}
