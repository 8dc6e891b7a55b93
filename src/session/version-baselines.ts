/**
 * The page's "Compare with baselines": for a version whose history drops kernels, the same comparison as
 * `aom-studio baselines --from-tune` (README, *Baselines*), with the history in place of tune.json.
 *
 * The plan (baselinePlan) reads the version's path from the root of its lineage (the last version on the path
 * that is neither an edit nor a retraining: the first version, an import, a new architecture, a reference):
 *   - start: the version the first drop on that path was applied to; every baseline starts from it;
 *   - the kernels dropped per conv layer of start, summed over every drop down to the version (in model order,
 *     the order pruning-run.ts walks), and the version right after the last drop (for "accuracy after the drop");
 *   - the budget: the training record of the last retrained version below start (the AOM-guided retraining);
 *     none when no version there was retrained.
 * Widen and insert edits on the way are noted (the baselines only drop), as the CLI notes them for a tune.
 *
 * The run (runVersionBaselines) walks L1 norm, APoZ and random (one run per seed) through pruning-run.ts from
 * start (at the plan's counts, then at each sweep fraction of every conv layer's kernels, as the CLI's --sweep),
 * each layer retrained with the budget on the same seeded training subset (training-subset.ts), and measures
 * every row, the unedited start and the AOM-guided version included, on the same images: the test images the
 * page evaluates versions on (evaluation-set.ts, the session's cap) and the subset's validation images.
 */
import { selectAnalysisSet } from '../analysis/analysis-set.ts';
import { dropPlan, sweepPlans, type LayerDrop } from '../analysis/drop-plan.ts';
import { convLayerNames } from '../analysis/map-source.ts';
import type { GpuDataset } from '../data/gpu-dataset.ts';
import type { SplitDataset } from '../data/splits.ts';
import type { GpuContext } from '../gpu/context.ts';
import { DEFAULT_TRAIN_CONFIG, checkTrainConfig, type TrainConfig } from '../nn/train-config.ts';
import type { TrainEvent } from '../nn/trainer.ts';
import type { ModelHistory, TrainingRecord, Version } from '../surgery/history.ts';
import { modelFields, runRow, startRow, type BaselineRow } from './baseline-rows.ts';
import { evaluationSet } from './evaluation-set.ts';
import { describeMethod, evaluateOnSplit, runPruning, type PruningEnvironment, type PruningMethod } from './pruning-run.ts';
import { subsetSplit } from './training-subset.ts';
import { sameArchitecture, shortEdit } from './version-label.ts';

/** The random baseline's seeds when none are given (the CLI's --seeds default). */
export const DEFAULT_BASELINE_SEEDS: readonly number[] = [1, 2, 3];
/** Training images per class of the APoZ analysis set when none is given (tune's and the CLI's --per-class default). */
export const DEFAULT_APOZ_PER_CLASS = 100;

export interface BaselinePlan {
  /** The version compared. */
  version: number;
  /** The version the first drop was applied to: where every baseline starts. */
  start: number;
  /** The version right after the last drop (its accuracy is the AOM-guided "after the drop"). */
  lastDrop: number;
  /** Kernels to drop per conv layer of start, in model order. */
  drops: LayerDrop[];
  /** The AOM-guided retraining's budget; `recorded` false when no version below start was retrained (then 1 epoch, all images). */
  budget: TrainingRecord;
  recorded: boolean;
  /** What the user should know about the comparison (edits the baselines do not make, budgets that differ). */
  notes: string[];
}

/** A retrained copy of its parent (not an import of the same architecture: those carry no training). */
function isRetrain(version: Version, parent: Version): boolean {
  return version.edit === null && (version.training !== null || version.curves !== null) && sameArchitecture(version, parent);
}

/** The plan of the comparison for `versionId` (see the file comment), or null when its history drops no kernel. */
export function baselinePlan(history: ModelHistory, versionId: number): BaselinePlan | null {
  const path = history.path(versionId).map((id) => history.get(id));
  // The lineage: from the last version on the path that is neither an edit nor a retraining of its parent.
  let root = 0;
  for (let i = 1; i < path.length; i++) if (path[i].edit === null && !isRetrain(path[i], path[i - 1])) root = i;
  const firstDrop = path.findIndex((v, i) => i > root && v.edit?.kind === 'drop');
  if (firstDrop < 0) return null;
  const start = path[firstDrop - 1];
  const convs = convLayerNames(start.model.spec);
  const counts = new Map<string, number>();
  const notes: string[] = [];
  let lastDrop = firstDrop;
  const budgets: Version[] = [];
  for (let i = firstDrop; i < path.length; i++) {
    const v = path[i];
    const edit = v.edit;
    if (edit?.kind === 'drop') {
      lastDrop = i;
      if (convs.includes(edit.layer)) counts.set(edit.layer, (counts.get(edit.layer) ?? 0) + edit.kernels.length);
      else notes.push(`v${v.id} drops from ${edit.layer}, which v${start.id} does not have: the baselines leave it out`);
    } else if (edit) {
      notes.push(`v${v.id} also applied '${shortEdit(edit)}', which the baselines do not: its parameters differ from theirs`);
    } else if (v.training) {
      budgets.push(v);
    }
  }
  // A layer widened on the way may have lost more kernels than start has: the baselines drop all but one.
  for (const [layer, count] of counts) {
    const filters = (start.model.spec.layers.find((l) => l.name === layer) as { filters: number }).filters;
    if (count >= filters) {
      counts.set(layer, filters - 1);
      notes.push(`${layer}: ${count} kernels were dropped after widening it, more than the ${filters} of v${start.id}; the baselines drop ${filters - 1}`);
    }
  }
  const last = budgets[budgets.length - 1];
  const differ = budgets.some((v) => JSON.stringify(v.training) !== JSON.stringify(last.training));
  if (differ) notes.push(`the AOM-guided versions were retrained with different budgets: the baselines use v${last.id}'s`);
  if (!last) notes.push(`no version below v${start.id} was retrained: the baselines are retrained 1 epoch on the whole training split unless you choose a budget, and the AOM-guided row is not retrained`);
  return {
    version: versionId, start: start.id, lastDrop: path[lastDrop].id, drops: dropPlan(start.model.spec, counts),
    budget: last ? structuredClone(last.training!) : { config: { ...DEFAULT_TRAIN_CONFIG, epochs: 1 }, subset: 0 },
    recorded: last !== undefined, notes,
  };
}

/** What the user may choose; everything left out follows the plan (the AOM-guided budget) and the defaults above. */
export interface BaselinesRequest {
  /** Default: the current version. */
  versionId?: number;
  seeds?: number[];
  /** A smaller retraining budget than the AOM-guided one, field by field. */
  epochs?: number;
  /** End each retraining after the first epoch that reaches this many steps (0: whole epochs). */
  maxSteps?: number;
  /** Training images of each retraining (0: the whole training split). */
  subset?: number;
  /** Training images per class of the APoZ analysis set. */
  perClass?: number;
  /** Also drop these fractions (each in (0, 1)) of every conv layer's kernels of start, by each method. */
  sweep?: number[];
}

/** Where a running comparison is: `done` of `total` retrainings, `fraction` of the whole, and what runs now. */
export interface BaselinesProgress {
  done: number;
  total: number;
  fraction: number;
  stage: string;
}

export interface BaselinesReport {
  plan: BaselinePlan;
  /** Conv layers of start, the columns of "kernels per layer". */
  layers: string[];
  /** unedited (start), aom-guided (the version), l1-norm, apoz, random per seed; then the same methods per sweep fraction. */
  rows: BaselineRow[];
  /** The sweep fractions run (absent in comparisons saved before the page had a sweep). */
  sweep?: number[];
  config: TrainConfig;
  subset: number;
  seeds: number[];
  analysisImages: number;
  validationImages: number;
  testImages: number;
  seconds: number;
}

/** What a run needs from the session: the GPU, the data, the start version's split and the evaluation cap. */
export interface BaselinesContext {
  ctx: GpuContext;
  data: GpuDataset;
  split: SplitDataset;
  history: ModelHistory;
  /** Test images to measure on (the session's evaluationLimit; 0: the whole test split). */
  evaluationLimit: number;
  signal?: AbortSignal;
  onProgress?: (progress: BaselinesProgress) => void;
}

/** Runs the comparison of `plan` (see the file comment); a CancelledError when the signal stops it. */
export async function runVersionBaselines(context: BaselinesContext, plan: BaselinePlan, request: BaselinesRequest = {}): Promise<BaselinesReport> {
  const started = performance.now();
  const { history, split } = context;
  const config: TrainConfig = {
    ...plan.budget.config,
    ...(request.epochs !== undefined ? { epochs: request.epochs } : {}),
    ...(request.maxSteps !== undefined ? { maxSteps: request.maxSteps } : {}),
  };
  checkTrainConfig(config);
  const subset = request.subset ?? plan.budget.subset;
  const seeds = request.seeds ?? [...DEFAULT_BASELINE_SEEDS];
  const trainSplit = subsetSplit(split, subset, config.seed);
  const test = evaluationSet(split, 'test', context.evaluationLimit).indices;
  const analysis = selectAnalysisSet(split.dataset, split.train, { perClass: request.perClass ?? DEFAULT_APOZ_PER_CLASS, seed: config.seed });
  const methods: PruningMethod[] = [{ kind: 'l1-norm' }, { kind: 'apoz' }, ...seeds.map((seed) => ({ kind: 'random' as const, seed }))];

  // Every sweep point is planned (and a bad fraction refused) before any GPU work.
  const start = history.get(plan.start).model;
  const { plans: sweepRuns, empty } = sweepPlans(start.spec, request.sweep ?? []);
  const sweepNotes = empty.map((fraction) => `the sweep at ${fraction} rounds to no kernel in any layer: left out`);
  const runs = [{ run: 'matched' as const, fraction: null, drops: plan.drops }, ...sweepRuns.map((r) => ({ run: 'sweep' as const, ...r }))];
  const total = methods.length * runs.reduce((n, r) => n + r.drops.length, 0);
  let done = 0;
  let stage = 'measuring the unedited and the AOM-guided versions';
  const report = (within: number) => context.onProgress?.({ done, total, fraction: Math.min(1, (done + within) / total), stage });
  const onTrainEvent = (event: TrainEvent) => {
    if (event.type === 'step') report(event.step / Math.max(1, event.totalSteps));
  };
  const env: PruningEnvironment = {
    ctx: context.ctx, data: context.data, split: { ...trainSplit, test }, analysisIndices: analysis.indices, config,
    batchSize: config.batchSize, signal: context.signal, onTrainEvent,
  };
  report(0);

  const layers = convLayerNames(start.spec);
  const rows: BaselineRow[] = [startRow(start, layers, await evaluateOnSplit(env, start))];
  const final = history.get(plan.version).model;
  const afterDrop = await evaluateOnSplit(env, history.get(plan.lastDrop).model);
  const afterRetrain = await evaluateOnSplit(env, final);
  rows.push({
    method: 'aom-guided', seed: null, run: 'matched', fraction: null, ...modelFields(start, final, layers),
    dropValidationAccuracy: afterDrop.validation, dropTestAccuracy: afterDrop.test,
    validationAccuracy: afterRetrain.validation, testAccuracy: afterRetrain.test, steps: [], notes: [...plan.notes, ...sweepNotes],
  });

  for (const { run, fraction, drops } of runs) {
    const where = run === 'sweep' ? ` (sweep ${fraction})` : '';
    for (const method of methods) {
      let layer = 0;
      stage = `${describeMethod(method)}${where}: ${drops[0].layer}`;
      report(0);
      const result = await runPruning(env, start, drops, method, () => {
        done++;
        layer++;
        if (layer < drops.length) stage = `${describeMethod(method)}${where}: ${drops[layer].layer}`;
        report(0);
      });
      rows.push(runRow(start, layers, result, run, fraction));
    }
  }
  return {
    plan, layers, rows, sweep: sweepRuns.map((r) => r.fraction), config, subset, seeds, analysisImages: analysis.indices.length,
    validationImages: trainSplit.validation.length, testImages: test.length, seconds: (performance.now() - started) / 1000,
  };
}
