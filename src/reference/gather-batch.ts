/**
 * CPU reference of shaders/gather_batch.wgsl: one batch gathered from the pool's NHWC bytes, normalised as
 * x = (pixel * scale - mean[c]) / std[c] and optionally augmented, plus the batch's labels. Augmentation: the
 * image is zero-padded by P on each side (zero after normalisation, i.e. the channel mean), an H x W window is
 * cropped at a random offset (oy, ox) in [0, 2P]^2 of the padded image, and the window is flipped horizontally
 * for about half of the images:  out[y, x] = padded[y + oy, xf + ox],  xf = W - 1 - x when flipped, else x. It is the oracle of the GPU test, so it mirrors the shader's
 * float32 arithmetic step by step (Math.fround after each operation) and its hash draws exactly.
 *
 * The gather has no backward: its input is data, not a parameter or an activation.
 */
import { NO_AUGMENTATION, type GatherAugmentation, type Preprocessing } from '../gpu/kernels/gather-batch-contract.ts';
import { pcgHash } from '../gpu/kernels/pcg-hash.ts';

/**
 * The augmentation of pool image `index` under step seed `seed`:
 *   h0 = pcg(seed ^ pcg(index)), h1 = pcg(h0), h2 = pcg(h1);
 *   offsetY = h0 % (2P + 1), offsetX = h1 % (2P + 1), flipped = flip && (h2 & 1) = 1.
 * The crop window starts at (offsetY - P, offsetX - P) in image coordinates.
 */
export function augmentationDraw(seed: number, index: number, augmentation: GatherAugmentation): { offsetY: number; offsetX: number; flipped: boolean } {
  const span = 2 * augmentation.padding + 1;
  const h0 = pcgHash((seed ^ pcgHash(index)) >>> 0);
  const h1 = pcgHash(h0);
  const h2 = pcgHash(h1);
  return { offsetY: h0 % span, offsetX: h1 % span, flipped: augmentation.flip && (h2 & 1) === 1 };
}

export interface GatherInput {
  /** Pool images, NHWC u8. */
  images: Uint8Array;
  /** Pool labels. */
  labels: ArrayLike<number>;
  height: number;
  width: number;
  channels: number;
}

/** Gathers pool images `indices` into a normalised NHWC float32 batch and their labels. */
export function gatherBatchReference(
  pool: GatherInput,
  indices: ArrayLike<number>,
  seed: number,
  preprocessing: Preprocessing,
  augmentation: GatherAugmentation = NO_AUGMENTATION,
): { x: Float32Array; labels: Uint32Array } {
  const { height: H, width: W, channels: C } = pool;
  const f = Math.fround;
  const scale = f(preprocessing.scale);
  const mean = preprocessing.mean.map(f);
  const std = preprocessing.std.map(f);
  const P = augmentation.padding;
  const x = new Float32Array(indices.length * H * W * C);
  const labels = new Uint32Array(indices.length);
  for (let n = 0; n < indices.length; n++) {
    const m = indices[n];
    labels[n] = pool.labels[m];
    const draw = augmentationDraw(seed, m, augmentation);
    for (let y = 0; y < H; y++) {
      for (let ox = 0; ox < W; ox++) {
        const xf = draw.flipped ? W - 1 - ox : ox;
        const sy = y + draw.offsetY - P;
        const sx = xf + draw.offsetX - P;
        const inside = sy >= 0 && sy < H && sx >= 0 && sx < W;
        for (let c = 0; c < C; c++) {
          const out = ((n * H + y) * W + ox) * C + c;
          if (!inside) continue; // zero after normalisation
          const pixel = pool.images[m * H * W * C + (sy * W + sx) * C + c];
          x[out] = f(f(f(pixel * scale) - mean[c]) / std[c]);
        }
      }
    }
  }
  return { x, labels };
}
