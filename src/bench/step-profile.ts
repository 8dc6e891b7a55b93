/**
 * Where a training step's time goes: one step of TrainStep (the trainer's own) timed dispatch by dispatch.
 * With 'timestamp-query' each dispatch runs in its own timed compute pass of one command buffer (GPU time, the
 * dispatches in the step's order); without it each dispatch is submitted alone and waited for (wall clock, so
 * every row also carries one submit's and one wait's overhead). The profile says which. Each dispatch's figure
 * is the median over `repetitions` steps after one warm-up step; `stepMs` is a whole step as the trainer runs
 * it (one submit, wall clock), for comparison with the sum of the rows.
 */
import type { GpuContext } from '../gpu/context.ts';
import { GpuTimer } from '../gpu/gpu-timer.ts';
import { encodeCalls, type KernelCall } from '../gpu/kernel-call.ts';
import type { Model } from '../nn/layers.ts';
import { TrainStep } from '../nn/train-step.ts';
import { BENCH_OPTIMIZER } from './train-cases.ts';

export type ProfileTiming = 'timestamp-query' | 'submit+wait';

export interface ProfileEntry {
  index: number;
  /** The dispatch's label (layer and part, e.g. 'conv2 backward weight grad'). */
  label: string;
  /** Shader file and entry point. */
  kernel: string;
  /** The work's shape where the kernel gives one (a GEMM's M x N x K), else the workgroup counts. */
  shape: string;
  ms: number;
  /** ms over the sum of every row's ms. */
  share: number;
}

export interface StepProfile {
  model: string;
  batch: number;
  timing: ProfileTiming;
  entries: ProfileEntry[];
  /** Sum of the rows. */
  totalMs: number;
  /** One whole step in one submit, wall clock (median). */
  stepMs: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Shader file and entry point of a call, from its pipeline's label (`file#entry?constants`, pipeline-cache.ts). */
function kernelName(call: KernelCall): string {
  const label = call.pipeline.label ?? '';
  const [file, rest = 'main'] = label.split('#');
  const entry = rest.split('?')[0];
  return entry === 'main' ? file : `${file} ${entry}`;
}

async function timeBySubmit(ctx: GpuContext, calls: readonly KernelCall[]): Promise<number[]> {
  const times: number[] = [];
  for (const call of calls) {
    const t0 = performance.now();
    const encoder = ctx.device.createCommandEncoder({ label: call.label });
    encodeCalls(encoder, [call], call.label);
    ctx.device.queue.submit([encoder.finish()]);
    await ctx.device.queue.onSubmittedWorkDone();
    times.push(performance.now() - t0);
  }
  return times;
}

export async function profileTrainStep(ctx: GpuContext, model: Model, options: { batch?: number; repetitions?: number } = {}): Promise<StepProfile> {
  const batch = options.batch ?? 64;
  const repetitions = options.repetitions ?? 3;
  const step = await TrainStep.create(ctx, model, batch, BENCH_OPTIMIZER);
  const timer = ctx.hasTimestamps ? new GpuTimer(ctx) : null;
  try {
    const pixels = batch * model.spec.inputShape.reduce((a, b) => a * b, 1);
    ctx.write(step.network.input, new Float32Array(pixels).map((_, i) => Math.sin(i)));
    ctx.write(step.labels, new Uint32Array(batch).map((_, i) => i % step.network.classCount));
    const calls = step.calls();
    let n = 0;
    const wholeStep = async () => {
      step.setStep(BENCH_OPTIMIZER.lr, ++n);
      const t0 = performance.now();
      const encoder = ctx.device.createCommandEncoder({ label: 'profiled step' });
      step.encode(encoder, { accumulate: false });
      ctx.device.queue.submit([encoder.finish()]);
      await ctx.sync();
      return performance.now() - t0;
    };
    await wholeStep(); // warm-up: pipelines, first touch
    const perCall: number[][] = calls.map(() => []);
    const steps: number[] = [];
    for (let r = 0; r < repetitions; r++) {
      steps.push(await wholeStep());
      step.setStep(BENCH_OPTIMIZER.lr, ++n);
      const times = timer ? await timer.timeEach(calls, 'profiled step') : await timeBySubmit(ctx, calls);
      times.forEach((t, i) => perCall[i].push(t));
    }
    const ms = perCall.map(median);
    const totalMs = ms.reduce((a, b) => a + b, 0);
    const entries = calls.map((call, i) => ({
      index: i + 1,
      label: call.label,
      kernel: kernelName(call),
      shape: call.shape ?? `workgroups ${call.workgroups.join('x')}`,
      ms: ms[i],
      share: totalMs > 0 ? ms[i] / totalMs : 0,
    }));
    return { model: model.spec.name, batch, timing: timer ? 'timestamp-query' : 'submit+wait', entries, totalMs, stepMs: median(steps) };
  } finally {
    timer?.destroy();
    step.destroy();
  }
}
