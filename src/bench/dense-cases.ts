/**
 * Dense kernel benchmark cases: forward, input gradient and weight gradient of the first dense layer of the two
 * reference models (batch 64): mnist-ref's 1568 -> 128 and cifar-ref's 4096 -> 256.
 */
import type { GpuContext } from '../gpu/context.ts';
import { destroyCalls, submitCalls, type KernelCall } from '../gpu/kernel-call.ts';
import { planDenseBackpropFilter, planDenseBackpropInput, planDenseForward, type DenseShape } from '../gpu/kernels/dense.ts';
import type { BenchCase } from './harness.ts';

export const REFERENCE_DENSE_SHAPES: DenseShape[] = [
  { batch: 64, inF: 1568, outF: 128 },
  { batch: 64, inF: 4096, outF: 256 },
];

export const describeDenseShape = (s: DenseShape) => `${s.batch}x${s.inF} -> ${s.outF}`;

export function denseBenchCases(ctx: GpuContext, shapes = REFERENCE_DENSE_SHAPES): BenchCase[] {
  const cases: BenchCase[] = [];
  for (const s of shapes) {
    for (const kind of ['dense forward', 'dense input grad', 'dense weight grad'] as const) {
      let calls: KernelCall[] | null = null;
      let buffers: GPUBuffer[] = [];
      const prepare = async () => {
        const x = ctx.createBuffer('bench x', s.batch * s.inF * 4);
        const w = ctx.createBuffer('bench w', s.inF * s.outF * 4);
        const y = ctx.createBuffer('bench y', s.batch * s.outF * 4);
        buffers = [x, w, y];
        calls =
          kind === 'dense forward'
            ? await planDenseForward(ctx, { x, w, bias: null, y, shape: s })
            : kind === 'dense input grad'
              ? await planDenseBackpropInput(ctx, { dy: y, w, dx: x, shape: s })
              : await planDenseBackpropFilter(ctx, { x, dy: y, dw: w, shape: s });
      };
      cases.push({
        name: kind,
        shape: describeDenseShape(s),
        unit: 'GFLOP/s',
        work: 2 * s.batch * s.inF * s.outF,
        async run() {
          if (!calls) await prepare();
          submitCalls(ctx, calls!, kind);
        },
        calls: () => calls ?? [],
        peerWork: { kind, shape: s },
        dispose() {
          if (calls) destroyCalls(calls);
          for (const b of buffers) b.destroy();
          calls = null;
        },
      });
    }
  }
  return cases;
}
