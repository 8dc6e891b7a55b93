/**
 * What the aom_count kernel (aom-count.ts), its CPU reference (src/reference/aom-count.ts) and the analysis agree
 * on: the shape of one batch's counting, act NHWC [batch, height, width, kernels] into counts
 * [kernels, classes, height, width]. Part of the kernels' contracts (see pcg-hash.ts for the scheme).
 */

export interface AomCountShape {
  /** Rows of the batch buffer. */
  batch: number;
  height: number;
  width: number;
  /** Kernels (output channels) of the conv layer. */
  kernels: number;
  classes: number;
}
