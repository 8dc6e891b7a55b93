/**
 * The baselines comparison (src/session/baseline-rows.ts) as a scatter plot of test accuracy against parameters:
 * one series per method, each with its marker shape and colour, for the CLI's baselines.png / .svg and the page's
 * "Compare with baselines" alike (scatter-plot.ts lays it out; plot-svg.ts and plot-png.ts draw it).
 */
import type { BaselineMethodName, BaselineRow } from '../session/baseline-rows.ts';
import type { MarkerShape, PlotSeries, ScatterPlotSpec } from './scatter-plot.ts';

/** The methods in the order the table, the legend and the plot list them, with their plot style. */
export const METHOD_STYLES: Readonly<Record<BaselineMethodName, { label: string; marker: MarkerShape; colour: string }>> = {
  unedited: { label: 'unedited', marker: 'star', colour: '#222222' },
  'aom-guided': { label: 'AOM-guided (tune)', marker: 'diamond', colour: '#d62728' },
  'l1-norm': { label: 'L1 norm (Li 2017)', marker: 'circle', colour: '#1f77b4' },
  apoz: { label: 'APoZ (Hu 2016)', marker: 'square', colour: '#2ca02c' },
  random: { label: 'random', marker: 'triangle', colour: '#ff7f0e' },
};

/**
 * The plot of test accuracy (%) against parameters: one series per method present, in METHOD_STYLES order.
 * `labels` renames methods in the legend (the page's AOM-guided row is a version of the history, not a tune).
 */
export function baselinesPlot(rows: readonly BaselineRow[], title: string, labels: Partial<Record<BaselineMethodName, string>> = {}): ScatterPlotSpec {
  const series: PlotSeries[] = [];
  for (const [method, style] of Object.entries(METHOD_STYLES) as [BaselineMethodName, (typeof METHOD_STYLES)[BaselineMethodName]][]) {
    const mine = rows.filter((r) => r.method === method && r.testAccuracy !== null);
    if (mine.length === 0) continue;
    series.push({ name: labels[method] ?? style.label, marker: style.marker, colour: style.colour, points: mine.map((r) => ({ x: r.parameters, y: 100 * r.testAccuracy! })) });
  }
  return { title, xLabel: 'parameters', yLabel: 'test accuracy (%)', series };
}
