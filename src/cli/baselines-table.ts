/**
 * The results of `aom-studio baselines` as rows (one per pruned and retrained model, plus the unedited model and
 * the AOM-guided tune; src/session/baseline-rows.ts), and two of the forms they are written in: baselines.csv and
 * the text the command prints (the plot is src/render/baselines-plot.ts).
 */
import type { BaselineRow } from '../session/baseline-rows.ts';

// The rows are the session core's (shared with the page), the plot the render layer's; re-exported for the command.
export type { BaselineMethodName, BaselineRow, BaselineRowStep } from '../session/baseline-rows.ts';
export { METHOD_STYLES, baselinesPlot } from '../render/baselines-plot.ts';

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
