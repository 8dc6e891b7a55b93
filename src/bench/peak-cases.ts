/**
 * The adapter's own ceilings, measured by the bench before every other case: an FMA loop (attainable fp32
 * GFLOP/s: 262,144 threads x 512 rounds of 16 independent FMAs, 4.3 GFLOP) and a vec4 copy (attainable GB/s,
 * read plus write: 2 x 32 MiB). Every other row's `peakShare` is its figure over these (harness.ts), so a row
 * says how close a kernel is to what this adapter can do at all, whatever the adapter.
 */
import type { GpuContext } from '../gpu/context.ts';
import { destroyCalls, submitCalls, type KernelCall } from '../gpu/kernel-call.ts';
import { fmaLoopFlops, planCopyLoop, planFmaLoop } from '../gpu/kernels/adapter-peak.ts';
import type { AdapterPeak, BenchCase, BenchRow } from './harness.ts';

const FMA_THREADS = 262_144;
const FMA_ITERATIONS = 512;
const COPY_VEC4S = 2 * 1024 * 1024; // 32 MiB

function singleCallCase(
  ctx: GpuContext,
  meta: Pick<BenchCase, 'name' | 'shape' | 'unit' | 'work'>,
  plan: () => Promise<{ call: KernelCall; buffers: GPUBuffer[] }>,
): BenchCase {
  let planned: { call: KernelCall; buffers: GPUBuffer[] } | null = null;
  return {
    ...meta,
    async run() {
      planned ??= await plan();
      submitCalls(ctx, [planned.call], meta.name);
    },
    calls: () => (planned ? [planned.call] : []),
    dispose() {
      if (!planned) return;
      destroyCalls([planned.call]);
      for (const b of planned.buffers) b.destroy();
      planned = null;
    },
  };
}

export function peakCases(ctx: GpuContext): { fma: BenchCase; copy: BenchCase } {
  const fma = singleCallCase(
    ctx,
    { name: 'adapter fma peak', shape: `${FMA_THREADS} threads x ${FMA_ITERATIONS} x 16 FMA`, unit: 'GFLOP/s', work: fmaLoopFlops(FMA_THREADS, FMA_ITERATIONS) },
    async () => {
      const out = ctx.createBuffer('fma peak out', FMA_THREADS * 4);
      return { call: await planFmaLoop(ctx, { out, threads: FMA_THREADS, iterations: FMA_ITERATIONS, multiplier: 0.999, addend: 0.001 }), buffers: [out] };
    },
  );
  const copy = singleCallCase(
    ctx,
    { name: 'adapter copy peak', shape: `${(COPY_VEC4S * 16) / 2 ** 20} MiB read + written`, unit: 'GB/s', work: 2 * COPY_VEC4S * 16 },
    async () => {
      const src = ctx.createBuffer('copy peak src', COPY_VEC4S * 16);
      const dst = ctx.createBuffer('copy peak dst', COPY_VEC4S * 16);
      return { call: await planCopyLoop(ctx, { src, dst, vec4s: COPY_VEC4S }), buffers: [src, dst] };
    },
  );
  return { fma, copy };
}

/** The ceilings from the two rows `runBench` gave for peakCases (in that order). */
export function peakFromRows(rows: readonly BenchRow[]): AdapterPeak {
  const fma = rows.find((r) => r.name === 'adapter fma peak');
  const copy = rows.find((r) => r.name === 'adapter copy peak');
  if (!fma || !copy) throw new Error('peak-cases: the fma and copy rows are missing');
  return { gflops: fma.ours, gbps: copy.ours };
}
