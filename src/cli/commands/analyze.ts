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
import { DATASET_SPEC_HELP, loadDatasetFromSpec } from '../../data/spec.ts';
import { splitDataset } from '../../data/splits.ts';
import { GpuDataset } from '../../data/gpu-dataset.ts';
import { loadModelDir } from '../../io/model-files-node.ts';
import { encodeNpy } from '../../io/npy.ts';
import { analyzeModel, type LayerAnalysis, type ModelAnalysis } from '../../analysis/analyze-model.ts';
import { selectAnalysisSet } from '../../analysis/analysis-set.ts';
import { encodeAtlasPng } from '../../analysis/atlas.ts';
import type { Suggestion } from '../../analysis/suggestions.ts';
import { option, parseArgs, UsageError } from '../args.ts';
import type { CommandIo } from '../main.ts';

const USAGE = `usage: aom-studio analyze --model <model.json> --dataset <spec> [--split test] [--per-class N] [--layer NAME]... [--tau X] --out <dir> [--json]
  --model PATH     a TF.js Layers model.json (or its folder)
  --dataset SPEC   ${DATASET_SPEC_HELP}
  --split NAME     train | validation | test (default test; splits as 'aom-studio data', seed 0)
  --per-class N    a seeded class-balanced subset of N images per class (default: the whole split)
  --layer NAME     a conv layer to analyse (repeatable; default every conv layer)
  --tau X          occurrence threshold: an activation counts when > X (default 0)
  --out DIR        output folder (one sub-folder per layer)
  --json           print one JSON document instead of tables
`;

interface AnalyzeArgs {
  model: string;
  dataset: string;
  split: 'train' | 'validation' | 'test';
  perClass?: number;
  layers: string[];
  tau: number;
  out: string;
  json: boolean;
}

function readArgs(argv: string[]): AnalyzeArgs {
  const args = parseArgs(argv, { values: ['model', 'dataset', 'split', 'per-class', 'layer', 'tau', 'out'], flags: ['json'] });
  if (args.positionals.length) throw new UsageError(`unexpected argument '${args.positionals[0]}'`);
  const required = (name: string): string => {
    const value = option(args, name);
    if (!value) throw new UsageError(`--${name} is required`);
    return value;
  };
  const split = option(args, 'split') ?? 'test';
  if (split !== 'train' && split !== 'validation' && split !== 'test') throw new UsageError(`--split must be train, validation or test, got '${split}'`);
  const perClassText = option(args, 'per-class');
  const perClass = perClassText === undefined ? undefined : Number(perClassText);
  if (perClass !== undefined && !(Number.isInteger(perClass) && perClass >= 1)) throw new UsageError(`--per-class must be a positive integer, got '${perClassText}'`);
  const tauText = option(args, 'tau') ?? '0';
  const tau = Number(tauText);
  if (tauText.trim() === '' || !Number.isFinite(tau)) throw new UsageError(`--tau must be a number, got '${tauText}'`);
  return {
    model: required('model'), dataset: required('dataset'), split, perClass, layers: args.options.get('layer') ?? [], tau, out: required('out'), json: args.flags.has('json'),
  };
}

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

function formatSuggestion(s: Suggestion): string {
  const target = s.kind === 'drop' ? `drop ${s.layer} kernels ${s.kernels.join(', ')}` : s.kind === 'widen' ? `widen ${s.layer} by ${s.by}` : `deepen after ${s.after}`;
  return `  ${target} [${s.rule}]: ${s.reason}`;
}

export async function analyzeCommand(argv: string[], io: CommandIo): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout(USAGE);
    return 0;
  }
  let args: AnalyzeArgs;
  try {
    args = readArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`aom-studio analyze: ${error.message}\n${USAGE}`);
    return 2;
  }
  const model = await loadModelDir(args.model);
  const dataset = await loadDatasetFromSpec(args.dataset);
  const split = splitDataset(dataset)[args.split];
  if (split.length === 0) throw new UsageError(`${dataset.name} has no images in its ${args.split} split`);
  const set = selectAnalysisSet(dataset, split, { perClass: args.perClass, seed: 0 });
  const ctx = await acquireGpu();
  let analysis: ModelAnalysis;
  const data = GpuDataset.upload(ctx, dataset);
  try {
    analysis = await analyzeModel(ctx, model, data, set.indices, { layers: args.layers, tau: args.tau });
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
  if (args.json) {
    io.stdout(`${JSON.stringify({ ...context, model: analysis.model, images: analysis.images, accuracy: analysis.accuracy, notes: set.notes, layers, suggestions: analysis.suggestions, files: written }, null, 2)}\n`);
    return 0;
  }
  const out = [
    `model ${analysis.model}; ${dataset.name} ${args.split} split, ${analysis.images} images${args.perClass ? ` (${args.perClass} per class, seed 0)` : ''}; accuracy ${fixed(analysis.accuracy, 4)}; tau ${analysis.tau}`,
    ...set.notes.map((n) => `note: ${n}`),
    '',
    ...analysis.layers.flatMap((l) => [formatLayer(l, analysis.classNames), '']),
    analysis.suggestions.length ? 'suggestions:' : 'suggestions: none',
    ...analysis.suggestions.map(formatSuggestion),
    '',
    `wrote ${written.length} files under ${args.out}`,
    '',
  ];
  io.stdout(out.join('\n'));
  return 0;
}
