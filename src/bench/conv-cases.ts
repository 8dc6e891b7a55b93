/**
 * Conv kernel benchmark cases: forward, input gradient and weight gradient on the four reference shapes of the
 * project (NHWC input, HWIO filter, stride 1, 'same'), from the MNIST and CIFAR reference models. The forward and
 * input gradient are the ones the network runs: Winograd F(2x2, 3x3) on the 3x3 shapes (unless AOM_WINOGRAD=off),
 * direct otherwise.
 */
import type { GpuContext } from '../gpu/context.ts';
import { destroyCalls, submitCalls, type KernelCall } from '../gpu/kernel-call.ts';
import { planConv2dBackpropFilter } from '../gpu/kernels/conv2d.ts';
import { planConv2dBackpropInputFastest, planConv2dForwardFastest } from '../gpu/kernels/conv2d-fastest.ts';
import { conv2dGeometry, type Conv2dShape } from '../gpu/kernels/conv2d-contract.ts';
import type { BenchCase } from './harness.ts';

export const REFERENCE_CONV_SHAPES: Conv2dShape[] = [
  { batch: 64, inH: 28, inW: 28, inC: 1, kH: 5, kW: 5, outC: 32, strideH: 1, strideW: 1, padding: 'same' },
  { batch: 64, inH: 14, inW: 14, inC: 32, kH: 5, kW: 5, outC: 64, strideH: 1, strideW: 1, padding: 'same' },
  { batch: 128, inH: 32, inW: 32, inC: 32, kH: 3, kW: 3, outC: 32, strideH: 1, strideW: 1, padding: 'same' },
  { batch: 128, inH: 16, inW: 16, inC: 64, kH: 3, kW: 3, outC: 64, strideH: 1, strideW: 1, padding: 'same' },
];

export const describeConvShape = (s: Conv2dShape) => `${s.batch}x${s.inH}x${s.inW}x${s.inC} -> ${s.outC}, ${s.kH}x${s.kW}`;

/** FLOPs of one conv forward (2 per multiply-add); the input and weight gradients cost the same. */
export function convFlops(s: Conv2dShape): number {
  const g = conv2dGeometry(s);
  return 2 * s.batch * g.outH * g.outW * s.outC * s.kH * s.kW * s.inC;
}

export function convBenchCases(ctx: GpuContext, shapes = REFERENCE_CONV_SHAPES): BenchCase[] {
  const cases: BenchCase[] = [];
  for (const s of shapes) {
    for (const kind of ['conv forward', 'conv input grad', 'conv weight grad'] as const) {
      let calls: KernelCall[] | null = null;
      let buffers: GPUBuffer[] = [];
      const prepare = async () => {
        const g = conv2dGeometry(s);
        const x = ctx.createBuffer('bench x', s.batch * s.inH * s.inW * s.inC * 4);
        const w = ctx.createBuffer('bench w', s.kH * s.kW * s.inC * s.outC * 4);
        const y = ctx.createBuffer('bench y', s.batch * g.outH * g.outW * s.outC * 4);
        buffers = [x, w, y];
        calls =
          kind === 'conv forward'
            ? await planConv2dForwardFastest(ctx, { x, w, bias: null, y, shape: s })
            : kind === 'conv input grad'
              ? await planConv2dBackpropInputFastest(ctx, { dy: y, w, dx: x, shape: s })
              : await planConv2dBackpropFilter(ctx, { x, dy: y, dw: w, shape: s });
      };
      cases.push({
        name: kind,
        shape: describeConvShape(s),
        unit: 'GFLOP/s',
        work: convFlops(s),
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
