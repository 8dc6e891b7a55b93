/**
 * The curves of several versions as one uPlot table. uPlot wants one shared, ascending x column: the versions'
 * steps are joined (uPlot.join), each version's values sitting at its own steps with nulls elsewhere, and the
 * series span those gaps. Per version: training loss and accuracy at each logged step, validation loss and
 * accuracy at each epoch's end.
 */
import uPlot from 'uplot';
import type { TrainingCurves } from '../session/engine-api.ts';

/** One colour per overlaid version (colour-blind-safe, Okabe-Ito). */
const COLOURS = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9'];

export interface CurveInput {
  label: string;
  curves: TrainingCurves;
}

const KINDS = [
  { name: 'loss', scale: 'loss', dash: undefined, validation: false },
  { name: 'accuracy', scale: 'acc', dash: undefined, validation: false },
  { name: 'val. loss', scale: 'loss', dash: [6, 4], validation: true },
  { name: 'val. accuracy', scale: 'acc', dash: [6, 4], validation: true },
] as const;

/** The series options, in the data's column order (after x). */
export function curveSeries(inputs: readonly CurveInput[]): uPlot.Series[] {
  return inputs.flatMap(({ label }, i) =>
    KINDS.map((k) => ({
      label: `${label} ${k.name}`,
      scale: k.scale,
      stroke: COLOURS[i % COLOURS.length],
      width: k.scale === 'acc' ? 1 : 1.75,
      dash: k.dash ? [...k.dash] : undefined,
      spanGaps: true,
      points: { show: k.validation, size: 6 },
    })),
  );
}

/** The joined table: x = every step any version logged, then four columns per version (KINDS' order). */
export function curveData(inputs: readonly CurveInput[]): uPlot.AlignedData {
  if (inputs.length === 0) return [[]];
  const tables = inputs.flatMap(({ curves: c }) => [
    [c.step, c.loss],
    [c.step, c.accuracy],
    [c.epochStep, c.validationLoss],
    [c.epochStep, c.validationAccuracy],
  ] as uPlot.AlignedData[]);
  return uPlot.join(tables);
}
