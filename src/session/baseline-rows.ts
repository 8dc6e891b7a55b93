/**
 * The rows of a baselines comparison (one per pruned and retrained model, plus the unedited model and the
 * AOM-guided run), the same for `aom-studio baselines` (src/cli/commands/baselines.ts, which also writes them as
 * CSV) and the page's "Compare with baselines" (version-baselines.ts). The fields every row computes alike from
 * the starting and the final model are computed here once.
 */
import type { Model } from '../nn/layers.ts';
import { summarizeModel } from '../nn/shapes.ts';
import type { PruningRun, SplitAccuracy } from './pruning-run.ts';

export type BaselineMethodName = 'unedited' | 'aom-guided' | 'l1-norm' | 'apoz' | 'random';

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

/** Kernels per conv layer of `model` (0 for a layer of `layers` it no longer has). */
export function kernelsPerLayer(model: Model, layers: readonly string[]): Record<string, number> {
  return Object.fromEntries(layers.map((l) => {
    const layer = model.spec.layers.find((x) => x.name === l);
    return [l, layer?.kind === 'conv2d' ? layer.filters : 0];
  }));
}

/** The fields every row computes the same way from the starting and the final model. */
export function modelFields(start: Model, final: Model, layers: readonly string[]): Pick<BaselineRow, 'dropped' | 'kernels' | 'convKernels' | 'parameters' | 'flops'> {
  const before = kernelsPerLayer(start, layers);
  const kernels = kernelsPerLayer(final, layers);
  const summary = summarizeModel(final.spec);
  return {
    dropped: Object.fromEntries(layers.map((l) => [l, Math.max(0, before[l] - kernels[l])])),
    kernels,
    convKernels: final.spec.layers.reduce((n, l) => n + (l.kind === 'conv2d' ? l.filters : 0), 0),
    parameters: summary.totalParams,
    flops: summary.totalFlops,
  };
}

/** The row of the unedited model `start`, with its accuracy. */
export function startRow(start: Model, layers: readonly string[], accuracy: SplitAccuracy): BaselineRow {
  return {
    method: 'unedited', seed: null, run: 'start', fraction: null, ...modelFields(start, start, layers),
    dropValidationAccuracy: null, dropTestAccuracy: null, validationAccuracy: accuracy.validation, testAccuracy: accuracy.test, steps: [], notes: [],
  };
}

/** The row of one pruning run (pruning-run.ts) from `start`; a retraining that did not complete is noted. */
export function runRow(start: Model, layers: readonly string[], result: PruningRun, run: 'matched' | 'sweep', fraction: number | null): BaselineRow {
  const last = result.steps[result.steps.length - 1];
  const notes = result.steps.filter((s) => s.training.ended !== 'completed').map((s) => `${s.layer}: ${s.training.message}`);
  return {
    method: result.method.kind, seed: result.method.kind === 'random' ? result.method.seed : null, run, fraction,
    ...modelFields(start, result.model, layers),
    dropValidationAccuracy: last.afterDrop.validation, dropTestAccuracy: last.afterDrop.test,
    validationAccuracy: last.afterRetrain.validation, testAccuracy: last.afterRetrain.test,
    steps: result.steps, notes,
  };
}
