import { describe, expect, it } from 'vitest';
import { augmentationDraw, gatherBatchReference } from '../../src/reference/gather-batch.ts';

const identity = (channels: number) => ({ scale: 1, mean: new Array(channels).fill(0), std: new Array(channels).fill(1) });

describe('gather-batch reference', () => {
  it('gathers and normalises without augmentation: x = (p * scale - mean[c]) / std[c]', () => {
    const images = Uint8Array.from({ length: 3 * 2 * 2 * 2 }, (_, i) => i * 10);
    const pool = { images, labels: [4, 5, 6], height: 2, width: 2, channels: 2 };
    const pre = { scale: 1 / 255, mean: [0.5, 0.25], std: [0.5, 2] };
    const { x, labels } = gatherBatchReference(pool, [2, 0], 123, pre);
    expect(Array.from(labels)).toEqual([6, 4]);
    for (let j = 0; j < 8; j++) {
      const c = j % 2;
      expect(x[j]).toBeCloseTo((images[16 + j] / 255 - pre.mean[c]) / pre.std[c], 6);
      expect(x[8 + j]).toBeCloseTo((images[j] / 255 - pre.mean[c]) / pre.std[c], 6);
    }
  });

  it('crops the zero-padded image and flips the window, as built step by step', () => {
    const H = 4;
    const W = 5;
    const P = 2;
    const images = Uint8Array.from({ length: 40 * H * W }, (_, i) => 1 + (i % 250)); // no zero pixels: padding shows
    const pool = { images, labels: new Array(40).fill(0), height: H, width: W, channels: 1 };
    const augmentation = { padding: P, flip: true };
    const indices = Array.from({ length: 40 }, (_, i) => i);
    const { x } = gatherBatchReference(pool, indices, 77, identity(1), augmentation);
    let flips = 0;
    for (const m of indices) {
      const { offsetY, offsetX, flipped } = augmentationDraw(77, m, augmentation);
      flips += flipped ? 1 : 0;
      // Independent construction: padded image, then the window, then the flip.
      const padded = new Array(H + 2 * P).fill(0).map(() => new Array(W + 2 * P).fill(0));
      for (let y = 0; y < H; y++) for (let c = 0; c < W; c++) padded[y + P][c + P] = images[m * H * W + y * W + c];
      const window = padded.slice(offsetY, offsetY + H).map((row) => row.slice(offsetX, offsetX + W));
      const expected = flipped ? window.map((row) => [...row].reverse()) : window;
      expect(Array.from(x.subarray(m * H * W, (m + 1) * H * W))).toEqual(expected.flat());
    }
    expect(flips).toBeGreaterThan(8); // about half of 40
    expect(flips).toBeLessThan(32);
  });

  it('draws offsets over the whole range and flips about half of the images, reproducibly', () => {
    const augmentation = { padding: 4, flip: true };
    const seen = new Set<number>();
    let flips = 0;
    const n = 4000;
    for (let m = 0; m < n; m++) {
      const d = augmentationDraw(31, m, augmentation);
      seen.add(d.offsetY * 9 + d.offsetX);
      flips += d.flipped ? 1 : 0;
      expect(augmentationDraw(31, m, augmentation)).toEqual(d);
    }
    expect(seen.size).toBe(81); // every (oy, ox) in [0, 8]^2 occurs
    expect(Math.abs(flips / n - 0.5)).toBeLessThan(0.04); // binomial sd ~0.008
    expect(augmentationDraw(32, 5, augmentation)).not.toEqual(augmentationDraw(31, 5, augmentation)); // a new seed, new draws (for this image)
    expect(augmentationDraw(31, 5, { padding: 0, flip: false })).toEqual({ offsetY: 0, offsetX: 0, flipped: false });
  });
});
