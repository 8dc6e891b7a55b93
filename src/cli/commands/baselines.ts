/**
 * `aom-studio baselines --model <model.json> --dataset <spec> (--kernels conv1:N,conv2:M | --from-tune <tune.json>)
 *   [--sweep F,F] [--seeds 1,2,3] [--retrain-epochs E] [--max-steps S] [--per-class N] [--batch B] [--lr X]
 *   [--seed S] --out <dir> [--json]`
 *
 * The AOM-guided tune against the pruning rules a user could apply in one line: for the same number of kernels
 * dropped per conv layer as the tune (read from its tune.json) or as --kernels says, drop by
 *   - L1 norm of the filters (Li et al., ICLR 2017; src/analysis/prune-l1-norm.ts),
 *   - APoZ, the average percentage of zeros after the ReLU over the analysis set (Hu et al. 2016), from the same
 *     GPU occurrence counts as the maps (src/analysis/prune-apoz.ts),
 *   - at random, once per --seeds seed (src/analysis/prune-random.ts),
 * each walked like tune --auto (src/session/pruning-run.ts): layer by layer in model order (with --from-tune: in
 * the order of the tune's drops, so a tune of several passes is matched pass by pass, retraining for retraining),
 * drop, evaluate, retrain with tune's configuration (epochs, batch, learning rate, seed; from tune.json unless
 * overridden), then the next layer. The analysis set is tune's (a seeded --per-class subset of the training split). The AOM-guided row
 * comes from tune.json (its last version's numbers), with the accuracy right after each of its drops measured here
 * on the versions tune saved beside it. --sweep adds the three criteria at fractions of every layer's kernels.
 *
 * Writes (again after every finished row, so a stopped run keeps them) baselines.json (every row with its per-layer steps, the chosen kernels and their scores), baselines.csv
 * and the plot of test accuracy against parameters as baselines.png and baselines.svg.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { selectAnalysisSet } from '../../analysis/analysis-set.ts';
import { dropPlan, sequencePlan, sweepPlans, type LayerDrop } from '../../analysis/drop-plan.ts';
import { convLayerNames } from '../../analysis/map-source.ts';
import { GpuDataset } from '../../data/gpu-dataset.ts';
import { acquireGpu } from '../../gpu/device.ts';
import { loadModelDir } from '../../io/model-files-node.ts';
import type { Model } from '../../nn/layers.ts';
import { summarizeModel } from '../../nn/shapes.ts';
import { DEFAULT_TRAIN_CONFIG, checkTrainConfig, type TrainConfig } from '../../nn/train-config.ts';
import { plotPng } from '../../render/plot-png.ts';
import { plotSvg } from '../../render/plot-svg.ts';
import { scatterPlot } from '../../render/scatter-plot.ts';
import { applyEdit, formatKernelList } from '../../surgery/edits.ts';
import { describeMethod, evaluateOnSplit, runPruning, type PruningEnvironment, type PruningMethod, type SplitAccuracy } from '../../session/pruning-run.ts';
import { describeSplit } from '../../session/split-policy.ts';
import { kernelsPerLayer, modelFields, runRow, startRow } from '../../session/baseline-rows.ts';
import { baselinesCsv, baselinesPlot, formatBaselineRow, type BaselineRow, type BaselineRowStep } from '../baselines-table.ts';
import type { CommandIo } from '../command-io.ts';
import { defineCommand, type CommandLine, type CommandSpec } from '../options.ts';
import { loadModelAndSplit } from '../session.ts';
import { DATASET_OPTION, SPLIT_SEED_OPTION } from '../shared-options.ts';
import { TuneReportError, readTuneReport, type TuneReport } from '../tune-report.ts';
import { UsageError } from '../usage-error.ts';

const percent = (v: number | null): string => (v === null ? '-' : `${(100 * v).toFixed(2)}%`);

const FROM_TUNE_ELSE = (fallback: string | number) => `tune.json's with --from-tune, else ${fallback}`;

const BASELINES = {
  name: 'baselines',
  summary: 'prune by L1 norm, APoZ and at random as many kernels per layer as the AOM-guided tune, retrain alike, and compare',
  options: {
    model: { type: 'string', value: 'PATH', required: true, description: 'the model.json the tune started from' },
    dataset: DATASET_OPTION,
    out: { type: 'string', value: 'DIR', required: true, description: 'folder for baselines.json, baselines.csv, baselines.png and baselines.svg' },
    kernels: { type: 'string', value: 'LAYER:N,…', defaultText: 'none', description: 'kernels to drop per conv layer, e.g. conv1:3,conv2:21 (instead of --from-tune)' },
    'from-tune': { type: 'string', value: 'PATH', defaultText: 'none', description: "tune.json of a 'tune --auto' run (or its folder): drop as many kernels per layer as it did, retrain as it did, and add its row" },
    sweep: { type: 'string', value: 'F,…', defaultText: 'none', description: "also drop these fractions of every conv layer's kernels (each in (0, 1)), every point retrained" },
    seeds: { type: 'string', value: 'S,…', default: '1,2,3', description: "seeds of the random baseline, one run each ('none': no random baseline)" },
    'retrain-epochs': { type: 'string', number: 'integer', min: 1, defaultText: FROM_TUNE_ELSE(1), value: 'N', description: 'epochs of retraining after each layer' },
    'max-steps': { type: 'string', number: 'integer', min: 0, defaultText: FROM_TUNE_ELSE('0: whole epochs'), value: 'N', description: 'at most this many steps per epoch of each retraining' },
    'per-class': { type: 'string', number: 'integer', min: 1, default: 100, value: 'N', description: "training images per class in the analysis set APoZ is counted over (tune's --per-class)" },
    batch: { type: 'string', number: 'integer', min: 1, defaultText: FROM_TUNE_ELSE(DEFAULT_TRAIN_CONFIG.batchSize), value: 'B', description: 'images per step, for analysis, retraining and evaluation' },
    lr: { type: 'string', number: 'real', above: 0, defaultText: FROM_TUNE_ELSE(DEFAULT_TRAIN_CONFIG.lr), value: 'X', description: 'learning rate of the retraining' },
    seed: { type: 'string', number: 'integer', min: 0, max: 0xffffffff, defaultText: FROM_TUNE_ELSE(DEFAULT_TRAIN_CONFIG.seed), value: 'S', description: 'seed of the analysis set and of every retraining' },
    'split-seed': SPLIT_SEED_OPTION,
    validation: { type: 'string', number: 'real', min: 0, below: 1, defaultText: '0.1', value: 'F', description: 'fraction of the training images held out for validation' },
    json: { type: 'boolean', description: 'print the baselines.json report instead of text' },
  },
  notes: [
    'Give --from-tune or --kernels (the counts to match), --sweep, or both. Every baseline drops layer by layer in model order (with --from-tune: in the order of the tune, pass by pass) and retrains after each layer, as tune --auto does; the random seeds choose kernels only (the retraining seed is --seed for every method).',
    'Rows: method, seed, run (matched or sweep), kernels dropped per layer, parameters, FLOPs, validation and test accuracy right after the last drop and after retraining.',
  ],
  examples: [
    'aom-studio baselines --model src/models/mnist-ref/model.json --dataset mnist --from-tune runs/tune-mnist --out runs/baselines-mnist',
    'aom-studio baselines --model src/models/mnist-ref/model.json --dataset mnist --kernels conv1:3,conv2:21 --sweep 0.25,0.5,0.75 --retrain-epochs 1 --out runs/baselines',
  ],
} as const satisfies CommandSpec;

export const baselinesCommand = defineCommand(BASELINES, runBaselines);

/** `conv1:3,conv2:21` to layer -> count; UsageError quoting the text when it is not of that form. */
export function parseKernelCounts(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of text.split(',')) {
    const match = /^([^:]+):(\d+)$/.exec(item.trim());
    if (!match) throw new UsageError(`--kernels '${text}': '${item}' is not LAYER:N (expected e.g. conv1:3,conv2:21)`);
    if (counts.has(match[1])) throw new UsageError(`--kernels '${text}': layer '${match[1]}' is given twice`);
    counts.set(match[1], Number(match[2]));
  }
  return counts;
}

/** A comma-separated list of numbers that each pass `ok`; UsageError naming the option and the item otherwise. */
function parseNumberList(option: string, text: string, rule: string, ok: (v: number) => boolean): number[] {
  const items = text.split(',').map((s) => s.trim());
  const values = items.map(Number);
  const bad = items.findIndex((s, i) => s === '' || !ok(values[i]));
  if (bad >= 0) throw new UsageError(`--${option} '${text}': '${items[bad]}' is not ${rule}`);
  if (new Set(values).size !== values.length) throw new UsageError(`--${option} '${text}': a value is given twice`);
  return values;
}

/** Tune's configuration with the options given on the command line over it; a warning for each that differs from tune's. */
function retrainConfig(values: CommandLine<typeof BASELINES.options>['values'], tune: TuneReport | null, warn: (text: string) => void): TrainConfig {
  const config: TrainConfig = tune ? { ...tune.config } : { ...DEFAULT_TRAIN_CONFIG, epochs: 1 };
  const given: [string, keyof TrainConfig, number | undefined][] = [
    ['retrain-epochs', 'epochs', values['retrain-epochs']], ['max-steps', 'maxSteps', values['max-steps']],
    ['batch', 'batchSize', values.batch], ['lr', 'lr', values.lr], ['seed', 'seed', values.seed],
  ];
  for (const [option, key, value] of given) {
    if (value === undefined) continue;
    if (tune && config[key] !== value) warn(`--${option} ${value} differs from the tune's ${String(config[key])}: the baselines are not retrained as the AOM-guided run was`);
    (config as unknown as Record<string, unknown>)[key] = value;
  }
  checkTrainConfig(config);
  return config;
}

/**
 * The AOM-guided row from tune.json: its last version's numbers, and per edited layer the accuracy right after
 * its edits, measured here by applying them to the version tune saved before them (v<id>/ beside tune.json).
 */
async function aomGuidedRow(env: PruningEnvironment, tune: TuneReport, start: Model, layers: readonly string[]): Promise<BaselineRow> {
  const notes: string[] = [...tune.otherEdits.map((e) => `the tune also applied '${e}', which the baselines do not`)];
  const steps: BaselineRowStep[] = [];
  const loadVersion = async (id: number): Promise<Model | null> => {
    try {
      return await loadModelDir(join(tune.dir, `v${id}`, 'model.json'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      notes.push(`${join(tune.dir, `v${id}`)} is missing: ${id === tune.rows[tune.rows.length - 1].version ? 'kernels per layer are counted from the drops' : "the accuracy right after the tune's drop there is not known"}`);
      return null;
    }
  };
  for (const [i, step] of tune.steps.entries()) {
    if (step.edits.length === 0) continue;
    const before = await loadVersion(step.before);
    const afterDrop: SplitAccuracy | null = before ? await evaluateOnSplit(env, step.edits.reduce(applyEdit, before)) : null;
    const row = tune.rows[i + 1];
    steps.push({
      layer: step.layer, kernels: step.edits.flatMap((e) => (e.kind === 'drop' ? e.kernels : [])).sort((a, b) => a - b), scores: null,
      parameters: row.parameters, flops: row.flops, afterDrop, afterRetrain: { validation: row.validationAccuracy, test: row.testAccuracy },
    });
  }
  const final = tune.rows[tune.rows.length - 1];
  // The kernels kept come from the final version when it is there (a widen changes them), else from the drops.
  const finalModel = await loadVersion(final.version);
  const fields = finalModel
    ? modelFields(start, finalModel, layers)
    : (() => {
        const before = kernelsPerLayer(start, layers);
        const dropped = Object.fromEntries(layers.map((l) => [l, tune.dropped.get(l) ?? 0]));
        const kernels = Object.fromEntries(layers.map((l) => [l, before[l] - dropped[l]]));
        return { dropped, kernels, convKernels: Object.values(kernels).reduce((a, b) => a + b, 0), parameters: final.parameters, flops: final.flops };
      })();
  const last = steps[steps.length - 1];
  return {
    method: 'aom-guided', seed: null, run: 'matched', fraction: null, ...fields, parameters: final.parameters, flops: final.flops,
    dropValidationAccuracy: last?.afterDrop?.validation ?? null, dropTestAccuracy: last?.afterDrop?.test ?? null,
    validationAccuracy: final.validationAccuracy, testAccuracy: final.testAccuracy, steps, notes,
  };
}

async function runBaselines({ values }: CommandLine<typeof BASELINES.options>, io: CommandIo): Promise<number> {
  const json = values.json;
  const say = (text: string) => {
    if (!json) io.stdout(text);
  };
  const warn = (text: string) => io.stderr(`warning: ${text}\n`);
  if (values.kernels !== undefined && values['from-tune'] !== undefined) throw new UsageError('give --kernels or --from-tune, not both');
  const counts = values.kernels === undefined ? null : parseKernelCounts(values.kernels);
  const sweep = values.sweep === undefined ? [] : parseNumberList('sweep', values.sweep, 'a fraction in (0, 1)', (v) => v > 0 && v < 1);
  // 'none' runs no random baseline (as the page's empty seeds field): L1 norm and APoZ alone, for a user short of time.
  const seeds = values.seeds.trim().toLowerCase() === 'none'
    ? []
    : parseNumberList('seeds', values.seeds, 'a whole number in 0..4294967295', (v) => Number.isInteger(v) && v >= 0 && v <= 0xffffffff);
  if (!counts && values['from-tune'] === undefined && sweep.length === 0) throw new UsageError('nothing to compare: give --from-tune, --kernels or --sweep');

  const tune = values['from-tune'] === undefined ? null : await readTuneReport(values['from-tune']);
  const config = retrainConfig(values, tune, warn);
  const { model: start, split, modelSplit } = await loadModelAndSplit(
    { model: values.model, dataset: values.dataset, seed: config.seed, choice: { seed: values['split-seed'], validationFraction: values.validation } },
    io,
  );
  const layers = convLayerNames(start.spec);
  const startParameters = summarizeModel(start.spec).totalParams;
  if (tune && tune.rows[0].parameters !== startParameters) {
    throw new TuneReportError(`${tune.path} starts from a model of ${tune.rows[0].parameters} parameters (${tune.model}), but --model ${values.model} has ${startParameters}: give the model the tune started from`);
  }
  if (tune && tune.dataset !== split.dataset.name) throw new TuneReportError(`${tune.path} was made on dataset '${tune.dataset}', but --dataset gives '${split.dataset.name}'`);

  // Every plan is checked against the model before any GPU work.
  const plans: { run: 'matched' | 'sweep'; fraction: number | null; plan: LayerDrop[] }[] = [];
  if (tune) {
    const plan = sequencePlan(start.spec, tune.dropSteps);
    if (plan.length === 0) throw new TuneReportError(`${tune.path}: the tune dropped no kernel, so there is no compression to match`);
    plans.push({ run: 'matched', fraction: null, plan });
  }
  if (counts) {
    const plan = dropPlan(start.spec, counts);
    if (plan.length === 0) throw new UsageError(`--kernels '${values.kernels}' drops no kernel`);
    plans.push({ run: 'matched', fraction: null, plan });
  }
  const swept = sweepPlans(start.spec, sweep);
  for (const fraction of swept.empty) warn(`--sweep ${fraction} rounds to no kernel in any layer; left out`);
  for (const { fraction, drops } of swept.plans) plans.push({ run: 'sweep', fraction, plan: drops });
  const methods: PruningMethod[] = [{ kind: 'l1-norm' }, { kind: 'apoz' }, ...seeds.map((seed) => ({ kind: 'random' as const, seed }))];

  const analysisSet = selectAnalysisSet(split.dataset, split.train, { perClass: values['per-class'], seed: config.seed });
  if (tune && tune.analysisImages !== analysisSet.indices.length) {
    warn(`the tune's analysis set had ${tune.analysisImages} images, this one ${analysisSet.indices.length}: give the --per-class the tune was run with`);
  }
  const ctx = await acquireGpu();
  const data = GpuDataset.upload(ctx, split.dataset);
  try {
    await mkdir(values.out, { recursive: true });
    const env: PruningEnvironment = { ctx, data, split, analysisIndices: analysisSet.indices, config, batchSize: config.batchSize };
    say(`baselines for ${start.spec.name} on ${split.dataset.name}: ${describeSplit(modelSplit)}\n`);
    say(`retraining ${config.epochs} epoch(s)${config.maxSteps ? ` (at most ${config.maxSteps} steps)` : ''} after each layer${config.augment ? ' (augmented)' : ''}, lr ${config.lr}, batch ${config.batchSize}, seed ${config.seed}; APoZ over ${analysisSet.indices.length} training images\n`);

    const startAccuracy = await evaluateOnSplit(env, start);
    const unedited = startRow(start, layers, startAccuracy);
    if (tune && (tune.rows[0].validationAccuracy !== startAccuracy.validation || tune.rows[0].testAccuracy !== startAccuracy.test)) {
      unedited.notes.push(`the tune measured ${tune.rows[0].validationAccuracy} / ${tune.rows[0].testAccuracy} (validation / test) for this model, here ${startAccuracy.validation} / ${startAccuracy.test}: the splits differ`);
    }
    const rows: BaselineRow[] = [unedited];
    const title = `test accuracy against parameters: ${start.spec.name} on ${split.dataset.name}`;
    const files = ['baselines.json', 'baselines.csv', 'baselines.png', 'baselines.svg'].map((f) => join(values.out, f));
    const total = 1 + (tune ? 1 : 0) + plans.length * methods.length;
    const report = () => ({
      model: values.model, dataset: split.dataset.name, split: describeSplit(modelSplit), fromTune: tune?.path ?? null,
      kernels: values.kernels ?? null, sweep, seeds, config, analysisImages: analysisSet.indices.length, layers,
      complete: rows.length === total, rows, files,
    });
    // The files are rewritten after every row: a run of hours that is stopped keeps every row it finished
    // (`complete: false` in baselines.json until the last one).
    const writeFiles = async () => {
      const scene = scatterPlot(baselinesPlot(rows, title));
      await writeFile(files[0], `${JSON.stringify(report(), null, 2)}\n`);
      await writeFile(files[1], baselinesCsv(rows, layers));
      await writeFile(files[2], plotPng(scene, title));
      await writeFile(files[3], plotSvg(scene, title));
    };
    const add = async (row: BaselineRow) => {
      rows.push(row);
      say(formatBaselineRow(row, unedited));
      await writeFiles();
    };
    say(formatBaselineRow(unedited, unedited));
    if (tune) await add(await aomGuidedRow(env, tune, start, layers));

    for (const { run, fraction, plan } of plans) {
      for (const method of methods) {
        const result = await runPruning(env, start, plan, method, (step) =>
          say(`  ${describeMethod(method)}${fraction === null ? '' : ` at ${fraction}`}: ${step.layer} drop ${step.kernels.length} (${formatKernelList(step.kernels)}), test ${percent(step.afterDrop.test)} after the drop, ${percent(step.afterRetrain.test)} retrained\n`),
        );
        await add(runRow(start, layers, result, run, fraction));
      }
    }

    if (rows.length === 1) await writeFiles(); // no tune row and no plan: the unedited row alone
    if (json) io.stdout(`${JSON.stringify(report(), null, 2)}\n`);
    else say(`wrote ${files.join(', ')}\n`);
    return 0;
  } finally {
    data.destroy();
    ctx.destroy();
  }
}
