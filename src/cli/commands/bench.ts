/**
 * `aom-studio bench [--json] [--filter TEXT] [--repetitions N]`: GFLOP/s of the conv kernels on the adapter in
 * use. With --json, one document: { adapter, rows: [{ name, shape, unit, ours, oursMs, peer?, peerName?, ratio? }] }.
 */
import { acquireGpu } from '../../gpu/device.ts';
import { convBenchCases } from '../../bench/conv-cases.ts';
import { runBench, type BenchRow } from '../../bench/harness.ts';
import { numberOption, option, parseArgs } from '../args.ts';
import type { CommandIo } from '../main.ts';

export async function benchCommand(argv: string[], io: CommandIo): Promise<number> {
  const args = parseArgs(argv, { values: ['filter', 'repetitions'], flags: ['json'] });
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
  if (json) io.stdout(JSON.stringify({ adapter: ctx.adapterName, rows }, null, 2) + '\n');
  ctx.destroy();
  return 0;
}
