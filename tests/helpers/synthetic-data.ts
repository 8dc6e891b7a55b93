/**
 * A small synthetic image dataset that a CNN can learn in a few steps: class c of C has a bright square at its
 * own position on a noisy grey background, so the classes are separable by a local pattern (what convolutions
 * detect). Seeded, so every run sees the same images.
 */
import type { ImageDataset } from '../../src/data/dataset.ts';
import { rng } from './gpu.ts';

export function squaresDataset(options: { classes?: number; size?: number; channels?: number; train?: number; test?: number; seed?: number } = {}): ImageDataset {
  const classes = options.classes ?? 4;
  const size = options.size ?? 12;
  const channels = options.channels ?? 1;
  const next = rng(options.seed ?? 1);
  const make = (count: number) => {
    const images = new Uint8Array(count * size * size * channels);
    const labels = new Uint8Array(count);
    for (let n = 0; n < count; n++) {
      const label = n % classes;
      labels[n] = label;
      // Square of side size/3 at a position that depends on the class (a ring of positions).
      const side = Math.max(2, Math.floor(size / 3));
      const angle = (2 * Math.PI * label) / classes;
      const cy = Math.round((size - side) / 2 + Math.sin(angle) * (size - side) / 2);
      const cx = Math.round((size - side) / 2 + Math.cos(angle) * (size - side) / 2);
      for (let y = 0; y < size; y++)
        for (let x = 0; x < size; x++)
          for (let c = 0; c < channels; c++) {
            const inside = y >= cy && y < cy + side && x >= cx && x < cx + side;
            const value = (inside ? 200 : 60) + (next() - 0.5) * 80;
            images[((n * size + y) * size + x) * channels + c] = Math.max(0, Math.min(255, Math.round(value)));
          }
    }
    return { images, labels, count };
  };
  return {
    name: 'squares',
    height: size,
    width: size,
    channels,
    classNames: Array.from({ length: classes }, (_, c) => `square ${c}`),
    train: make(options.train ?? 256),
    test: options.test === 0 ? null : make(options.test ?? 64),
    notes: ['synthetic: one bright square per class'],
  };
}
