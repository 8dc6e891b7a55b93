/**
 * `aom-studio bench [--json] [--filter TEXT] [--repetitions N] [--peers all|webgpu|wasm|none] [--aom-images N]`: our kernels and
 * training steps on the adapter in use, each timed alternately with a peer in the same run (TF.js 4.22's WebGPU
 * backend on the same adapter; its wasm backend for conv forward) with the ratio peer ms / our ms (> 1: ours is
 * faster), and the share of the adapter's measured ceiling; the cost of the activation maps against inference over
 * the first N MNIST test images (default 1,024; 10000 is the whole test set; aom-cases.ts). With --json, one
 * document, a BenchReport (src/session/bench-api.ts; the bench page saves the same): { adapter, kernels, peak,
 * rows: [{ name, shape, unit, ours, oursMs, gpuMs?, peakShare?, peer?, peerMs?, peerName?, peerPeakShare?, ratio? }] }.
 * The cases and their order are bench-suite.ts's, shared with the page.
 */
import { acquireGpu } from '../../gpu/device.ts';
import { loadDatasetFromSpec } from '../../data/dataset-files-node.ts';
import { runBenchSuite } from '../../bench/bench-suite.ts';
import type { BenchRow } from '../../bench/harness.ts';
import type { BenchPeerChoice } from '../../session/bench-api.ts';
import { profileTrainStep, type StepProfile } from '../../bench/step-profile.ts';
import type { GpuContext } from '../../gpu/context.ts';
import { resolveModel } from '../session.ts';
import type { CommandIo } from '../command-io.ts';
import { defineCommand, type CommandLine, type CommandSpec } from '../options.ts';

const PEERS = ['all', 'webgpu', 'wasm', 'none'] as const satisfies readonly BenchPeerChoice[];

const BENCH = {
  name: 'bench',
  summary: 'benchmark kernels and training steps side by side with TF.js on the adapter in use, and the maps against inference',
  options: {
    filter: { type: 'string', value: 'TEXT', defaultText: 'every case', description: "only the cases whose 'name shape' contains TEXT ('train step', 'conv forward', 'mnist', 'aom')" },
    repetitions: { type: 'string', number: 'integer', min: 1, default: 3, value: 'N', description: 'timed runs per case (and per peer, alternating with ours)' },
    peers: { type: 'string', choices: PEERS, default: 'all', value: 'NAME', description: "peers timed beside ours: TF.js's WebGPU backend, its wasm backend (conv forward), both, or none" },
    'aom-images': { type: 'string', number: 'integer', min: 1, default: 1024, value: 'N', description: 'MNIST test images for the maps-vs-inference case (10000: the whole test set)' },
    profile: { type: 'string', value: 'MODEL', description: 'instead: time one training step dispatch by dispatch (mnist-ref, cifar-ref or a model.json)' },
    batch: { type: 'string', number: 'integer', min: 1, default: 64, value: 'B', description: 'batch size of the profiled step (--profile)' },
    json: { type: 'boolean', description: 'print one JSON document { adapter, rows } (with --profile: the profile) instead of a table' },
  },
  examples: [
    'aom-studio bench',
    "aom-studio bench --filter 'train step' --repetitions 5",
    'aom-studio bench --filter aom --aom-images 10000',
    'aom-studio bench --peers none --json',
    'aom-studio bench --profile cifar-ref',
  ],
} as const satisfies CommandSpec;

export const benchCommand = defineCommand(BENCH, benchmarkKernels);

const fixed = (x: number | undefined, digits: number) => (x === undefined ? '-' : x.toFixed(digits));
const percent = (x: number | undefined) => (x === undefined ? '-' : `${(100 * x).toFixed(1)}%`);

async function benchmarkKernels({ values }: CommandLine<typeof BENCH.options>, io: CommandIo): Promise<number> {
  const json = values.json;
  const ctx = await acquireGpu();
  if (values.profile) return printProfile(ctx, values.profile, values.batch, values.repetitions, json, io);
  const printRow = (r: BenchRow) => {
    if (r.name === 'aom maps (all conv)') {
      io.stdout(`${r.name} (${r.shape}): ${r.ours.toFixed(0)} ${r.unit}, ${r.oursMs.toFixed(0)} ms; ${r.peerName} ${r.peer!.toFixed(0)} ${r.unit}; time maps / inference ${(1 / r.ratio!).toFixed(3)}\n`);
      return;
    }
    io.stdout(
      `${r.name.padEnd(18)} ${r.shape.padEnd(30)} ${fixed(r.ours, 2).padStart(9)} ${r.unit.padEnd(9)} ${fixed(r.oursMs, 1).padStart(9)} ${percent(r.peakShare).padStart(6)}  ` +
        `${(r.peerName ?? '-').padEnd(18)} ${fixed(r.peer, 2).padStart(9)} ${fixed(r.peerMs, 1).padStart(9)} ${fixed(r.ratio, 2).padStart(6)}\n`,
    );
  };
  // The cases, their order and the repetition rules are the suite's (bench-suite.ts), shared with the bench page.
  // Short cases repeat for about a second (up to 25 pairs with a peer), for a median on a busy machine.
  const report = await runBenchSuite(ctx, {
    filter: values.filter,
    repetitions: values.repetitions,
    minSeconds: 1,
    peers: values.peers,
    aomImages: values['aom-images'],
    loadMnist: () => loadDatasetFromSpec('mnist'),
    onEvent: (event) => {
      if (event.kind === 'note') io.stderr(`aom-studio bench: ${event.message}\n`);
      if (json) return;
      if (event.kind === 'adapter') {
        io.stdout(`adapter: ${event.adapter}; conv/dense kernels: ${event.kernels} (AOM_KERNELS=lavapipe|tiled overrides)\n`);
        io.stdout(`${'case'.padEnd(18)} ${'shape'.padEnd(30)} ${'ours'.padStart(9)} ${'unit'.padEnd(9)} ${'ms'.padStart(9)} ${'peak'.padStart(6)}  ${'peer'.padEnd(18)} ${'peer'.padStart(9)} ${'ms'.padStart(9)} ${'ratio'.padStart(6)}\n`);
      }
      if (event.kind === 'row') printRow(event.row);
    },
  });
  if (!json) io.stdout('ratio = peer ms / our ms, timed alternately in this run (> 1: ours is faster); train step memory: peer MiB / our MiB (> 1: ours needs less)\n');
  if (!json) io.stdout('peak = share of the adapter fma peak (GFLOP/s; training steps: 3x forward FLOPs) or of the copy peak (GB/s)\n');
  if (json) io.stdout(JSON.stringify(report, null, 2) + '\n');
  ctx.destroy();
  return 0;
}

/** `--profile MODEL`: one training step dispatch by dispatch (step-profile.ts). */
async function printProfile(ctx: GpuContext, modelArg: string, batch: number, repetitions: number, json: boolean, io: CommandIo): Promise<number> {
  const { model } = await resolveModel(modelArg, 1);
  const p: StepProfile = await profileTrainStep(ctx, model, { batch, repetitions });
  if (json) {
    io.stdout(JSON.stringify({ adapter: ctx.adapterName, kernels: ctx.gemmVariant, ...p }, null, 2) + '\n');
  } else {
    const how = p.timing === 'timestamp-query'
      ? "GPU time from timestamp queries, each dispatch in its own pass of one command buffer"
      : 'wall clock of each dispatch submitted alone and waited for (no timestamp-query on this adapter: each row includes a submit and a wait)';
    io.stdout(`adapter: ${ctx.adapterName}; conv/dense kernels: ${ctx.gemmVariant}\n${p.model}, batch ${p.batch}, one training step (Adam), median of ${repetitions}; timing: ${how}\n`);
    io.stdout(`${'#'.padStart(3)} ${'ms'.padStart(9)} ${'share'.padStart(6)}  ${'kernel'.padEnd(34)} ${'shape'.padEnd(30)} dispatch\n`);
    for (const e of p.entries) {
      io.stdout(`${String(e.index).padStart(3)} ${e.ms.toFixed(2).padStart(9)} ${percent(e.share).padStart(6)}  ${e.kernel.padEnd(34)} ${e.shape.padEnd(30)} ${e.label}\n`);
    }
    io.stdout(`sum of the dispatches ${p.totalMs.toFixed(1)} ms; the whole step in one submit ${p.stepMs.toFixed(1)} ms (wall clock)\n`);
  }
  ctx.destroy();
  return 0;
}
