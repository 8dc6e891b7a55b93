/**
 * The maps of METHOD.md, computed on the CPU from the integer counts read back once from the GPU.
 *
 * Notation: counts[k, c, p] (u32, [K, C, H*W]) = images of class c whose kernel k fires (> tau) at position p;
 * n_c = classCounts[c]. A class with n_c = 0 has no AOM: its entries are NaN in `aom` and `csm`, and it is left
 * out of every mean over classes (CSM's mean over the other classes, ODM's mean over c).
 *
 *   AOM[k, c, p] = counts[k, c, p] / n_c                                           in [0, 1]
 *   m[k, c, p]   = mean over present c' != c of AOM[k, c', p]
 *   CSM[k, c, p] = AOM - m                        ('difference', the default)      in [-1, 1]
 *                = (AOM - m) / (AOM + m + eps)    ('ratio', after Morcos et al.)   in [-1, 1]
 *   ODM[k, l]    = mean over present c and all p of |AOM[k, c, p] - AOM[l, c, p]|   symmetric, zero diagonal
 * With a single present class, m is undefined and CSM is NaN.
 */

export type CsmForm = 'difference' | 'ratio';

/** The shape of one layer's maps: K kernels, C classes, H x W positions. */
export interface MapShape {
  kernels: number;
  classes: number;
  height: number;
  width: number;
}

function checkShape(what: string, length: number, shape: MapShape): void {
  const expected = shape.kernels * shape.classes * shape.height * shape.width;
  if (length !== expected) throw new RangeError(`${what}: ${length} values, expected K*C*H*W = ${shape.kernels}*${shape.classes}*${shape.height}*${shape.width} = ${expected}`);
}

/** AOM = counts / n_c, float32 [K, C, H, W]; NaN for classes without images. */
export function aomFromCounts(counts: Uint32Array, classCounts: Uint32Array, shape: MapShape): Float32Array {
  checkShape('aomFromCounts', counts.length, shape);
  const { kernels: K, classes: C } = shape;
  const HW = shape.height * shape.width;
  const aom = new Float32Array(counts.length);
  for (let k = 0; k < K; k++) {
    for (let c = 0; c < C; c++) {
      const n = classCounts[c];
      const base = (k * C + c) * HW;
      for (let p = 0; p < HW; p++) aom[base + p] = n > 0 ? counts[base + p] / n : Number.NaN;
    }
  }
  return aom;
}

/** CSM from the AOM (see the file comment), float32 [K, C, H, W]. `eps` only matters for the ratio form. */
export function csmFromAom(aom: Float32Array, classCounts: Uint32Array, shape: MapShape, form: CsmForm = 'difference', eps = 1e-6): Float32Array {
  checkShape('csmFromAom', aom.length, shape);
  const { kernels: K, classes: C } = shape;
  const HW = shape.height * shape.width;
  const present: number[] = [];
  for (let c = 0; c < C; c++) if (classCounts[c] > 0) present.push(c);
  const csm = new Float32Array(aom.length).fill(Number.NaN);
  for (let k = 0; k < K; k++) {
    for (let p = 0; p < HW; p++) {
      let total = 0; // sum of AOM over present classes at (k, p), in float64
      for (const c of present) total += aom[(k * C + c) * HW + p];
      for (const c of present) {
        if (present.length < 2) continue;
        const a = aom[(k * C + c) * HW + p];
        const m = (total - a) / (present.length - 1);
        csm[(k * C + c) * HW + p] = form === 'difference' ? a - m : (a - m) / (a + m + eps);
      }
    }
  }
  return csm;
}

/** ODM from the AOM (see the file comment), float32 [K, K], accumulated in float64. */
export function odmFromAom(aom: Float32Array, classCounts: Uint32Array, shape: MapShape): Float32Array {
  checkShape('odmFromAom', aom.length, shape);
  const { kernels: K, classes: C } = shape;
  const HW = shape.height * shape.width;
  const present: number[] = [];
  for (let c = 0; c < C; c++) if (classCounts[c] > 0) present.push(c);
  const odm = new Float32Array(K * K);
  const terms = present.length * HW;
  for (let k = 0; k < K; k++) {
    for (let l = k + 1; l < K; l++) {
      let sum = 0;
      for (const c of present) {
        const a = (k * C + c) * HW;
        const b = (l * C + c) * HW;
        for (let p = 0; p < HW; p++) sum += Math.abs(aom[a + p] - aom[b + p]);
      }
      const d = terms > 0 ? sum / terms : Number.NaN;
      odm[k * K + l] = d;
      odm[l * K + k] = d;
    }
  }
  return odm;
}
