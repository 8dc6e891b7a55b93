/**
 * `aom-studio bench [--json] [--filter TEXT] [--repetitions N] [--peers all|webgpu|wasm|none] [--aom-images N]`: our kernels and
 * training steps on the adapter in use, each timed alternately with a peer in the same run (TF.js 4.22's WebGPU
 * backend on the same adapter; its wasm backend for conv forward) with the ratio peer ms / our ms (> 1: ours is
 * faster), and the share of the adapter's measured ceiling; the cost of the activation maps against inference over
 * the first N MNIST test images (default 1,024; 10000 is the whole test set; aom-cases.ts). With --json, one
 * document: { adapter, peak, rows: [{ name, shape, unit, ours, oursMs, gpuMs?, peakShare?, peer?, peerMs?,
 * peerName?, peerPeakShare?, ratio? }] }.
 */
import { acquireGpu } from '../../gpu/device.ts';
import { convBenchCases } from '../../bench/conv-cases.ts';
import { denseBenchCases } from '../../bench/dense-cases.ts';
import { trainStepCases } from '../../bench/train-cases.ts';
import { peakCases, peakFromRows } from '../../bench/peak-cases.ts';
import { compareAomToInference } from '../../bench/aom-cases.ts';
import { runBench, type BenchPeer, type BenchRow } from '../../bench/harness.ts';
import { tfjsWasmPeer, tfjsWebgpuPeer } from '../../bench/tfjs-peers.ts';
import { profileTrainStep, type StepProfile } from '../../bench/step-profile.ts';
import { compareOptimizerPacking } from '../../bench/optimizer-cases.ts';
import type { GpuContext } from '../../gpu/context.ts';
import { resolveModel } from '../session.ts';
import type { CommandIo } from '../command-io.ts';
import { defineCommand, type CommandLine, type CommandSpec } from '../options.ts';

const PEERS = ['all', 'webgpu', 'wasm', 'none'] as const;

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
  const filter = values.filter;
  const picked = (name: string, shape: string) => !filter || `${name} ${shape}`.includes(filter);
  const ctx = await acquireGpu();
  if (values.profile) return printProfile(ctx, values.profile, values.batch, values.repetitions, json, io);
  const peers: BenchPeer[] = [];
  if (values.peers !== 'none') {
    for (const [name, make] of [['webgpu', tfjsWebgpuPeer], ['wasm', tfjsWasmPeer]] as const) {
      if (values.peers !== 'all' && values.peers !== name) continue;
      const peer = await make();
      if (typeof peer === 'string') io.stderr(`aom-studio bench: ${peer}; those rows are measured without it\n`);
      else peers.push(peer);
    }
  }
  const cases = [...convBenchCases(ctx), ...denseBenchCases(ctx), ...trainStepCases(ctx)].filter((c) => picked(c.name, c.shape));
  if (!json) {
    io.stdout(`adapter: ${ctx.adapterName}; conv/dense kernels: ${ctx.gemmVariant} (AOM_KERNELS=lavapipe|tiled overrides)\n`);
    io.stdout(`${'case'.padEnd(18)} ${'shape'.padEnd(30)} ${'ours'.padStart(9)} ${'unit'.padEnd(9)} ${'ms'.padStart(9)} ${'peak'.padStart(6)}  ${'peer'.padEnd(18)} ${'peer'.padStart(9)} ${'ms'.padStart(9)} ${'ratio'.padStart(6)}\n`);
  }
  const onRow = (r: BenchRow) => {
    if (json) return;
    io.stdout(
      `${r.name.padEnd(18)} ${r.shape.padEnd(30)} ${fixed(r.ours, 2).padStart(9)} ${r.unit.padEnd(9)} ${fixed(r.oursMs, 1).padStart(9)} ${percent(r.peakShare).padStart(6)}  ` +
        `${(r.peerName ?? '-').padEnd(18)} ${fixed(r.peer, 2).padStart(9)} ${fixed(r.peerMs, 1).padStart(9)} ${fixed(r.ratio, 2).padStart(6)}\n`,
    );
  };
  // The adapter's ceilings first, always: every other row's share of peak divides by them (peak-cases.ts).
  const peakRows = await runBench(ctx, Object.values(peakCases(ctx)), { repetitions: values.repetitions, minSeconds: 1, onRow });
  const peak = peakFromRows(peakRows);
  // Short cases repeat for about a second (up to 25 pairs with a peer), for a median on a busy machine.
  const rows: BenchRow[] = [...peakRows, ...(await runBench(ctx, cases, { repetitions: values.repetitions, minSeconds: 1, peers, peak, onRow }))];
  // A means tried for speed, ours against ours: one optimizer dispatch over all parameters (optimizer-cases.ts).
  for (const r of await compareOptimizerPacking(ctx, { repetitions: values.repetitions, minSeconds: 1, filter: picked })) {
    rows.push(r);
    onRow(r);
  }
  // Maps of every conv layer vs a plain inference pass over the same MNIST test images (aom-cases.ts).
  if (picked('aom maps (all conv)', 'mnist-ref')) {
    const r = await compareAomToInference(ctx, { images: values['aom-images'], repetitions: values.repetitions });
    rows.push(r);
    if (!json) io.stdout(`${r.name} (${r.shape}): ${r.ours.toFixed(0)} ${r.unit}, ${r.oursMs.toFixed(0)} ms; ${r.peerName} ${r.peer!.toFixed(0)} ${r.unit}; time maps / inference ${(1 / r.ratio!).toFixed(3)}\n`);
  }
  if (!json) io.stdout('ratio = peer ms / our ms, timed alternately in this run (> 1: ours is faster)\n');
  if (!json) io.stdout('peak = share of the adapter fma peak (GFLOP/s; training steps: 3x forward FLOPs) or of the copy peak (GB/s)\n');
  if (json) io.stdout(JSON.stringify({ adapter: ctx.adapterName, kernels: ctx.gemmVariant, peak, rows }, null, 2) + '\n');
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
