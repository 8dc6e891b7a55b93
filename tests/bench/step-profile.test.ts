/**
 * `bench --profile`'s data: one row per dispatch of the trainer's step, in its order, with the kernel's file,
 * a shape, a time and shares that add up to 1; the timing mode is named. Run on a small model of every layer
 * kind (times are not checked: they are the machine's).
 */
import { describe, expect, it } from 'vitest';
import { useGpu } from '../helpers/gpu.ts';
import { everyKindSpec, randomModel } from '../helpers/models.ts';
import { profileTrainStep } from '../../src/bench/step-profile.ts';
import { TrainStep } from '../../src/nn/train-step.ts';
import { BENCH_OPTIMIZER } from '../../src/bench/train-cases.ts';

const gpu = useGpu();

describe('training-step profile', () => {
  it('has every dispatch of the step, in order, with shares that add up to 1', async () => {
    const ctx = gpu();
    const model = randomModel(everyKindSpec(), 5);
    const p = await profileTrainStep(ctx, model, { batch: 3, repetitions: 1 });
    const step = await TrainStep.create(ctx, model, 3, BENCH_OPTIMIZER);
    expect(p.entries.map((e) => e.label)).toEqual(step.calls().map((c) => c.label));
    step.destroy();
    expect(p.timing).toBe(ctx.hasTimestamps ? 'timestamp-query' : 'submit+wait');
    expect(p.entries.some((e) => e.kernel === 'gemm.wgsl' && /^gemm \d+x\d+x\d+/.test(e.shape))).toBe(true);
    for (const e of p.entries) expect(e.ms).toBeGreaterThanOrEqual(0);
    expect(p.entries.reduce((a, e) => a + e.share, 0)).toBeCloseTo(1, 6);
    expect(p.totalMs).toBeCloseTo(p.entries.reduce((a, e) => a + e.ms, 0), 6);
    expect(p.stepMs).toBeGreaterThan(0);
  });
});
