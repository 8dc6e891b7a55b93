/**
 * Optimizer updates, plain-loop reference (oracle of shaders/optimizers.wgsl), in float64. Element-wise over a
 * flat parameter vector and its gradient; returns new arrays (the GPU updates in place).
 */

export interface SgdHyper {
  lr: number;
  /** 0 gives plain SGD. */
  momentum: number;
  /** L2 weight decay, folded into the gradient (coupled): g + weightDecay * p. */
  weightDecay: number;
}

/** SGD with momentum: v = momentum * v + (g + wd * p); p = p - lr * v. */
export function sgdStep(
  param: ArrayLike<number>,
  grad: ArrayLike<number>,
  velocity: ArrayLike<number>,
  hp: SgdHyper,
): { param: Float64Array; velocity: Float64Array } {
  checkLengths('sgdStep', param, { grad, velocity });
  const p = Float64Array.from(param);
  const v = new Float64Array(p.length);
  for (let i = 0; i < p.length; i++) {
    v[i] = hp.momentum * velocity[i] + (grad[i] + hp.weightDecay * p[i]);
    p[i] -= hp.lr * v[i];
  }
  return { param: p, velocity: v };
}

export interface AdamHyper {
  lr: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** Decoupled weight decay (AdamW): p -= lr * wd * p, outside the adaptive scaling. */
  weightDecay: number;
  /** 1-based step number t, for the bias corrections 1 - beta^t. */
  step: number;
}

/**
 * AdamW: m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2; mhat = m / (1 - b1^t); vhat = v / (1 - b2^t);
 * p = p - lr * (mhat / (sqrt(vhat) + eps) + wd * p).
 */
export function adamStep(
  param: ArrayLike<number>,
  grad: ArrayLike<number>,
  m: ArrayLike<number>,
  v: ArrayLike<number>,
  hp: AdamHyper,
): { param: Float64Array; m: Float64Array; v: Float64Array } {
  checkLengths('adamStep', param, { grad, m, v });
  if (!Number.isInteger(hp.step) || hp.step < 1) throw new RangeError(`adamStep: step must be a 1-based integer, got ${hp.step}`);
  const bias1 = 1 - hp.beta1 ** hp.step;
  const bias2 = 1 - hp.beta2 ** hp.step;
  const p = Float64Array.from(param);
  const m2 = new Float64Array(p.length);
  const v2 = new Float64Array(p.length);
  for (let i = 0; i < p.length; i++) {
    m2[i] = hp.beta1 * m[i] + (1 - hp.beta1) * grad[i];
    v2[i] = hp.beta2 * v[i] + (1 - hp.beta2) * grad[i] * grad[i];
    const mhat = m2[i] / bias1;
    const vhat = v2[i] / bias2;
    p[i] -= hp.lr * (mhat / (Math.sqrt(vhat) + hp.epsilon) + hp.weightDecay * p[i]);
  }
  return { param: p, m: m2, v: v2 };
}

function checkLengths(kernel: string, param: ArrayLike<number>, others: Record<string, ArrayLike<number>>): void {
  for (const [name, array] of Object.entries(others)) {
    if (array.length !== param.length) throw new RangeError(`${kernel}: ${name} has ${array.length} elements but param has ${param.length}`);
  }
}
