/**
 * The bench harness's bookkeeping, with a stub context and stub work (no GPU, no timing claims): ours and a peer
 * alternate (A B B A ...) after one warm-up each, each peer that does a case's work gets its own row with
 * ratio = peer ms / our ms, a case no peer does is measured alone, and shares of peak follow the unit.
 */
import { describe, expect, it } from 'vitest';
import type { GpuContext } from '../../src/gpu/context.ts';
import { runBench, type BenchCase, type BenchPeer } from '../../src/bench/harness.ts';

const stubCtx = { hasTimestamps: false, sync: async () => {} } as unknown as GpuContext;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function stubCase(log: string[], unit: BenchCase['unit'] = 'GFLOP/s'): BenchCase {
  return {
    name: 'stub', shape: '1x1', unit, work: 2e9, flops: 6e9,
    async run() {
      log.push('ours');
      await sleep(10);
    },
    peerWork: { kind: 'dense forward', shape: { batch: 1, inF: 1, outF: 1 } },
  };
}

function stubPeer(name: string, log: string[], ms: number | null): BenchPeer {
  return {
    name,
    prepare: async () =>
      ms === null ? null : { run: async () => { log.push(name); await sleep(ms); }, dispose: () => log.push(`${name} disposed`) },
  };
}

describe('bench harness', () => {
  it('alternates ours and each peer, one row per peer, ratio = peer ms / our ms', async () => {
    const log: string[] = [];
    const rows = await runBench(stubCtx, [stubCase(log)], { repetitions: 3, peers: [stubPeer('slow', log, 40), stubPeer('none', log, null)] });
    expect(log).toEqual(['ours', 'slow', 'ours', 'slow', 'slow', 'ours', 'ours', 'slow', 'slow disposed']);
    expect(rows).toHaveLength(1);
    const [row] = rows;
    expect(row.peerName).toBe('slow');
    expect(row.ratio).toBeCloseTo(row.peerMs! / row.oursMs, 2);
    expect(row.ratio).toBeGreaterThan(2); // 40 ms against 10 ms, with generous room for a busy machine
    expect(row.ours).toBeCloseTo(2 / (row.oursMs / 1000), 1);
  });

  it('measures a case alone when no peer does its work, and reports shares of the measured peak', async () => {
    const log: string[] = [];
    const peak = { gflops: 100, gbps: 10 };
    const [flopRow] = await runBench(stubCtx, [stubCase(log)], { repetitions: 1, peers: [stubPeer('none', log, null)], peak });
    expect(log).toEqual(['ours', 'ours']);
    expect(flopRow.peer).toBeUndefined();
    expect(flopRow.peakShare).toBeCloseTo(flopRow.ours / 100, 3);
    const [imageRow] = await runBench(stubCtx, [stubCase(log, 'images/s')], { repetitions: 1, peak });
    // images/s rows take their share from `flops` (6e9 per repetition).
    expect(imageRow.peakShare).toBeCloseTo(6 / (imageRow.oursMs / 1000) / 100, 3);
  });
});
