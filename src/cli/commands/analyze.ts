/**
 * `aom-studio analyze --model <model.json> --dataset <spec> [--split test] [--per-class N] [--layer NAME]...
 * [--tau X] --out <dir> [--json]`: counts the Activation Occurrence Maps of the model's conv layers (all, or the
 * named ones) over a split of a dataset (whole, or N images per class, seeded), ablates every kernel, and writes
 * per layer into <dir>/<layer>/:
 *   aom_counts.npy   uint32  [kernels, classes, H, W]  images of the class in which the kernel fires at (y, x)
 *   class_counts.npy uint32  [classes]                 images of each class in the analysis set
 *   aom.npy          float32 [kernels, classes, H, W]  aom_counts / class_counts (NaN for a class without images)
 *   csm.npy          float32 [kernels, classes, H, W]  Class Selectivity Map, difference form
 *   odm.npy          float32 [kernels, kernels]        Occurrence Difference Map
 *   stats.json       per-kernel statistics and the suggestions that concern the layer
 *   atlas.png        rows kernels, columns classes, colour bar below (atlas.ts)
 * and prints a per-kernel table and the suggestions (or, with --json, one JSON document with both).
 * Splits are those of `aom-studio data` with its default seed (0) and fractions.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { acquireGpu } from '../../gpu/device.ts';
import { GpuDataset } from '../../data/gpu-dataset.ts';
import { loadModelAndSplit } from '../session.ts';
import { encodeNpy } from '../../io/npy.ts';
import { analyzeModel, type LayerAnalysis, type ModelAnalysis } from '../../analysis/analyze-model.ts';
import { selectAnalysisSet } from '../../analysis/analysis-set.ts';
import { encodeAtlasPng } from '../../analysis/atlas.ts';
import type { Suggestion, SuggestionThresholds } from '../../analysis/suggestions.ts';
import { resolutionCaveat } from '../../session/analyse-layer.ts';
import type { CommandIo } from '../command-io.ts';
import { defineCommand, type CommandLine, type CommandSpec } from '../options.ts';
import { DATASET_OPTION, GPU_BUDGET_OPTION, gpuBudget, JSON_OPTION, SPLIT_OPTION, SUGGESTION_THRESHOLD_OPTIONS, suggestionThresholds } from '../shared-options.ts';
import { UsageError } from '../usage-error.ts';
import { openProjectFile, PROJECT_OPTION, projectModel, requireOneSource, saveProjectFile, VERSION_OPTION } from '../project-option.ts';
import { layerMapsOf } from '../../session/analyse-layer.ts';

const ANALYZE = {
  name: 'analyze',
  summary: 'count the Activation Occurrence Maps of the conv layers, ablate every kernel, write maps, statistics and suggestions',
  options: {
    model: { type: 'string', value: 'PATH', description: 'a TF.js Layers model.json (or its folder) or a .onnx file' },
    project: { ...PROJECT_OPTION, description: "a .aomproj project: analyse its current version (or --version) and add the layers' maps to it" },
    version: VERSION_OPTION,
    dataset: DATASET_OPTION,
    out: { type: 'string', value: 'DIR', required: true, description: 'output folder (one sub-folder per layer)' },
    split: { ...SPLIT_OPTION, description: "the split to analyse: the model's own train / validation / test split (the one its model.json records, else seed 1)" },
    'per-class': { type: 'string', number: 'integer', min: 1, value: 'N', defaultText: 'the whole split', description: 'a class-balanced subset of N images per class of the split (seed 0)' },
    layer: { type: 'string', multiple: true, value: 'NAME', defaultText: 'every conv layer', description: 'a conv layer to analyse' },
    tau: { type: 'string', number: 'real', default: 0, value: 'X', description: 'occurrence threshold: an activation counts when > X' },
    ...SUGGESTION_THRESHOLD_OPTIONS,
    'gpu-budget': GPU_BUDGET_OPTION,
    json: { ...JSON_OPTION, description: 'print one JSON document instead of tables' },
  },
  notes: [
    'Writes per layer, into <out>/<layer>/: aom_counts.npy (uint32 [kernels, classes, H, W]), class_counts.npy (uint32 [classes]), ' +
      'aom.npy, csm.npy (float32 [kernels, classes, H, W]), odm.npy (float32 [kernels, kernels]), stats.json and atlas.png.',
  ],
  examples: [
    'aom-studio analyze --model src/models/mnist-ref/model.json --dataset mnist --per-class 100 --out runs/maps',
    'aom-studio analyze --model src/models/mnist-ref/model.json --dataset mnist --layer conv2 --tau 0.5 --json --out runs/conv2',
  ],
} as const satisfies CommandSpec;

export const analyzeCommand = defineCommand(ANALYZE, runAnalyze);

/** Suggestions that concern one layer (deepen goes with the layer it follows). */
function suggestionsOf(layer: LayerAnalysis, all: Suggestion[]): Suggestion[] {
  return all.filter((s) => (s.kind === 'deepen' ? s.after === layer.mapLayer || s.after === layer.layer : s.layer === layer.layer));
}

function layerStats(analysis: ModelAnalysis, layer: LayerAnalysis, context: { dataset: string; split: string; perClass: number | null }) {
  return {
    model: analysis.model,
    layer: layer.layer,
    mapLayer: layer.mapLayer,
    dataset: context.dataset,
    split: context.split,
    perClass: context.perClass,
    images: analysis.images,
    classNames: analysis.classNames,
    classCounts: Array.from(analysis.classCounts),
    accuracy: analysis.accuracy,
    tau: analysis.tau,
    csmForm: analysis.csmForm,
    shape: layer.shape,
    files: {
      'aom_counts.npy': { dtype: 'uint32', shape: [layer.shape.kernels, layer.shape.classes, layer.shape.height, layer.shape.width] },
      'class_counts.npy': { dtype: 'uint32', shape: [layer.shape.classes] },
      'aom.npy': { dtype: 'float32', shape: [layer.shape.kernels, layer.shape.classes, layer.shape.height, layer.shape.width] },
      'csm.npy': { dtype: 'float32', shape: [layer.shape.kernels, layer.shape.classes, layer.shape.height, layer.shape.width] },
      'odm.npy': { dtype: 'float32', shape: [layer.shape.kernels, layer.shape.kernels] },
    },
    thresholds: analysis.thresholds,
    kernels: layer.kernels.map((k, i) => ({ ...k, ablatedAccuracy: layer.ablatedAccuracy?.[i] ?? null })),
    suggestions: suggestionsOf(layer, analysis.suggestions),
  };
}

async function writeLayer(dir: string, analysis: ModelAnalysis, layer: LayerAnalysis, stats: unknown): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const { kernels: K, classes: C, height: H, width: W } = layer.shape;
  const files: Array<[string, Uint8Array | string]> = [
    ['aom_counts.npy', encodeNpy(layer.counts, [K, C, H, W])],
    ['class_counts.npy', encodeNpy(analysis.classCounts, [C])],
    ['aom.npy', encodeNpy(layer.aom, [K, C, H, W])],
    ['csm.npy', encodeNpy(layer.csm, [K, C, H, W])],
    ['odm.npy', encodeNpy(layer.odm, [K, K])],
    ['stats.json', `${JSON.stringify(stats, null, 2)}\n`],
    ['atlas.png', encodeAtlasPng(layer.aom, layer.shape, { layer: layer.layer, classNames: analysis.classNames, tau: analysis.tau })],
  ];
  for (const [name, data] of files) await writeFile(join(dir, name), data);
  return files.map(([name]) => join(dir, name));
}

const fixed = (x: number | null, digits = 3) => (x === null || Number.isNaN(x) ? '-' : x.toFixed(digits));

function formatLayer(layer: LayerAnalysis, classNames: string[]): string {
  const { kernels: K, classes: C, height: H, width: W } = layer.shape;
  const lines = [`${layer.layer}: ${K} kernels, maps ${H}x${W} (${layer.mapLayer === layer.layer ? 'its own output' : `after ${layer.mapLayer}`}), ${C} classes`];
  lines.push(`${'kernel'.padStart(6)} ${'occurrence'.padStart(10)}  ${'strongest class'.padEnd(18)} ${'selectivity'.padStart(11)} ${'nearest'.padStart(7)} ${'ODM'.padStart(6)} ${'impact'.padStart(7)}`);
  for (const k of layer.kernels) {
    const strongest = k.strongestClass >= 0 ? `${k.strongestClass} ${classNames[k.strongestClass] ?? ''}`.slice(0, 18) : '-';
    lines.push(
      `${String(k.kernel).padStart(6)} ${fixed(k.occurrence).padStart(10)}  ${strongest.padEnd(18)} ${fixed(k.selectivity).padStart(11)} ` +
        `${String(k.nearest ?? '-').padStart(7)} ${fixed(k.distance).padStart(6)} ${fixed(k.ablationImpact).padStart(7)}`,
    );
  }
  return lines.join('\n');
}

/** A suggestion in one line, and under it, as the page shows it, the caveat when the analysis set is too small to trust its rule. */
function formatSuggestion(s: Suggestion, images: number, thresholds: SuggestionThresholds): string {
  const target = s.kind === 'drop' ? `drop ${s.layer} kernels ${s.kernels.join(', ')}` : s.kind === 'widen' ? `widen ${s.layer} by ${s.by}` : `deepen after ${s.after}`;
  const caveat = resolutionCaveat(s, images, thresholds);
  return `  ${target} [${s.rule}]: ${s.reason}${caveat ? `\n    caveat: ${caveat}` : ''}`;
}

async function runAnalyze({ values }: CommandLine<typeof ANALYZE.options>, io: CommandIo): Promise<number> {
  const args = { ...values, perClass: values['per-class'], layers: values.layer };
  // The model's own split (split-policy.ts): with a model trained here, validation and test are images it never saw.
  requireOneSource(args.model, args.project, args.version);
  const project = args.project ? await openProjectFile(args.project, args.version) : null;
  const { model, split: modelSplit } = await loadModelAndSplit({ model: project ? projectModel(project) : args.model!, dataset: args.dataset, seed: 1 }, io);
  const dataset = modelSplit.dataset;
  const split = modelSplit[args.split];
  if (split.length === 0) throw new UsageError(`${dataset.name} has no images in its ${args.split} split`);
  const set = selectAnalysisSet(dataset, split, { perClass: args.perClass, seed: 0 });
  const ctx = await acquireGpu();
  let analysis: ModelAnalysis;
  const data = GpuDataset.upload(ctx, dataset, { indices: set.indices, ...gpuBudget(values['gpu-budget']) }); // the images analysed, no others
  const started = performance.now();
  try {
    analysis = await analyzeModel(ctx, model, data, set.indices, { layers: args.layers, tau: args.tau, thresholds: suggestionThresholds(values) });
  } finally {
    data.destroy();
    ctx.destroy();
  }
  const context = { dataset: dataset.name, split: args.split, perClass: args.perClass ?? null };
  const written: string[] = [];
  const layers = [];
  for (const layer of analysis.layers) {
    const stats = layerStats(analysis, layer, context);
    written.push(...(await writeLayer(join(args.out, layer.layer), analysis, layer, stats)));
    layers.push(stats);
  }
  if (project) {
    const seconds = (performance.now() - started) / 1000;
    await saveProjectFile(project, analysis.layers.map((l) => ({ ...layerMapsOf(analysis, l.layer, set.notes, seconds), versionId: project.versionId, restored: false })));
    written.push(project.path);
  }
  if (args.json) {
    io.stdout(`${JSON.stringify({ ...context, model: analysis.model, images: analysis.images, accuracy: analysis.accuracy, notes: set.notes, layers, suggestions: analysis.suggestions.map((s) => ({ ...s, caveat: resolutionCaveat(s, analysis.images, analysis.thresholds) })), files: written }, null, 2)}\n`);
    return 0;
  }
  const out = [
    `model ${analysis.model}; ${dataset.name} ${args.split} split, ${analysis.images} images${args.perClass ? ` (${args.perClass} per class, seed 0)` : ''}; accuracy ${fixed(analysis.accuracy, 4)}; tau ${analysis.tau}`,
    ...set.notes.map((n) => `note: ${n}`),
    '',
    ...analysis.layers.flatMap((l) => [formatLayer(l, analysis.classNames), '']),
    analysis.suggestions.length ? 'suggestions:' : 'suggestions: none',
    ...analysis.suggestions.map((s) => formatSuggestion(s, analysis.images, analysis.thresholds)),
    '',
    `wrote ${written.length} files under ${args.out}`,
    '',
  ];
  io.stdout(out.join('\n'));
  return 0;
}
