/**
 * The results of `aom-studio baselines` as rows (one per pruned and retrained model, plus the unedited model and
 * the AOM-guided tune), and the three forms they are written in: baselines.csv, the text the command prints, and
 * the plot of test accuracy against parameters (one marker shape and colour per method, scatter-plot.ts).
 */
import type { SplitAccuracy } from '../session/pruning-run.ts';
import type { MarkerShape, PlotSeries, ScatterPlotSpec } from '../render/scatter-plot.ts';

export type BaselineMethodName = 'unedited' | 'aom-guided' | 'l1-norm' | 'apoz' | 'random';

/** The methods in the order the table, the legend and the plot list them, with their plot style. */
export const METHOD_STYLES: Readonly<Record<BaselineMethodName, { label: string; marker: MarkerShape; colour: string }>> = {
  unedited: { label: 'unedited', marker: 'star', colour: '#222222' },
  'aom-guided': { label: 'AOM-guided (tune)', marker: 'diamond', colour: '#d62728' },
  'l1-norm': { label: 'L1 norm (Li 2017)', marker: 'circle', colour: '#1f77b4' },
  apoz: { label: 'APoZ (Hu 2016)', marker: 'square', colour: '#2ca02c' },
  random: { label: 'random', marker: 'triangle', colour: '#ff7f0e' },
};

/** One layer of one row: what was dropped there and the accuracy before and after the retraining that followed. */
export interface BaselineRowStep {
  layer: string;
  /** Indices of the layer before the drop. */
  kernels: number[];
  /** The criterion's score of every kernel (L1 norm, APoZ); null for random and the AOM-guided run. */
  scores: number[] | null;
  parameters: number;
  flops: number;
  /** null when unknown (the AOM-guided version it was applied to is not beside tune.json). */
  afterDrop: SplitAccuracy | null;
  afterRetrain: SplitAccuracy;
  training?: { ended: string; steps: number; seconds: number; message: string };
}

export interface BaselineRow {
  method: BaselineMethodName;
  /** The random baseline's seed; null for the others. */
  seed: number | null;
  /** 'start': the unedited model; 'matched': the AOM-guided run's kernel counts (or --kernels); 'sweep': a fraction of every layer. */
  run: 'start' | 'matched' | 'sweep';
  fraction: number | null;
  /** Kernels dropped and kept per conv layer of the starting model. */
  dropped: Record<string, number>;
  kernels: Record<string, number>;
  convKernels: number;
  parameters: number;
  flops: number;
  /** After the last layer's drop, before its retraining (null for the unedited model, or when unknown). */
  dropValidationAccuracy: number | null;
  dropTestAccuracy: number | null;
  /** After the last retraining. */
  validationAccuracy: number | null;
  testAccuracy: number | null;
  steps: BaselineRowStep[];
  notes: string[];
}

function csvField(value: string | number | null): string {
  const text = value === null ? '' : String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** baselines.csv: a header and one line per row; one `<layer>_dropped` column per conv layer of the starting model. */
export function baselinesCsv(rows: readonly BaselineRow[], layers: readonly string[]): string {
  const header = [
    'method', 'seed', 'run', 'fraction', ...layers.map((l) => `${l}_dropped`), 'conv_kernels', 'parameters', 'flops',
    'drop_validation_accuracy', 'drop_test_accuracy', 'validation_accuracy', 'test_accuracy',
  ];
  const lines = rows.map((r) =>
    [
      r.method, r.seed, r.run, r.fraction, ...layers.map((l) => r.dropped[l] ?? 0), r.convKernels, r.parameters, r.flops,
      r.dropValidationAccuracy, r.dropTestAccuracy, r.validationAccuracy, r.testAccuracy,
    ].map(csvField).join(','),
  );
  return `${[header.join(','), ...lines].join('\n')}\n`;
}

const percent = (v: number | null): string => (v === null ? '-' : `${(100 * v).toFixed(2)}%`);

/** The method and its run in a few words: 'random (seed 2), sweep 0.5'. */
export function rowName(r: BaselineRow): string {
  const method = r.seed === null ? r.method : `${r.method} (seed ${r.seed})`;
  return r.run === 'sweep' ? `${method}, sweep ${r.fraction}` : r.run === 'matched' ? `${method}, matched` : method;
}

/** Two lines of text for `r`, with parameters and FLOPs relative to the unedited model `start`. */
export function formatBaselineRow(r: BaselineRow, start: BaselineRow): string {
  const change = (a: number, b: number) => (a === b ? '' : ` (${b > a ? '+' : ''}${(((b - a) / a) * 100).toFixed(1)}%)`);
  const dropped = Object.entries(r.dropped).filter(([, n]) => n > 0).map(([l, n]) => `${l} -${n}`).join(', ');
  const after = r.run === 'start' ? '' : ` after the drop ${percent(r.dropValidationAccuracy)} / ${percent(r.dropTestAccuracy)}, retrained`;
  return (
    `${rowName(r)}${dropped ? `: ${dropped}` : ''}\n` +
    `    kernels ${r.convKernels}, params ${r.parameters.toLocaleString('en-US')}${change(start.parameters, r.parameters)}, FLOPs ${r.flops.toLocaleString('en-US')}${change(start.flops, r.flops)}` +
    `, validation / test${after} ${percent(r.validationAccuracy)} / ${percent(r.testAccuracy)}` +
    `${r.notes.map((n) => `\n    note: ${n}`).join('')}\n`
  );
}

/** The plot of test accuracy (%) against parameters: one series per method present, in METHOD_STYLES order. */
export function baselinesPlot(rows: readonly BaselineRow[], title: string): ScatterPlotSpec {
  const series: PlotSeries[] = [];
  for (const [method, style] of Object.entries(METHOD_STYLES) as [BaselineMethodName, (typeof METHOD_STYLES)[BaselineMethodName]][]) {
    const mine = rows.filter((r) => r.method === method && r.testAccuracy !== null);
    if (mine.length === 0) continue;
    series.push({ name: style.label, marker: style.marker, colour: style.colour, points: mine.map((r) => ({ x: r.parameters, y: 100 * r.testAccuracy! })) });
  }
  return { title, xLabel: 'parameters', yLabel: 'test accuracy (%)', series };
}
