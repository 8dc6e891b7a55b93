/**
 * `aom-studio bench [--json] [--filter TEXT] [--repetitions N] [--aom-images N]`: GFLOP/s of the conv kernels on
 * the adapter in use, and the cost of the activation maps against inference over the first N MNIST test images
 * (default 1,024, which keeps the run under a minute on a software GPU; 10000 is the whole test set; aom-cases.ts). With --json, one document: { adapter, rows: [{ name, shape, unit, ours, oursMs, peer?, peerName?, ratio? }] }.
 */
import { acquireGpu } from '../../gpu/device.ts';
import { convBenchCases } from '../../bench/conv-cases.ts';
import { compareAomToInference } from '../../bench/aom-cases.ts';
import { runBench, type BenchRow } from '../../bench/harness.ts';
import type { CommandIo } from '../command-io.ts';
import { defineCommand, type CommandLine, type CommandSpec } from '../options.ts';

const BENCH = {
  name: 'bench',
  summary: 'benchmark the GPU kernels: conv GFLOP/s on the adapter in use, and the cost of the maps against inference',
  options: {
    filter: { type: 'string', value: 'TEXT', defaultText: 'every case', description: "only the cases whose 'name shape' contains TEXT ('aom' for the maps alone)" },
    repetitions: { type: 'string', number: 'integer', min: 1, default: 3, value: 'N', description: 'timed runs per case' },
    'aom-images': { type: 'string', number: 'integer', min: 1, default: 1024, value: 'N', description: 'MNIST test images for the maps-vs-inference case (10000: the whole test set)' },
    json: { type: 'boolean', description: 'print one JSON document { adapter, rows } instead of a table' },
  },
  examples: ['aom-studio bench', 'aom-studio bench --filter aom --aom-images 10000', 'aom-studio bench --json'],
} as const satisfies CommandSpec;

export const benchCommand = defineCommand(BENCH, benchmarkKernels);

async function benchmarkKernels({ values }: CommandLine<typeof BENCH.options>, io: CommandIo): Promise<number> {
  const json = values.json;
  const filter = values.filter;
  const ctx = await acquireGpu();
  const cases = convBenchCases(ctx).filter((c) => !filter || `${c.name} ${c.shape}`.includes(filter));
  if (!json) {
    io.stdout(`adapter: ${ctx.adapterName}\n`);
    io.stdout(`${'kernel'.padEnd(18)} ${'shape'.padEnd(28)} ${'ours'.padStart(10)} ${'wall ms'.padStart(10)} ${'GPU ms'.padStart(10)}\n`);
  }
  const rows: BenchRow[] = await runBench(ctx, cases, {
    repetitions: values.repetitions,
    onRow: (r) => {
      if (!json) io.stdout(`${r.name.padEnd(18)} ${r.shape.padEnd(28)} ${r.ours.toFixed(2).padStart(10)} ${r.oursMs.toFixed(1).padStart(10)} ${(r.gpuMs?.toFixed(1) ?? '-').padStart(10)}  ${r.unit}\n`);
    },
  });
  // Maps of every conv layer vs a plain inference pass over the same MNIST test images (aom-cases.ts).
  if (!filter || 'aom maps'.includes(filter)) {
    const r = await compareAomToInference(ctx, { images: values['aom-images'], repetitions: values.repetitions });
    rows.push(r);
    if (!json) io.stdout(`${r.name} (${r.shape}): ${r.ours.toFixed(0)} ${r.unit}, ${r.oursMs.toFixed(0)} ms; ${r.peerName} ${r.peer!.toFixed(0)} ${r.unit}; time maps / inference ${(1 / r.ratio!).toFixed(3)}\n`);
  }
  if (json) io.stdout(JSON.stringify({ adapter: ctx.adapterName, rows }, null, 2) + '\n');
  ctx.destroy();
  return 0;
}
