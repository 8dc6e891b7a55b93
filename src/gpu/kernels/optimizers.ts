/**
 * optimizers: SGD with momentum (coupled L2 decay) and AdamW (decoupled decay), in place on flat f32 buffers.
 * shaders/optimizers.wgsl; reference: src/reference/optimizers.ts.
 *
 * One call updates `count` elements of one parameter buffer, its gradient and its optimizer state, all starting
 * at element 0. That is the whole contract: a trainer that keeps every tensor in its own buffer plans one call
 * per tensor; a trainer that packs all parameters into one flat buffer (with gradients, velocity or moments
 * packed the same way) plans a single call for the whole model. Weight decay applies to every element of the
 * call, so tensors that should not decay (biases, batch-norm vectors) need their own call with weightDecay 0.
 *
 * lr and the step change every step: each plan returns its KernelCall with `setStep(ctx, { lr, step })`, which
 * rewrites the call's uniform buffer with queue.writeBuffer, so the call is planned once and reused.
 */
import type { GpuContext } from '../context.ts';
import { threadWorkgroups, makeKernelCall, type KernelCall } from '../kernel-call.ts';
import { packUniforms } from '../uniforms.ts';
import { ADAM_DEFAULTS } from './optimizers-contract.ts';
import { requireDistinct, requireElements, requirePositive } from './plan-checks.ts';

const WG = 256;

export interface StepSettings {
  lr: number;
  /** 1-based step number (Adam's bias correction; ignored by SGD). */
  step: number;
}

export interface OptimizerKernel {
  call: KernelCall;
  /** Rewrites the learning rate and step in the call's uniforms, before the call is next encoded. */
  setStep(ctx: GpuContext, settings: StepSettings): void;
}

export interface SgdArgs {
  param: GPUBuffer;
  grad: GPUBuffer;
  /** Momentum state, zero-initialised by the caller. */
  velocity: GPUBuffer;
  count: number;
  momentum: number;
  weightDecay: number;
  /** Initial learning rate. */
  lr: number;
}

export interface AdamArgs {
  param: GPUBuffer;
  grad: GPUBuffer;
  /** First and second moments, zero-initialised by the caller. */
  m: GPUBuffer;
  v: GPUBuffer;
  count: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  weightDecay: number;
  /** Initial learning rate and step. */
  lr: number;
  step: number;
}

function checkStep(label: string, { lr, step }: StepSettings): void {
  if (!Number.isFinite(lr)) throw new RangeError(`${label}: lr must be a finite number, got ${lr}`);
  if (!Number.isInteger(step) || step < 1) throw new RangeError(`${label}: step must be a 1-based integer, got ${step}`);
}

function checkBuffers(label: string, count: number, buffers: Record<string, GPUBuffer>): void {
  requirePositive(label, 'count', count);
  for (const [name, buffer] of Object.entries(buffers)) requireElements(label, name, buffer, count);
  requireDistinct(label, buffers);
}

async function plan(ctx: GpuContext, label: string, entryPoint: string, count: number, buffers: GPUBuffer[], pack: (s: StepSettings) => ArrayBuffer, first: StepSettings): Promise<OptimizerKernel> {
  checkStep(label, first);
  const call = await makeKernelCall(ctx, {
    label,
    file: 'optimizers.wgsl',
    entryPoint,
    constants: { WG },
    uniforms: pack(first),
    buffers,
    workgroups: threadWorkgroups(ctx, count, WG),
  });
  const uniformBuffer = call.owned[0]; // the uniform buffer makeKernelCall made for this call
  return {
    call,
    setStep(context, settings) {
      checkStep(label, settings);
      context.device.queue.writeBuffer(uniformBuffer, 0, pack(settings));
    },
  };
}

/** SGD with momentum: v = momentum * v + (g + wd * p); p -= lr * v. */
export function planSgd(ctx: GpuContext, args: SgdArgs): Promise<OptimizerKernel> {
  const { param, grad, velocity, count, momentum, weightDecay } = args;
  const label = `sgd(${param.label}, ${count})`;
  checkBuffers(label, count, { param, grad, velocity });
  const pack = ({ lr }: StepSettings) => packUniforms([{ u32: count }, { f32: lr }, { f32: momentum }, { f32: weightDecay }]);
  return plan(ctx, label, 'sgd', count, [param, grad, velocity], pack, { lr: args.lr, step: 1 });
}

/** AdamW; the bias corrections 1 - beta^t are computed here in float64 for each step. */
export function planAdam(ctx: GpuContext, args: AdamArgs): Promise<OptimizerKernel> {
  const { param, grad, m, v, count, weightDecay } = args;
  const beta1 = args.beta1 ?? ADAM_DEFAULTS.beta1;
  const beta2 = args.beta2 ?? ADAM_DEFAULTS.beta2;
  const epsilon = args.epsilon ?? ADAM_DEFAULTS.epsilon;
  const label = `adam(${param.label}, ${count})`;
  checkBuffers(label, count, { param, grad, m, v });
  const pack = ({ lr, step }: StepSettings) =>
    packUniforms([
      { u32: count },
      { f32: lr },
      { f32: beta1 },
      { f32: 1 - beta1 },
      { f32: beta2 },
      { f32: 1 - beta2 },
      { f32: epsilon },
      { f32: weightDecay },
      { f32: 1 - beta1 ** step },
      { f32: 1 - beta2 ** step },
    ]);
  return plan(ctx, label, 'adam', count, [param, grad, m, v], pack, { lr: args.lr, step: args.step });
}
