/**
 * What the gather_batch kernel (gather-batch.ts), its CPU reference (src/reference/gather-batch.ts), the datasets
 * and the models agree on: how a batch's raw pixels become the model's input, and how it is augmented. The model's
 * preprocessing is defined here, at the lowest layer that applies it, so that src/data (which computes it from the
 * training split), src/nn (which stores it in a model) and the kernel share one type. Part of the kernels'
 * contracts (see pcg-hash.ts for the scheme).
 */

/** How raw pixels (u8) become the model's input: x = (pixel * scale - mean[c]) / std[c]. */
export interface Preprocessing {
  scale: number;
  mean: number[];
  std: number[];
}

export interface GatherAugmentation {
  /** Crop padding P: each image is zero-padded by P pixels per side and a random HxW window is kept. 0: no crop. */
  padding: number;
  /** Random horizontal flips (half of the images, by hash). */
  flip: boolean;
}

export const NO_AUGMENTATION: GatherAugmentation = { padding: 0, flip: false };
