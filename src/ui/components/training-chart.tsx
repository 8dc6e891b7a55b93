/**
 * Live loss and accuracy curves with uPlot, the way its wrapper authors use it: the chart is created once,
 * fed the columnar arrays with setData at most once per animation frame, and destroyed (with its resize
 * observer) on cleanup.
 */
import { createEffect, onCleanup, onMount } from 'solid-js';
import uPlot from 'uplot';
import { curves, training } from '../stores/training-store.ts';

export function TrainingChart() {
  let host!: HTMLDivElement;
  let chart: uPlot | null = null;
  let frame = 0;
  onMount(() => {
    chart = new uPlot(
      {
        width: host.clientWidth || 320,
        height: 150,
        legend: { show: true },
        scales: { x: { time: false }, acc: { range: [0, 1] } },
        axes: [{ label: 'step' }, { label: 'loss', size: 44 }, { label: 'accuracy', side: 1, scale: 'acc', grid: { show: false }, size: 44 }],
        series: [{ label: 'step' }, { label: 'loss', stroke: '#c2410c', width: 1.5 }, { label: 'accuracy', stroke: '#1d4ed8', width: 1.5, scale: 'acc' }],
      },
      [[], [], []],
      host,
    );
    const observer = new ResizeObserver(() => chart?.setSize({ width: host.clientWidth, height: 150 }));
    observer.observe(host);
    onCleanup(() => {
      observer.disconnect();
      cancelAnimationFrame(frame);
      chart?.destroy();
      chart = null;
    });
  });
  createEffect(() => {
    void training.curveVersion; // redraw when the curves change, at most once per frame
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(() => chart?.setData([curves.step, curves.loss, curves.accuracy]));
  });
  return <div ref={host} class="chart" data-testid="training-chart" />;
}
