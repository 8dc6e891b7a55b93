/**
 * Widening a conv layer (or a dense layer) by n kernels, keeping the function the model computes.
 *
 * 'net2net' (Net2WiderNet, Chen, Goodfellow & Shlens, ICLR 2016): with C old kernels, new kernel j >= C copies
 * kernel g(j) (its incoming weights and bias, and its batch-norm entries), so it outputs exactly what g(j)
 * outputs. If kernel k now exists count[k] times, every consumer weight that reads any of its copies is divided
 * by count[k]: the consumer sums count[k] equal terms of w / count[k], which is the old w * a. g draws the
 * replicated kernels at random without replacement (all C once before any twice), seeded, so widening by n <= C
 * never copies one kernel twice. Optional noise breaks the symmetry between a kernel and its copies, which
 * otherwise receive identical gradients forever: each incoming weight of a new copy gets
 * noise * std(layer kernel) * N(0, 1) added, relative to the layer's own weight scale so one noise level means
 * the same for every layer. With noise the function changes slightly; without, only by float rounding.
 *
 * 'fresh': the new kernels get He-uniform incoming weights (as init.ts: U(-l, l), l = sqrt(6 / fanIn)), zero
 * bias and identity batch norm, and zero outgoing weights in the consumer, so they contribute nothing until
 * training moves those weights (their gradient is the new kernel's activation times the consumer's, not zero).
 */
import { heUniformLimit } from '../nn/init.ts';
import type { Model } from '../nn/layers.ts';
import { createRng } from '../nn/random.ts';
import { remapChannels, traceChannels } from './channel-routes.ts';
import { SurgeryError } from './surgery-error.ts';

export type WidenMode = 'net2net' | 'fresh';

export interface WidenOptions {
  mode: WidenMode;
  /** Relative noise on the incoming weights of net2net copies (0, the default, keeps the function exactly). */
  noise?: number;
  /** Seed of the replicated-kernel choice, the noise and the fresh weights (default 0). */
  seed?: number;
}

/** Fisher-Yates shuffle of 0..n-1 with `rng`. */
function permutation(n: number, next: () => number): number[] {
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [p[i], p[j]] = [p[j], p[i]];
  }
  return p;
}

/** The standard deviation of `data` (population form, float64). */
function std(data: Float32Array): number {
  let mean = 0;
  for (const v of data) mean += v;
  mean /= data.length;
  let sq = 0;
  for (const v of data) sq += (v - mean) * (v - mean);
  return Math.sqrt(sq / data.length);
}

/** A copy of `model` with `n` more kernels in layer `layer`, computing the same function (see the file comment). */
export function widenLayer(model: Model, layer: string, n: number, options: WidenOptions): Model {
  const { mode, noise = 0, seed = 0 } = options;
  const route = traceChannels(model, layer);
  if (!Number.isInteger(n) || n < 1) throw new SurgeryError(`widen layer '${layer}': the number of new kernels must be a positive integer, got ${n}`, layer);
  if (mode !== 'net2net' && mode !== 'fresh') throw new SurgeryError(`widen layer '${layer}': mode must be 'net2net' or 'fresh', got '${String(mode)}'`, layer);
  if (!(Number.isFinite(noise) && noise >= 0)) throw new SurgeryError(`widen layer '${layer}': noise must be a number >= 0, got ${noise}`, layer);
  if (mode === 'fresh' && noise > 0) {
    throw new SurgeryError(`widen layer '${layer}': noise applies to net2net copies only; fresh kernels are already random`, layer);
  }
  const C = route.channels;
  const rng = createRng(seed, `widen ${layer}`);
  const old = Array.from({ length: C }, (_, k) => k);

  if (mode === 'fresh') {
    const source = [...old, ...new Array<null>(n).fill(null)];
    const out = remapChannels(model, route, { source, outgoingScale: source.map(() => 1) });
    // Incoming weights of the fresh kernels: columns C..C+n-1 of the kernel seen as [fanIn, C + n].
    const kernel = out.weights[layer].kernel;
    const width = C + n;
    const fanIn = kernel.data.length / width;
    const limit = heUniformLimit(fanIn);
    for (let f = 0; f < fanIn; f++) {
      for (let j = C; j < width; j++) kernel.data[f * width + j] = rng.uniform(-limit, limit);
    }
    return out;
  }

  // g(j) for the new kernels: whole random permutations of the old ones, one after the other.
  const copies: number[] = [];
  while (copies.length < n) copies.push(...permutation(C, rng.next));
  copies.length = n;
  const source = [...old, ...copies];
  const count = new Array<number>(C).fill(1);
  for (const k of copies) count[k]++;
  const out = remapChannels(model, route, { source, outgoingScale: source.map((k) => 1 / count[k]) });

  if (noise > 0) {
    const kernel = out.weights[layer].kernel;
    const width = C + n;
    const fanIn = kernel.data.length / width;
    const sigma = noise * std(model.weights[layer].kernel.data);
    for (let f = 0; f < fanIn; f++) {
      for (let j = C; j < width; j++) kernel.data[f * width + j] += sigma * rng.normal();
    }
  }
  return out;
}
