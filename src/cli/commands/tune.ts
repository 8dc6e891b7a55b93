/**
 * `aom-studio tune --model <model.json> --dataset <spec> [--auto] [--retrain-epochs N] [--per-class N]
 *   [--batch B] [--lr X] [--seed S] [--validation F] --out <dir> [--json]`
 *
 * The method end to end (METHOD.md). The starting model is evaluated (validation and test accuracy) and saved as
 * version 0. Without --auto, every conv layer is analysed once and the suggestions are printed and written to
 * tune.json for the designer. With --auto, layer by layer from the first conv layer to the last (the layers of
 * the starting model, so an inserted layer is not itself revisited; with --layer NAME, repeatable, only those):
 *   1. analyse that layer of the current model (maps counted over a class-balanced subset of the training split,
 *      ablation on), keep the suggestions for it;
 *   2. apply them: its drop suggestions merged into one drop (their kernel indices all refer to the analysed
 *      layer), then widen, then deepen; an edit that cannot be made is reported and skipped; with --apply, only
 *      the kinds named (--apply drop: compression alone), the others listed in the row's notes;
 *   3. retrain for --retrain-epochs epochs (--augment: crop and flip, as the reference was trained), evaluate validation and test accuracy, save the version;
 *   4. with --max-loss X: when that validation accuracy is more than X below the starting model's, go back to
 *      the version before the edits (the rejected one stays in the history) and go on with the next layer.
 * With --passes N the walk over the layers is repeated, up to N times, until a pass keeps no edit: the drop rules
 * judge one kernel at a time, and once the dropped ones are gone and the rest retrained, others may fall under
 * them. --min-impact, --delta and --eps set the drop rules' thresholds (src/analysis/suggestions.ts).
 * One row per step (version, layer, edit, parameters, FLOPs, validation and test accuracy) is printed and written
 * to tune.json (with the suggestions and their numbers) and tune.csv; each row's model is saved in <out>/v<id>/.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { analyzeModel } from '../../analysis/analyze-model.ts';
import { selectAnalysisSet } from '../../analysis/analysis-set.ts';
import { convLayerNames } from '../../analysis/map-source.ts';
import type { Suggestion } from '../../analysis/suggestions.ts';
import { GpuDataset } from '../../data/gpu-dataset.ts';
import type { SplitDataset } from '../../data/splits.ts';
import type { GpuContext } from '../../gpu/context.ts';
import { acquireGpu } from '../../gpu/device.ts';
import { saveModelDir } from '../../io/model-files-node.ts';
import { InferenceRunner } from '../../nn/inference-runner.ts';
import { DEFAULT_TRAIN_CONFIG, checkTrainConfig, type TrainConfig } from '../../nn/train-config.ts';
import { train } from '../../nn/trainer.ts';
import { describeEdit, type Edit } from '../../surgery/edits.ts';
import { ModelHistory } from '../../surgery/history.ts';
import { SurgeryError } from '../../surgery/surgery-error.ts';
import type { CommandIo } from '../command-io.ts';
import { UsageError } from '../usage-error.ts';
import { defineCommand, type CommandLine, type CommandSpec } from '../options.ts';
import { DATASET_OPTION, SPLIT_SEED_OPTION, GPU_BUDGET_OPTION, gpuBudget, SUGGESTION_THRESHOLD_OPTIONS, suggestionThresholds } from '../shared-options.ts';
import { loadModelAndSplit } from '../session.ts';
import { withSplitRecord } from '../../session/split-policy.ts';
import { layerMapsOf } from '../../session/analyse-layer.ts';
import type { LayerMaps } from '../../session/engine-api.ts';
import { emptyCurves, recordTrainEvent } from '../../nn/training-curves.ts';
import { openProjectFile, PROJECT_OPTION, projectModel, requireOneSource, saveProjectFile, VERSION_OPTION, type OpenProject } from '../project-option.ts';

/** One step of the tuning: the version it produced (or kept) and its numbers. */
export interface TuneRow {
  version: number;
  /** The pass over the layers (1, 2, ... up to --passes); null for the starting model. */
  pass: number | null;
  /** The analysed layer; null for the starting model. */
  layer: string | null;
  /** The edits applied and kept, in words ('' when none). */
  edit: string;
  /**
   * Edits that were applied and retrained but then undone because the validation accuracy fell more than
   * --max-loss below the start's, in words ('' when none); `version` is then the version kept (the one before).
   */
  rejected: string;
  parameters: number;
  flops: number;
  validationAccuracy: number | null;
  testAccuracy: number | null;
  /** Skipped edits, training messages. */
  notes: string[];
}

/** An edit to apply and the suggestions that motivated it. */
interface PlannedEdit {
  edit: Edit;
  suggestions: Suggestion[];
}

/** The conv layers --auto walks: all of them, or those --layer names, in model order; UsageError for a name that is not one. */
export function walkedLayers(convLayers: readonly string[], named: readonly string[], model: string): string[] {
  const unknown = named.find((n) => !convLayers.includes(n));
  if (unknown !== undefined) throw new UsageError(`--layer '${unknown}': ${model} has no conv layer of that name; its conv layers are ${convLayers.join(', ')}`);
  return named.length ? convLayers.filter((l) => named.includes(l)) : [...convLayers];
}

/** The kinds of suggestion --auto can apply (--apply). */
export const SUGGESTION_KINDS = ['drop', 'widen', 'deepen'] as const;
export type SuggestionKind = (typeof SUGGESTION_KINDS)[number];

/** --apply's comma-separated kinds; UsageError naming the item that is not one. */
export function parseSuggestionKinds(text: string): SuggestionKind[] {
  const items = text.split(',').map((s) => s.trim());
  const bad = items.find((s) => !(SUGGESTION_KINDS as readonly string[]).includes(s));
  if (bad !== undefined) throw new UsageError(`--apply '${text}': '${bad}' is not one of ${SUGGESTION_KINDS.join(', ')}`);
  return SUGGESTION_KINDS.filter((k) => items.includes(k));
}

/**
 * The edits for one analysed layer: every drop suggestion merged into one drop edit (their kernel indices all
 * refer to the layer as analysed; applying them one after another would shift the indices), then the others;
 * only the suggestions of the `kinds` given (--apply).
 */
export function planLayerEdits(all: readonly Suggestion[], kinds: readonly SuggestionKind[] = SUGGESTION_KINDS): PlannedEdit[] {
  const suggestions = all.filter((s) => kinds.includes(s.kind));
  const drops = suggestions.filter((s) => s.kind === 'drop');
  const planned: PlannedEdit[] = [];
  const layers = [...new Set(drops.map((s) => s.layer))];
  for (const layer of layers) {
    const mine = drops.filter((s) => s.layer === layer);
    const kernels = [...new Set(mine.flatMap((s) => s.kernels))].sort((a, b) => a - b);
    planned.push({ edit: { kind: 'drop', layer, kernels }, suggestions: mine });
  }
  for (const s of suggestions) {
    if (s.kind === 'widen') planned.push({ edit: { kind: 'widen', layer: s.layer, by: s.by, mode: 'net2net' }, suggestions: [s] });
    if (s.kind === 'deepen') planned.push({ edit: { kind: 'insert', after: s.after }, suggestions: [s] });
  }
  return planned;
}

// pass and rejected came after the first columns, at the end, so that a reader of the older files still works.
const CSV_HEADER = 'version,layer,edit,parameters,flops,validation_accuracy,test_accuracy,pass,rejected';

function csvField(value: string | number | null): string {
  const text = value === null ? '' : String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** tune.csv: a header and one line per row. */
export function tuneCsv(rows: readonly TuneRow[]): string {
  const lines = rows.map((r) => [r.version, r.layer ?? '', r.edit, r.parameters, r.flops, r.validationAccuracy, r.testAccuracy, r.pass, r.rejected].map(csvField).join(','));
  return `${[CSV_HEADER, ...lines].join('\n')}\n`;
}

const percent = (v: number | null): string => (v === null ? '-' : `${(100 * v).toFixed(2)}%`);

function formatRow(r: TuneRow, start: TuneRow): string {
  const change = (a: number, b: number) => (a === b ? '' : ` (${b > a ? '+' : ''}${(((b - a) / a) * 100).toFixed(1)}%)`);
  const pass = r.pass !== null && r.pass > 1 ? `pass ${r.pass}, ` : '';
  const what = r.layer === null ? 'start' : `${pass}${r.layer}: ${r.edit || (r.rejected ? `rejected ${r.rejected}` : 'no change')}`;
  const numbers = `params ${r.parameters.toLocaleString('en-US')}${change(start.parameters, r.parameters)}, FLOPs ${r.flops.toLocaleString('en-US')}${change(start.flops, r.flops)}, validation ${percent(r.validationAccuracy)}, test ${percent(r.testAccuracy)}`;
  return `v${r.version}  ${what}\n    ${numbers}${r.notes.map((n) => `\n    note: ${n}`).join('')}\n`;
}

/** Validation and test accuracy of `history`'s version `id`, recorded in its metrics. */
async function evaluateVersion(ctx: GpuContext, history: ModelHistory, id: number, data: GpuDataset, split: SplitDataset, batch: number): Promise<void> {
  const evaluator = await InferenceRunner.create(ctx, history.get(id).model, data, batch);
  try {
    const validation = split.validation.length > 0 ? await evaluator.evaluate(split.validation) : null;
    const test = split.test.length > 0 ? await evaluator.evaluate(split.test) : null;
    history.setMetrics(id, {
      ...(validation && { validationAccuracy: validation.accuracy, validationLoss: validation.loss }),
      ...(test && { accuracy: test.accuracy, loss: test.loss }),
    });
  } finally {
    evaluator.destroy();
  }
}

function rowOf(history: ModelHistory, id: number, pass: number | null, layer: string | null, edit: string, notes: string[], rejected = ''): TuneRow {
  const m = history.get(id).metrics;
  return { version: id, pass, layer, edit, rejected, parameters: m.params, flops: m.flops, validationAccuracy: m.validationAccuracy ?? null, testAccuracy: m.accuracy ?? null, notes };
}

/**
 * The reason to undo a layer's retrained edits under --max-loss (null: keep them): the validation accuracy after
 * the retraining is more than `maxLoss` (a fraction) below the starting model's. Validation, never test: the
 * test images stay out of every choice the tuning makes.
 */
export function maxLossExceeded(startValidation: number | null, validation: number | null, maxLoss: number | undefined): string | null {
  if (maxLoss === undefined || startValidation === null || validation === null) return null;
  const lost = startValidation - validation;
  // The small tolerance keeps a loss of exactly --max-loss (one image at a time) from failing by rounding.
  if (lost <= maxLoss + 1e-9) return null;
  return `validation ${(100 * validation).toFixed(2)}% is ${(100 * lost).toFixed(2)} points below the start's ${(100 * startValidation).toFixed(2)}%, more than --max-loss ${100 * maxLoss} points`;
}

const TUNE = {
  name: 'tune',
  summary: 'the method end to end: analyse, suggest and (with --auto) edit and retrain layer by layer, saving every version',
  options: {
    model: { type: 'string', value: 'PATH', description: 'the model.json or .onnx file to start from' },
    project: { ...PROJECT_OPTION, description: 'a .aomproj project: start from its current version (or --version) and add the versions and analyses to it' },
    version: VERSION_OPTION,
    dataset: DATASET_OPTION,
    out: { type: 'string', value: 'DIR', required: true, description: 'folder for tune.json, tune.csv and one v<id>/ folder per version' },
    auto: { type: 'boolean', description: 'apply the suggestions layer by layer, retraining after each (without it: list them, edit nothing)' },
    'retrain-epochs': { type: 'string', number: 'integer', min: 1, default: 1, value: 'N', description: 'epochs of retraining after each edited layer' },
    'per-class': { type: 'string', number: 'integer', min: 1, default: 100, value: 'N', description: 'training images per class in the analysis set (seeded)' },
    batch: { type: 'string', number: 'integer', min: 1, default: DEFAULT_TRAIN_CONFIG.batchSize, value: 'B', description: 'images per step, for analysis, retraining and evaluation' },
    lr: { type: 'string', number: 'real', above: 0, default: DEFAULT_TRAIN_CONFIG.lr, value: 'X', description: 'learning rate of the retraining' },
    schedule: { type: 'string', choices: ['constant', 'step', 'cosine'], default: DEFAULT_TRAIN_CONFIG.schedule, value: 'NAME', description: 'learning-rate schedule of each retraining (cosine: from --lr down to 0 over the retraining)' },
    'max-steps': { type: 'string', number: 'integer', min: 0, default: 0, value: 'N', description: 'at most this many steps per epoch of each retraining (0: whole epochs)' },
    passes: {
      type: 'string', number: 'integer', min: 1, default: 1, value: 'N',
      description: 'walk the layers up to N times (with --auto): the rules judge one kernel at a time, so a pass after retraining may find more to drop; stops after a pass that keeps no edit',
    },
    'max-loss': {
      type: 'string', number: 'real', min: 0, max: 1, defaultText: 'none', value: 'X',
      description: "with --auto: undo a layer's edits when, retrained, its validation accuracy is more than X (a fraction: 0.001 = 0.1 points) below the starting model's, and go on from the version before",
    },
    apply: {
      type: 'string', default: SUGGESTION_KINDS.join(','), value: 'KINDS',
      description: "with --auto: the kinds of suggestion to apply, comma-separated (drop,widen,deepen); 'drop' alone compresses only, the others are listed in the notes",
    },
    augment: { type: 'boolean', description: 'retrain with random crop (zero padding) and horizontal flip, as a CIFAR-style reference is trained' },
    layer: {
      type: 'string', multiple: true, value: 'NAME', defaultText: 'every conv layer',
      description: 'with --auto: walk only this conv layer (repeat for several; they are walked in model order), e.g. to go on with one layer from an earlier tune\'s version',
    },
    ...SUGGESTION_THRESHOLD_OPTIONS,
    seed: { type: 'string', number: 'integer', min: 0, max: 0xffffffff, default: DEFAULT_TRAIN_CONFIG.seed, value: 'S', description: 'seed of the analysis set, the retraining and its augmentation' },
    'split-seed': SPLIT_SEED_OPTION,
    validation: { type: 'string', number: 'real', min: 0, below: 1, defaultText: '0.1', value: 'F', description: 'fraction of the training images held out for validation' },
    'gpu-budget': GPU_BUDGET_OPTION,
    json: { type: 'boolean', description: 'print the tune.json report instead of text' },
  },
  notes: [
    'Each row (version, layer, edit, parameters, FLOPs, validation and test accuracy) is printed and written to tune.json and tune.csv.',
    "The whole session (every version, its training curves, each layer's maps) is also written as <out>/tune.aomproj, or into --project; 'aom-studio report --project' makes an HTML report of it.",
  ],
  examples: [
    'aom-studio tune --model src/models/mnist-ref/model.json --dataset mnist --out runs/suggestions',
    'aom-studio tune --model src/models/mnist-ref/model.json --dataset mnist --auto --retrain-epochs 1 --per-class 100 --out runs/tuned',
    'aom-studio tune --model src/models/mnist-ref/model.json --dataset mnist --auto --passes 3 --min-impact 0.002 --max-loss 0.001 --out runs/tuned-harder',
  ],
} as const satisfies CommandSpec;

export const tuneCommand = defineCommand(TUNE, runTune);

async function runTune({ values }: CommandLine<typeof TUNE.options>, io: CommandIo): Promise<number> {
  requireOneSource(values.model, values.project, values.version);
  const opened = values.project ? await openProjectFile(values.project, values.version) : null;
  const modelArg = opened ? `${values.project} version ${opened.versionId}` : values.model!;
  const datasetArg = values.dataset;
  const out = values.out;
  const auto = values.auto;
  const json = values.json;
  const perClass = values['per-class'];
  const seed = values.seed;
  const passes = values.passes;
  const maxLoss = values['max-loss'];
  const thresholds = suggestionThresholds(values);
  const applyKinds = parseSuggestionKinds(values.apply);
  const onlyLayers = values.layer ?? [];
  if (!auto && (passes !== 1 || maxLoss !== undefined || applyKinds.length !== SUGGESTION_KINDS.length || onlyLayers.length > 0)) {
    throw new UsageError('--passes, --max-loss, --apply and --layer steer the edits of --auto: give --auto too');
  }
  const config: TrainConfig = {
    ...DEFAULT_TRAIN_CONFIG,
    epochs: values['retrain-epochs'],
    batchSize: values.batch,
    lr: values.lr,
    schedule: values.schedule,
    maxSteps: values['max-steps'],
    augment: values.augment,
    seed,
  };
  checkTrainConfig(config);

  const { model, split } = await loadModelAndSplit(
    { model: opened ? projectModel(opened) : modelArg, dataset: datasetArg, seed: seed, choice: { seed: values['split-seed'], validationFraction: values.validation } },
    io,
  );
  // Checked before any GPU work or file is written: a misspelt --layer costs nothing.
  const layers = walkedLayers(convLayerNames(model.spec), onlyLayers, model.spec.name);
  const analysisSet = selectAnalysisSet(split.dataset, split.train, { perClass, seed });
  const say = (text: string) => {
    if (!json) io.stdout(text);
  };

  const ctx = await acquireGpu();
  const data = GpuDataset.upload(ctx, split.dataset, gpuBudget(values['gpu-budget']));
  try {
    await mkdir(out, { recursive: true });
    const history = opened ? opened.history : ModelHistory.start(model, { note: modelArg });
    const start = history.current;
    const save = (id: number) => saveModelDir(history.get(id).model, join(out, `v${id}`));
    // Each layer's maps, kept with the session (tune.aomproj or --project) for the report.
    const maps: LayerMaps[] = [];
    const keepMaps = (versionId: number, analysis: Awaited<ReturnType<typeof analyzeModel>>, seconds: number) => {
      for (const l of analysis.layers) maps.push({ ...layerMapsOf(analysis, l.layer, analysisSet.notes, seconds), versionId, restored: false });
    };
    await evaluateVersion(ctx, history, start, data, split, config.batchSize);
    await save(start);
    const rows: TuneRow[] = [rowOf(history, start, null, null, '', [])];
    const steps: { pass: number; layer: string; suggestions: Suggestion[]; edits: Edit[]; rejected: Edit[]; skipped: string[] }[] = [];
    const guard = maxLoss === undefined ? '' : `; a layer's edits are undone when they cost more than ${100 * maxLoss} points of validation accuracy`;
    say(`tuning ${model.spec.name} on ${split.dataset.name}: analysis set ${analysisSet.indices.length} training images, retraining ${config.epochs} epoch(s)${config.maxSteps ? ` (at most ${config.maxSteps} steps)` : ''} after each layer, lr ${config.lr} ${config.schedule}${config.augment ? ', augmented' : ''}${applyKinds.length < SUGGESTION_KINDS.length ? `, applying ${applyKinds.join(', ')} only` : ''}${onlyLayers.length ? `, walking ${layers.join(', ')} only` : ''}${passes > 1 ? `, up to ${passes} passes` : ''}${guard}\n`);
    say(formatRow(rows[0], rows[0]));

    if (!auto) {
      const began = performance.now();
      const analysis = await analyzeModel(ctx, model, data, analysisSet.indices, { batchSize: config.batchSize, thresholds });
      keepMaps(start, analysis, (performance.now() - began) / 1000);
      for (const layer of layers) {
        // Deepen suggestions name the layer after the last conv (its ReLU); they belong to the last conv's step.
        const suggestions = analysis.suggestions.filter((s) => (s.kind === 'deepen' ? layers[layers.length - 1] : s.layer) === layer);
        steps.push({ pass: 1, layer, suggestions, edits: planLayerEdits(suggestions).map((p) => p.edit), rejected: [], skipped: [] });
        say(`${layer}: ${suggestions.length === 0 ? 'no suggestion' : suggestions.map((s) => `${describeEdit(s.edit)} (${s.rule}: ${s.reason})`).join('; ')}\n`);
      }
      say('run again with --auto to apply the suggestions layer by layer, retraining after each\n');
    } else {
      const startValidation = rows[0].validationAccuracy;
      /** One step of --auto (see the file comment); true when it kept an edit. */
      const tuneLayer = async (layer: string, pass: number): Promise<boolean> => {
        const before = history.current;
        const began = performance.now();
        const analysis = await analyzeModel(ctx, history.get(before).model, data, analysisSet.indices, { layers: [layer], batchSize: config.batchSize, thresholds });
        keepMaps(before, analysis, (performance.now() - began) / 1000);
        const planned = planLayerEdits(analysis.suggestions, applyKinds);
        const applied: Edit[] = [];
        const skipped: string[] = analysis.suggestions
          .filter((s) => !applyKinds.includes(s.kind))
          .map((s) => `not applied (--apply ${applyKinds.join(',')}): ${describeEdit(s.edit)} (${s.rule})`);
        for (const { edit, suggestions } of planned) {
          try {
            history.apply(edit, { suggestion: suggestions.length === 1 ? suggestions[0] : suggestions });
            applied.push(edit);
          } catch (error) {
            if (!(error instanceof SurgeryError)) throw error;
            skipped.push(`skipped ${describeEdit(edit)}: ${error.message}`);
          }
        }
        const addRow = (row: TuneRow, edits: Edit[], rejected: Edit[]) => {
          steps.push({ pass, layer, suggestions: analysis.suggestions, edits, rejected, skipped });
          rows.push(row);
          say(formatRow(row, rows[0]));
        };
        if (applied.length === 0) {
          addRow(rowOf(history, before, pass, layer, '', skipped), [], []);
          return false;
        }
        const edited = history.currentVersion.model;
        const curves = emptyCurves();
        const result = await train(ctx, edited, data, split, config, (event) => recordTrainEvent(curves, event));
        const retrained = history.commit(withSplitRecord({ spec: edited.spec, weights: result.weights }, split), {
          note: `retrained ${result.epochs.length} epoch(s) after editing ${layer}`, curves,
        });
        await evaluateVersion(ctx, history, retrained.id, data, split, config.batchSize);
        await save(retrained.id);
        const notes = result.ended === 'completed' ? skipped : [...skipped, result.message];
        const words = applied.map(describeEdit).join('; ');
        const tooCostly = maxLossExceeded(startValidation, history.get(retrained.id).metrics.validationAccuracy ?? null, maxLoss);
        if (tooCostly) {
          // The rejected branch stays in the history (and the project file), so the designer can still look at it.
          history.checkout(before);
          addRow(rowOf(history, before, pass, layer, '', [...notes, `rejected v${retrained.id}: ${tooCostly}; kept v${before}`], words), [], applied);
          return false;
        }
        addRow(rowOf(history, retrained.id, pass, layer, words, notes), applied, []);
        return true;
      };
      for (let pass = 1; pass <= passes; pass++) {
        let kept = 0;
        for (const layer of layers) if (await tuneLayer(layer, pass)) kept += 1;
        if (kept === 0) {
          if (passes > 1) say(`pass ${pass} kept no edit: the tuning has converged\n`);
          break;
        }
      }
    }

    const report = {
      model: modelArg, dataset: split.dataset.name, auto, analysisImages: analysisSet.indices.length, config,
      thresholds, passes, maxLoss: maxLoss ?? null, apply: applyKinds, layers, rows, steps, final: rows[rows.length - 1].version,
    };
    await writeFile(join(out, 'tune.json'), `${JSON.stringify(report, null, 2)}\n`);
    await writeFile(join(out, 'tune.csv'), tuneCsv(rows));
    const project: OpenProject = opened ?? {
      path: resolve(join(out, 'tune.aomproj')),
      contents: {
        state: { history: history.toStored(), untrained: [], maps: {}, pending: null },
        settings: { tune: { auto, perClass, config } },
        dataset: datasetArg === 'mnist' ? { kind: 'builtin-mnist' } : { kind: 'files', names: [datasetArg] },
        savedAt: new Date().toISOString(),
      },
      history,
      versionId: start,
    };
    await saveProjectFile(project, maps);
    if (json) io.stdout(`${JSON.stringify(report, null, 2)}\n`);
    else say(`wrote ${join(out, 'tune.json')}, ${join(out, 'tune.csv')}, ${project.path} and one folder per version (v<id>/model.json)\n`);
    return 0;
  } finally {
    data.destroy();
    ctx.destroy();
  }
}
