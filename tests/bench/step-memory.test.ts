/**
 * The peak-memory rows' measurements (src/bench/memory-cases.ts): the context's byte accounting, our step's
 * peak (at least weights, gradients and Adam's two moments, everything freed after), and TF.js WebGPU's on a
 * fresh backend counted the same way, which it removes afterwards. Sizes only: no timing is checked.
 */
import { describe, expect, it } from 'vitest';
import { useGpu } from '../helpers/gpu.ts';
import { everyKindSpec, globalPoolSpec, randomModel } from '../helpers/models.ts';
import { ourStepMemory, stepMemoryRows } from '../../src/bench/memory-cases.ts';
import { tfjsWebgpuStepMemoryPeer } from '../../src/bench/tfjs-peers.ts';
import { summarizeModel } from '../../src/nn/shapes.ts';

const gpu = useGpu();

describe('peak GPU memory of a training step', () => {
  it('the context counts the bytes of live buffers and their peak since the last reset', () => {
    const ctx = gpu();
    const before = ctx.liveBytes;
    ctx.resetPeakBytes();
    const a = ctx.createBuffer('a', 4000);
    const b = ctx.createBuffer('b', 10); // rounded up to 12
    expect(ctx.liveBytes - before).toBe(4012);
    a.destroy();
    a.destroy(); // a second destroy is not counted twice
    expect(ctx.liveBytes - before).toBe(12);
    expect(ctx.peakBytes - before).toBe(4012);
    ctx.resetPeakBytes();
    expect(ctx.peakBytes).toBe(ctx.liveBytes);
    b.destroy();
    expect(ctx.liveBytes).toBe(before);
  });

  it('ours: at least weights, gradients and both Adam moments, and all of it freed after the step', async () => {
    const ctx = gpu();
    const model = randomModel(everyKindSpec(), 3);
    const paramBytes = summarizeModel(model.spec).totalParams * 4;
    const live = ctx.liveBytes;
    const m = await ourStepMemory(ctx, model, 5);
    expect(m.bytes).toBeGreaterThanOrEqual(4 * paramBytes);
    expect(ctx.liveBytes).toBe(live);
  });

  it('TF.js WebGPU: counted on a fresh backend, at least its weights and Adam state; the row has both and their ratio', async () => {
    const ctx = gpu();
    const peer = await tfjsWebgpuStepMemoryPeer();
    if (typeof peer === 'string') throw new Error(`the TF.js WebGPU peer must load where the dev dependencies are installed: ${peer}`);
    const model = randomModel(globalPoolSpec(), 2); // small: TF.js compiles a shader per kernel it meets
    const paramBytes = summarizeModel(model.spec).totalParams * 4;
    const [row] = await stepMemoryRows(ctx, [model], [peer], 8);
    expect(row).toMatchObject({ name: 'train step memory', shape: 'global-pool, batch 8', unit: 'MiB', peerName: 'TF.js 4.22 WebGPU' });
    expect(row.peer! * 1024 * 1024).toBeGreaterThanOrEqual(3 * paramBytes);
    expect(row.ours * 1024 * 1024).toBeGreaterThanOrEqual(4 * paramBytes);
    expect(row.ratio).toBeCloseTo(row.peer! / row.ours, 2);
    const tf = await import('@tensorflow/tfjs-core');
    expect(tf.findBackend('webgpu-memory')).toBeNull(); // removed after measuring
  });
});
