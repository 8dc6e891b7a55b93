/**
 * The AOM atlas of one layer as a PNG: a grid with one row per kernel and one column per class, each cell the
 * kernel's AOM for that class (H x W, scaled up by a whole factor so small maps stay readable), coloured with a
 * viridis-like map from 0 (the kernel never fires there for that class) to 1 (it fires there on every image of
 * the class). Kernel indices label the rows, class indices the columns, and a colour bar with ticks at 0, 0.5
 * and 1 sits below the grid; a class without images is drawn grey. The PNG's tEXt chunks say the same in words
 * and list the class names. Pure pixels plus fast-png: works in Node and in the page alike.
 */
import { encode as encodePng } from 'fast-png';
import type { MapShape } from './maps.ts';

/** Viridis at five stops (matplotlib's values at 0, 0.25, 0.5, 0.75 and 1), linearly interpolated. */
const STOPS: Array<[number, number, number]> = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
];
const MISSING: [number, number, number] = [128, 128, 128];
const BACKGROUND = 255;

/** The colour of a value in [0, 1] (clamped; NaN gives grey). */
export function colourOf(value: number): [number, number, number] {
  if (Number.isNaN(value)) return MISSING;
  const t = Math.min(1, Math.max(0, value)) * (STOPS.length - 1);
  const i = Math.min(STOPS.length - 2, Math.floor(t));
  const f = t - i;
  return [0, 1, 2].map((j) => Math.round(STOPS[i][j] + f * (STOPS[i + 1][j] - STOPS[i][j]))) as [number, number, number];
}

/** A 3x5 pixel font for the labels: each glyph is five rows of three bits, most significant bit on the left. */
const GLYPHS: Record<string, number[]> = {
  '0': [7, 5, 5, 5, 7], '1': [2, 6, 2, 2, 7], '2': [7, 1, 7, 4, 7], '3': [7, 1, 7, 1, 7], '4': [5, 5, 7, 1, 1],
  '5': [7, 4, 7, 1, 7], '6': [7, 4, 7, 5, 7], '7': [7, 1, 1, 1, 1], '8': [7, 5, 7, 5, 7], '9': [7, 5, 7, 1, 7],
  '.': [0, 0, 0, 0, 2],
};
const FONT = 2; // pixels per font dot
const CHAR_W = 4 * FONT; // 3 dots and one of spacing
const CHAR_H = 5 * FONT;

export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array;
}

class Canvas implements RgbaImage {
  readonly data: Uint8Array;
  constructor(readonly width: number, readonly height: number) {
    this.data = new Uint8Array(width * height * 4).fill(BACKGROUND);
  }
  set(x: number, y: number, [r, g, b]: [number, number, number]): void {
    const i = (y * this.width + x) * 4;
    this.data[i] = r;
    this.data[i + 1] = g;
    this.data[i + 2] = b;
    this.data[i + 3] = 255;
  }
  text(x: number, y: number, text: string): void {
    [...text].forEach((ch, n) => {
      const rows = GLYPHS[ch];
      for (let gy = 0; gy < 5; gy++)
        for (let gx = 0; gx < 3; gx++)
          if ((rows[gy] >> (2 - gx)) & 1)
            for (let dy = 0; dy < FONT; dy++) for (let dx = 0; dx < FONT; dx++) this.set(x + n * CHAR_W + gx * FONT + dx, y + gy * FONT + dy, [0, 0, 0]);
    });
  }
}

/** Renders the atlas of `aom` (f32 [K, C, H, W]) as RGBA pixels. */
export function renderAtlas(aom: Float32Array, shape: MapShape): RgbaImage {
  const { kernels: K, classes: C, height: H, width: W } = shape;
  const scale = Math.max(1, Math.ceil(24 / Math.max(H, W)));
  const gap = 2;
  const cellW = W * scale;
  const cellH = H * scale;
  const left = String(K - 1).length * CHAR_W + 4;
  const top = CHAR_H + 4;
  const gridW = C * (cellW + gap);
  const gridH = K * (cellH + gap);
  const barW = Math.max(64, Math.min(256, gridW - gap));
  const legendH = 4 + 10 + 3 + CHAR_H + 4;
  const canvas = new Canvas(left + Math.max(gridW, barW + 2 * CHAR_W), top + gridH + legendH);

  for (let c = 0; c < C; c++) canvas.text(left + c * (cellW + gap), 1, String(c));
  for (let k = 0; k < K; k++) {
    const y0 = top + k * (cellH + gap);
    canvas.text(1, y0, String(k));
    for (let c = 0; c < C; c++) {
      const x0 = left + c * (cellW + gap);
      const base = (k * C + c) * H * W;
      for (let y = 0; y < cellH; y++)
        for (let x = 0; x < cellW; x++) canvas.set(x0 + x, y0 + y, colourOf(aom[base + Math.floor(y / scale) * W + Math.floor(x / scale)]));
    }
  }
  // Colour bar from 0 to 1, tick marks and labels at 0, 0.5 and 1.
  const barY = top + gridH + 4;
  for (let x = 0; x < barW; x++) for (let y = 0; y < 10; y++) canvas.set(left + x, barY + y, colourOf(x / (barW - 1)));
  for (const [value, label] of [[0, '0'], [0.5, '.5'], [1, '1']] as const) {
    const x = left + Math.round(value * (barW - 1));
    for (let y = 0; y < 3; y++) canvas.set(x, barY + 10 + y, [0, 0, 0]);
    canvas.text(Math.max(0, x - Math.floor((label.length * CHAR_W) / 2)), barY + 13, label);
  }
  return canvas;
}

/** The atlas as PNG bytes, with tEXt chunks describing it. */
export function encodeAtlasPng(aom: Float32Array, shape: MapShape, info: { layer: string; classNames: string[]; tau: number }): Uint8Array {
  const image = renderAtlas(aom, shape);
  return encodePng({
    width: image.width,
    height: image.height,
    data: image.data,
    channels: 4,
    depth: 8,
    text: {
      Title: `Activation Occurrence Maps of ${info.layer}`,
      Description:
        `Rows: kernels 0..${shape.kernels - 1}; columns: classes 0..${shape.classes - 1}; each cell is ${shape.height}x${shape.width}. ` +
        `Colour (viridis, bar below): fraction of the class's images in which the kernel's activation exceeds tau = ${info.tau} at that position; grey: no images.`,
      Classes: info.classNames.map((name, c) => `${c}: ${name}`).join('; '),
    },
  });
}
