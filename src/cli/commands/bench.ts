/**
 * `aom-studio bench [--json] [--filter TEXT] [--repetitions N] [--aom-images N]`: GFLOP/s of the conv kernels on
 * the adapter in use, and the cost of the activation maps against inference over the first N MNIST test images
 * (default 1,024, which keeps the run under a minute on a software GPU; 10000 is the whole test set; aom-cases.ts). With --json, one document: { adapter, rows: [{ name, shape, unit, ours, oursMs, peer?, peerName?, ratio? }] }.
 */
import { acquireGpu } from '../../gpu/device.ts';
import { convBenchCases } from '../../bench/conv-cases.ts';
import { compareAomToInference } from '../../bench/aom-cases.ts';
import { runBench, type BenchRow } from '../../bench/harness.ts';
import { numberOption, option, parseArgs } from '../args.ts';
import type { CommandIo } from '../main.ts';

export async function benchCommand(argv: string[], io: CommandIo): Promise<number> {
  const args = parseArgs(argv, { values: ['filter', 'repetitions', 'aom-images'], flags: ['json'] });
  const json = args.flags.has('json');
  const filter = option(args, 'filter');
  const ctx = await acquireGpu();
  const cases = convBenchCases(ctx).filter((c) => !filter || `${c.name} ${c.shape}`.includes(filter));
  if (!json) {
    io.stdout(`adapter: ${ctx.adapterName}\n`);
    io.stdout(`${'kernel'.padEnd(18)} ${'shape'.padEnd(28)} ${'ours'.padStart(10)} ${'wall ms'.padStart(10)} ${'GPU ms'.padStart(10)}\n`);
  }
  const rows: BenchRow[] = await runBench(ctx, cases, {
    repetitions: numberOption(args, 'repetitions', 3),
    onRow: (r) => {
      if (!json) io.stdout(`${r.name.padEnd(18)} ${r.shape.padEnd(28)} ${r.ours.toFixed(2).padStart(10)} ${r.oursMs.toFixed(1).padStart(10)} ${(r.gpuMs?.toFixed(1) ?? '-').padStart(10)}  ${r.unit}\n`);
    },
  });
  // Maps of every conv layer vs a plain inference pass over the same MNIST test images (aom-cases.ts).
  if (!filter || 'aom maps'.includes(filter)) {
    const r = await compareAomToInference(ctx, { images: numberOption(args, 'aom-images', 1024), repetitions: numberOption(args, 'repetitions', 3) });
    rows.push(r);
    if (!json) io.stdout(`${r.name} (${r.shape}): ${r.ours.toFixed(0)} ${r.unit}, ${r.oursMs.toFixed(0)} ms; ${r.peerName} ${r.peer!.toFixed(0)} ${r.unit}; time maps / inference ${(1 / r.ratio!).toFixed(3)}\n`);
  }
  if (json) io.stdout(JSON.stringify({ adapter: ctx.adapterName, rows }, null, 2) + '\n');
  ctx.destroy();
  return 0;
}
