/**
 * The bench harness's bookkeeping, with a stub context, stub work and a stub clock (no GPU, no real timing): ours and a peer
 * alternate (A B B A ...) after one warm-up each, each peer that does a case's work gets its own row with
 * ratio = peer ms / our ms, a case no peer does is measured alone, and shares of peak follow the unit.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { GpuContext } from '../../src/gpu/context.ts';
import { runBench, type BenchCase, type BenchPeer } from '../../src/bench/harness.ts';

const stubCtx = { hasTimestamps: false, sync: async () => {} } as unknown as GpuContext;
// A clock that only the stub work moves: every figure below is exact, whatever the machine's load.
let clock = 0;
const sleep = async (ms: number) => {
  clock += ms;
};
beforeEach(() => {
  clock = 0;
  vi.spyOn(performance, 'now').mockImplementation(() => clock);
});
afterEach(() => vi.restoreAllMocks());

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
    expect(row).toMatchObject({ oursMs: 10, peerMs: 40, ratio: 4 }); // 40 ms against 10 ms
    expect(row.ours).toBe(200); // 2 GFLOP in 10 ms
  });

  it('measures a case alone when no peer does its work, and reports shares of the measured peak', async () => {
    const log: string[] = [];
    const peak = { gflops: 100, gbps: 10 };
    const [flopRow] = await runBench(stubCtx, [stubCase(log)], { repetitions: 1, peers: [stubPeer('none', log, null)], peak });
    expect(log).toEqual(['ours', 'ours']);
    expect(flopRow.peer).toBeUndefined();
    expect(flopRow).toMatchObject({ ours: 200, peakShare: 2 }); // 200 GFLOP/s of a 100 GFLOP/s peak
    const [imageRow] = await runBench(stubCtx, [stubCase(log, 'images/s')], { repetitions: 1, peak });
    // images/s rows take their share from `flops` (6e9 per repetition).
    expect(imageRow).toMatchObject({ oursMs: 10, peakShare: 6 }); // 6 GFLOP in 10 ms = 600 GFLOP/s of 100
  });
});
