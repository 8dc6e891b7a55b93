/**
 * Per-kernel statistics of one conv layer, from its counts and maps (maps.ts):
 *
 *   classOccurrence[c] = spatial mean of AOM[k, c]                = sum_p counts[k, c, p] / (n_c * H * W)
 *   occurrence         = class-frequency-weighted mean of those   = sum_{c,p} counts[k, c, p] / (N * H * W)
 *                      = 1 - APoZ (Hu et al. 2016) when tau = 0, N = sum_c n_c
 *   selectivity[c]     = spatial mean of CSM[k, c]; strongestClass = its argmax over present classes (ties: the
 *                        lower class) and `selectivity` its value. In the difference form this equals
 *                        classOccurrence[c] - mean of the other classes' occurrence (the mean is linear).
 *   nearest            = argmin over l != k of ODM[k, l] (ties: the lower index) and `distance` = that ODM value
 *   ablationImpact     = accuracy over the analysis set minus accuracy with kernel k's map zeroed (null when
 *                        ablation was not run); negative when removing the kernel helps.
 */
import type { MapShape } from './maps.ts';

export interface KernelStats {
  kernel: number;
  occurrence: number;
  /** Per class; NaN for a class without images. */
  classOccurrence: number[];
  strongestClass: number;
  selectivity: number;
  nearest: number | null;
  distance: number | null;
  ablationImpact: number | null;
}

export function kernelStats(
  counts: Uint32Array,
  classCounts: Uint32Array,
  csm: Float32Array,
  odm: Float32Array,
  shape: MapShape,
  ablationImpacts: readonly number[] | null,
): KernelStats[] {
  const { kernels: K, classes: C } = shape;
  const HW = shape.height * shape.width;
  let total = 0;
  for (let c = 0; c < C; c++) total += classCounts[c];
  const stats: KernelStats[] = [];
  for (let k = 0; k < K; k++) {
    let fired = 0;
    const classOccurrence: number[] = [];
    let strongestClass = -1;
    let selectivity = Number.NaN;
    for (let c = 0; c < C; c++) {
      const base = (k * C + c) * HW;
      let sum = 0;
      let csmSum = 0;
      for (let p = 0; p < HW; p++) {
        sum += counts[base + p];
        csmSum += csm[base + p];
      }
      fired += sum;
      const n = classCounts[c];
      classOccurrence.push(n > 0 ? sum / (n * HW) : Number.NaN);
      const s = csmSum / HW;
      if (n > 0 && !Number.isNaN(s) && (strongestClass < 0 || s > selectivity)) {
        strongestClass = c;
        selectivity = s;
      }
    }
    let nearest: number | null = null;
    let distance: number | null = null;
    for (let l = 0; l < K; l++) {
      if (l === k) continue;
      const d = odm[k * K + l];
      if (distance === null || d < distance) {
        nearest = l;
        distance = d;
      }
    }
    stats.push({
      kernel: k,
      occurrence: total > 0 ? fired / (total * HW) : Number.NaN,
      classOccurrence,
      strongestClass,
      selectivity,
      nearest,
      distance,
      ablationImpact: ablationImpacts ? ablationImpacts[k] : null,
    });
  }
  return stats;
}
