/**
 * CPU reference of the activation-occurrence counts (shaders/aom_count.wgsl), the oracle of the GPU tests.
 *
 * For a batch of post-nonlinearity maps `act` (NHWC f32 [rows, H, W, K]) with integer labels, adds into
 *   counts[k, c, y, x] (u32, [K, C, H, W])  the number of images n of class c with act[n, y, x, k] > tau,
 *   classCounts[c] (u32, [C])              the number of images of class c,
 * over the first `validRows` rows only (a ragged last batch repeats its last image to fill the batch; those
 * copies must not count). Accumulates, so a whole analysis set is counted batch after batch.
 * The comparison is done on the float32 values, as the GPU does, so the two agree exactly.
 */
import type { AomCountShape } from '../gpu/kernels/aom-count-contract.ts';

/** Adds one batch into `counts` and `classCounts` (see the file comment). Throws on a label >= classes. */
export function aomCountBatch(
  act: Float32Array,
  labels: ArrayLike<number>,
  validRows: number,
  shape: AomCountShape,
  tau: number,
  counts: Uint32Array,
  classCounts: Uint32Array,
): void {
  const { batch, height: H, width: W, kernels: K, classes: C } = shape;
  const HW = H * W;
  if (act.length !== batch * HW * K) throw new RangeError(`aomCountBatch: act has ${act.length} values, expected ${batch}x${H}x${W}x${K}`);
  if (counts.length !== K * C * HW || classCounts.length !== C) throw new RangeError('aomCountBatch: counts must be [K, C, H, W] and classCounts [C]');
  if (validRows > batch) throw new RangeError(`aomCountBatch: ${validRows} valid rows in a batch of ${batch}`);
  const threshold = Math.fround(tau);
  for (let n = 0; n < validRows; n++) {
    const c = labels[n];
    if (!(c >= 0 && c < C)) throw new RangeError(`aomCountBatch: row ${n} has label ${c}, but there are ${C} classes`);
    classCounts[c] += 1;
    for (let p = 0; p < HW; p++) {
      for (let k = 0; k < K; k++) {
        // act[n, p, k] at ((n * HW) + p) * K + k; counts[k, c, p] at (k * C + c) * HW + p.
        if (act[(n * HW + p) * K + k] > threshold) counts[(k * C + c) * HW + p] += 1;
      }
    }
  }
}
