/**
 * The whole bench, as `aom-studio bench` and the bench page both run it: the adapter's ceilings first (every
 * other row's share of peak divides by them), then the conv, dense and training-step cases side by side with the
 * chosen TF.js peers, the optimizer-packing and Winograd comparisons, and the maps against inference. One function for both, so
 * the page measures the same cases with the same repetition rules (harness.ts) as the CLI; what differs is passed
 * in: where MNIST comes from (disk or bundled URLs) and where TF.js's wasm binaries are.
 */
import type { GpuContext } from '../gpu/context.ts';
import type { ImageDataset } from '../data/dataset.ts';
import type { BenchEvent, BenchPeerChoice, BenchReport, BenchRequest } from '../session/bench-api.ts';
import { compareAomToInference } from './aom-cases.ts';
import { convBenchCases, describeConvShape } from './conv-cases.ts';
import { denseBenchCases } from './dense-cases.ts';
import { compareReluFold, RELU_FOLD_ROW, RELU_FOLD_SHAPES, reluFoldShape } from './relu-fold-cases.ts';
import { runBench, type BenchPeer, type BenchRow } from './harness.ts';
import { compareOptimizerPacking } from './optimizer-cases.ts';
import { peakCases, peakFromRows } from './peak-cases.ts';
import { STEP_MEMORY_CASE, stepMemoryRows, type StepMemoryPeer } from './memory-cases.ts';
import { tfjsWasmPeer, tfjsWebgpuPeer, tfjsWebgpuStepMemoryPeer } from './tfjs-peers.ts';
import { trainStepCases } from './train-cases.ts';
import { compareWinogradToDirect, WINOGRAD_CONV_CASES } from './winograd-cases.ts';
import { compareConvChoicesInTrainStep, CONV_CHOICE_STEP_ROWS } from './conv-choice-steps.ts';
import { compareDirectConv, DIRECT_CONV_ROWS, DIRECT_CONV_SHAPES } from './direct-conv-cases.ts';
import type { SelfComparisonOptions } from './self-comparison.ts';
import { initModel } from '../nn/init.ts';
import { architectureByName } from '../nn/architectures.ts';

/** The name and shape of the maps-vs-inference row, for the filter (before its shape is known). */
const AOM_CASE = { name: 'aom maps (all conv)', shape: 'mnist-ref' };
const OPTIMIZER_CASE = { name: 'adam, one dispatch', shape: 'mnist-ref, cifar-ref' };

/**
 * The means tried for speed that are timed ours against ours, row by row (self-comparison.ts): each group is run
 * when the filter picks any of its rows, and filters its rows itself. The progress event names the group by its
 * rows' names and shapes.
 */
interface RowGroup {
  name: string;
  shape: string;
  rows: Array<{ name: string; shape: string }>;
  compare: (ctx: GpuContext, options: SelfComparisonOptions) => Promise<BenchRow[]>;
}
const joinUnique = (texts: string[]) => [...new Set(texts)].join('; ');
function rowGroup(rows: RowGroup['rows'], compare: RowGroup['compare']): RowGroup {
  return { name: joinUnique(rows.map((r) => r.name)), shape: joinUnique(rows.map((r) => r.shape)), rows, compare };
}
const ROW_GROUPS: RowGroup[] = [
  // Winograd's tiles against our direct GEMM and each other (winograd-cases.ts).
  rowGroup(WINOGRAD_CONV_CASES.map((c) => ({ name: c.name, shape: describeConvShape(c.shape) })), compareWinogradToDirect),
  // The direct kernel for few input channels against the GEMM on the first layers (direct-conv-cases.ts).
  rowGroup(DIRECT_CONV_ROWS.flatMap((name) => DIRECT_CONV_SHAPES.map((s) => ({ name, shape: describeConvShape(s) }))), compareDirectConv),
  // Each conv algorithm in a whole training step, on and off (conv-choice-steps.ts).
  rowGroup(CONV_CHOICE_STEP_ROWS, compareConvChoicesInTrainStep),
  // A conv's ReLU backward folded into the tiling max-pool's (relu-fold-cases.ts).
  rowGroup(RELU_FOLD_SHAPES.map((c) => ({ name: RELU_FOLD_ROW, shape: reluFoldShape(c) })), compareReluFold),
];
/** The models of the peak-memory rows (memory-cases.ts), at batch 64 like the timed training steps. */
const MEMORY_MODELS = ['mnist-ref', 'cifar-ref'];

export interface BenchSuiteOptions extends BenchRequest {
  /** Loads MNIST for the maps-vs-inference case (called only when that case is picked). */
  loadMnist: () => Promise<ImageDataset>;
  /** URLs of TF.js's wasm binaries in a bundled page (tfjsWasmPeer); Node needs none. */
  wasmPaths?: Record<string, string>;
  onEvent?: (event: BenchEvent) => void;
}

/** The TF.js peers asked for; a peer that cannot load is left out with a note saying why. */
export async function benchPeers(choice: BenchPeerChoice, options: { wasmPaths?: Record<string, string> } = {}): Promise<{ peers: BenchPeer[]; notes: string[] }> {
  const peers: BenchPeer[] = [];
  const notes: string[] = [];
  if (choice === 'none') return { peers, notes };
  const makers = [['webgpu', () => tfjsWebgpuPeer()], ['wasm', () => tfjsWasmPeer({ wasmPaths: options.wasmPaths })]] as const;
  for (const [name, make] of makers) {
    if (choice !== 'all' && choice !== name) continue;
    const peer = await make();
    if (typeof peer === 'string') notes.push(`${peer}; those rows are measured without it`);
    else peers.push(peer);
  }
  return { peers, notes };
}

/** Runs the bench on `ctx` and returns the report (`bench --json`'s document); events go to `onEvent` as they happen. */
export async function runBenchSuite(ctx: GpuContext, options: BenchSuiteOptions): Promise<BenchReport> {
  const emit = options.onEvent ?? (() => {});
  const filter = options.filter ?? '';
  const picked = (name: string, shape: string) => !filter || `${name} ${shape}`.includes(filter);
  emit({ kind: 'adapter', adapter: ctx.adapterName, kernels: ctx.gemmVariant });
  const { peers, notes } = await benchPeers(options.peers, { wasmPaths: options.wasmPaths });
  for (const message of notes) emit({ kind: 'note', message });

  const cases = [...convBenchCases(ctx), ...denseBenchCases(ctx), ...trainStepCases(ctx)].filter((c) => picked(c.name, c.shape));
  const extras = [OPTIMIZER_CASE, AOM_CASE].filter((c) => picked(c.name, c.shape));
  const groups = ROW_GROUPS.filter((g) => g.rows.some((r) => picked(r.name, r.shape)));
  const memoryModels = MEMORY_MODELS.filter((m) => picked(STEP_MEMORY_CASE, `${m}, batch 64`));
  const count = 2 + cases.length + extras.length + groups.length + memoryModels.length;
  let started = 0;
  const onCase = (c: { name: string; shape: string }) => emit({ kind: 'case', index: started++, count, name: c.name, shape: c.shape });
  const onRow = (row: BenchRow) => emit({ kind: 'row', row });
  const common = { repetitions: options.repetitions, minSeconds: options.minSeconds, onCase, onRow };

  const peakRows = await runBench(ctx, Object.values(peakCases(ctx)), common);
  const peak = peakFromRows(peakRows);
  emit({ kind: 'peak', peak });
  const rows: BenchRow[] = [...peakRows, ...(await runBench(ctx, cases, { ...common, peers, peak }))];
  // A means tried for speed, ours against ours: one optimizer dispatch over all parameters (optimizer-cases.ts).
  // It applies the filter to each of its rows' own shapes; the progress event uses both models' names.
  if (extras.includes(OPTIMIZER_CASE)) onCase(OPTIMIZER_CASE);
  for (const row of await compareOptimizerPacking(ctx, { repetitions: options.repetitions, minSeconds: options.minSeconds, filter: picked })) {
    rows.push(row);
    onRow(row);
  }
  // The other means tried, ours against ours, group by group (ROW_GROUPS).
  for (const group of groups) {
    onCase(group);
    for (const row of await group.compare(ctx, { repetitions: options.repetitions, minSeconds: options.minSeconds, filter: picked })) {
      rows.push(row);
      onRow(row);
    }
  }
  // Peak GPU memory of a training step, ours and TF.js WebGPU's, each from an empty start (memory-cases.ts).
  if (memoryModels.length) {
    const memoryPeers: StepMemoryPeer[] = [];
    if (options.peers === 'all' || options.peers === 'webgpu') {
      const peer = await tfjsWebgpuStepMemoryPeer();
      if (typeof peer === 'string') emit({ kind: 'note', message: `${peer}; the memory rows are measured without it` });
      else memoryPeers.push(peer);
    }
    for (const name of memoryModels) {
      onCase({ name: STEP_MEMORY_CASE, shape: `${name}, batch 64` });
      for (const row of await stepMemoryRows(ctx, [initModel(architectureByName(name), 1)], memoryPeers)) {
        rows.push(row);
        onRow(row);
      }
    }
  }
  // Maps of every conv layer vs a plain inference pass over the same MNIST test images (aom-cases.ts).
  if (extras.includes(AOM_CASE)) {
    onCase(AOM_CASE);
    const row = await compareAomToInference(ctx, { dataset: await options.loadMnist(), images: options.aomImages, repetitions: options.repetitions });
    rows.push(row);
    onRow(row);
  }
  return { adapter: ctx.adapterName, kernels: ctx.gemmVariant, peak, rows };
}
