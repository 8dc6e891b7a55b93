/**
 * The suite that `aom-studio bench` and the bench page share (src/bench/bench-suite.ts): its events come in the
 * order the page relies on (the adapter, then each case before its rows, the ceilings once measured), the filter
 * picks cases by 'name shape' while the ceilings always run, and the report is `bench --json`'s document with the
 * same rows the events carried. One small dense case without peers, one repetition (times are the machine's).
 */
import { describe, expect, it } from 'vitest';
import { useGpu } from '../helpers/gpu.ts';
import { runBenchSuite } from '../../src/bench/bench-suite.ts';
import type { BenchEvent } from '../../src/session/bench-api.ts';
import type { GpuContext } from '../../src/gpu/context.ts';
import { DEFAULT_CONV_CHOICES } from '../../src/gpu/kernels/conv-choices.ts';

const gpu = useGpu();

/** The suite on the rows `filter` picks: one repetition, no peers, MNIST never loaded. */
const quickSuite = (ctx: GpuContext, filter: string) =>
  runBenchSuite(ctx, {
    filter, repetitions: 1, minSeconds: 0, peers: 'none', aomImages: 1,
    loadMnist: () => Promise.reject(new Error('the maps case is not picked: MNIST must not be loaded')),
  });

describe('bench suite', () => {
  it('runs the ceilings and the filtered cases, telling each case before its rows, and reports them', async () => {
    const ctx = gpu();
    const events: BenchEvent[] = [];
    const report = await runBenchSuite(ctx, {
      filter: 'dense forward 64x1568',
      repetitions: 1,
      minSeconds: 0,
      peers: 'none',
      aomImages: 1,
      loadMnist: () => Promise.reject(new Error('the maps case is not picked: MNIST must not be loaded')),
      onEvent: (e) => events.push(e),
    });
    const shape = (e: BenchEvent) => (e.kind === 'case' ? `case ${e.index}/${e.count} ${e.name}` : e.kind === 'row' ? `row ${e.row.name}` : e.kind);
    expect(events.map(shape)).toEqual([
      'adapter',
      'case 0/3 adapter fma peak',
      'row adapter fma peak',
      'case 1/3 adapter copy peak',
      'row adapter copy peak',
      'peak',
      'case 2/3 dense forward',
      'row dense forward',
    ]);
    expect(Object.keys(report)).toEqual(['adapter', 'kernels', 'peak', 'rows']);
    expect(report.adapter).toBe(ctx.adapterName);
    expect(report.kernels).toBe(ctx.gemmVariant);
    expect(report.rows).toEqual(events.flatMap((e) => (e.kind === 'row' ? [e.row] : [])));
    expect(report.peak).toEqual({ gflops: report.rows[0].ours, gbps: report.rows[1].ours });
    const dense = report.rows[2];
    expect(dense.shape).toBe('64x1568 -> 128');
    expect(dense.ours).toBeGreaterThan(0);
    expect(dense.peakShare).toBeGreaterThan(0);
    expect(dense.peerName).toBeUndefined();
  });

  it('compares Winograd with the direct GEMM side by side, forward, input and weight gradients, for the shape the filter names', async () => {
    const ctx = gpu();
    const report = await quickSuite(ctx, 'Winograd F(2x2, 3x3) 64x8x8x64');
    const rows = report.rows.slice(2);
    expect(rows.map((r) => `${r.name} | ${r.shape} | ${r.peerName}`)).toEqual([
      'conv forward, Winograd F(2x2, 3x3) | 64x8x8x64 -> 128, 3x3 | direct implicit GEMM (ours)',
      'conv input grad, Winograd F(2x2, 3x3) | 64x8x8x64 -> 128, 3x3 | direct implicit GEMM (ours)',
      'conv weight grad, Winograd F(2x2, 3x3) | 64x8x8x64 -> 128, 3x3 | direct implicit GEMM (ours)',
    ]);
    for (const r of rows) expect(r.ratio).toBeCloseTo(r.peerMs! / r.oursMs!, 2);
  });

  it('compares the max-pool backward with the ReLU folded in against the two passes it replaces, for the pool the filter names', async () => {
    const ctx = gpu();
    const report = await quickSuite(ctx, 'ReLU folded in mnist-ref pool2');
    const rows = report.rows.slice(2);
    expect(rows.map((r) => `${r.name} | ${r.shape} | ${r.unit} | ${r.peerName}`)).toEqual([
      'maxpool backward, ReLU folded in | mnist-ref pool2: 64x14x14x32, 2x2/2 | GB/s | pool scatter + ReLU backward (ours)',
    ]);
    expect(rows[0].ratio).toBeCloseTo(rows[0].peerMs! / rows[0].oursMs!, 2);
  });

  it('times a whole cifar-small training step with Winograd on and off side by side, and leaves the switch as it was', async () => {
    const ctx = gpu();
    const report = await quickSuite(ctx, 'train step, Winograd on cifar-small');
    expect(report.rows.slice(2).map((r) => `${r.name} | ${r.shape} | ${r.unit} | ${r.peerName}`)).toEqual([
      'train step, Winograd on | cifar-small, batch 64 | images/s | AOM_WINOGRAD=off (ours)',
    ]);
    expect(report.rows[2].ours).toBeGreaterThan(0);
    expect(ctx.convChoices).toEqual(DEFAULT_CONV_CHOICES);
  });
});
