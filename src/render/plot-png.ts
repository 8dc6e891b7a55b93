/**
 * A plot scene (scatter-plot.ts) rasterised into RGBA pixels and encoded as PNG with fast-png (pure JS: the same
 * bytes in Node and in the page). No anti-aliasing: a pixel is covered when its centre (px + 0.5, py + 0.5) lies
 * inside the shape, so the output is exact and repeatable. Text uses the 5x7 bitmap font (bitmap-font.ts), each
 * dot a scale x scale block, glyphs in cells of 6 x 8 dots, as the layout measured them.
 */
import { encode as encodePng } from 'fast-png';
import { GLYPH_HEIGHT, GLYPH_WIDTH, TEXT_CELL, glyphDot } from './bitmap-font.ts';
import { CROSS_STROKE, markerPolygon } from './marker-shapes.ts';
import { textWidth, type PlotItem, type PlotScene } from './scatter-plot.ts';

type Rgb = [number, number, number];

const rgb = (hex: string): Rgb => {
  if (!/^#[0-9a-fA-F]{6}$/.test(hex)) throw new RangeError(`plot colour must be '#rrggbb', got '${hex}'`);
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as Rgb;
};

/** Even-odd rule: whether (x, y) is inside the polygon. */
function insidePolygon(polygon: readonly [number, number][], x: number, y: number): boolean {
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [xi, yi] = polygon[i];
    const [xj, yj] = polygon[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** An RGBA image being drawn into; pixels outside it are ignored. */
export class Raster {
  readonly data: Uint8Array;
  constructor(readonly width: number, readonly height: number, background: string) {
    this.data = new Uint8Array(width * height * 4);
    const [r, g, b] = rgb(background);
    for (let i = 0; i < width * height; i++) this.data.set([r, g, b, 255], i * 4);
  }

  set(x: number, y: number, [r, g, b]: Rgb): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const i = (y * this.width + x) * 4;
    this.data[i] = r;
    this.data[i + 1] = g;
    this.data[i + 2] = b;
    this.data[i + 3] = 255;
  }

  /** Covers every pixel of the box [x0, x1) x [y0, y1) (whole pixels) whose centre passes `inside`. */
  fill(x0: number, y0: number, x1: number, y1: number, colour: Rgb, inside: (cx: number, cy: number) => boolean = () => true): void {
    for (let y = Math.floor(y0); y < Math.ceil(y1); y++) for (let x = Math.floor(x0); x < Math.ceil(x1); x++) if (inside(x + 0.5, y + 0.5)) this.set(x, y, colour);
  }

  /** A straight line `width` pixels wide: a square brush stamped every half pixel along it. */
  line(x1: number, y1: number, x2: number, y2: number, width: number, colour: Rgb): void {
    const steps = Math.max(1, Math.ceil(2 * Math.hypot(x2 - x1, y2 - y1)));
    const half = width / 2;
    for (let s = 0; s <= steps; s++) {
      // The brush is centred on the point; a 1-pixel line at x = 10.5 covers exactly column 10.
      const x = x1 + ((x2 - x1) * s) / steps;
      const y = y1 + ((y2 - y1) * s) / steps;
      this.fill(Math.round(x - half), Math.round(y - half), Math.round(x - half) + Math.max(1, Math.round(width)), Math.round(y - half) + Math.max(1, Math.round(width)), colour);
    }
  }

  /**
   * `text` anchored at (x, y). Unrotated, glyph dot (gx, gy) of character i covers the block at
   * (x0 + (6 i + gx) s, y0 + gy s); turned a quarter left (rotate -90) the text runs up the image, the glyph's
   * top facing left: the same dot covers (x0 + gy s, y0 - (6 i + gx + 1) s), with x0 the glyphs' top side and
   * y0 where the text begins (its lower end).
   */
  text(item: Extract<PlotItem, { type: 'text' }>): void {
    const s = item.scale;
    const colour = rgb(item.colour);
    const w = textWidth(item.text, s) - (TEXT_CELL.width - GLYPH_WIDTH) * s; // without the last cell's spacing
    const h = GLYPH_HEIGHT * s;
    const along = item.anchor === 'start' ? 0 : item.anchor === 'middle' ? w / 2 : w;
    const across = item.baseline === 'top' ? 0 : item.baseline === 'middle' ? h / 2 : h;
    const rotated = item.rotate === -90;
    const x0 = Math.round(rotated ? item.x - across : item.x - along);
    const y0 = Math.round(rotated ? item.y + along : item.y - across);
    [...item.text].forEach((ch, i) => {
      for (let gy = 0; gy < GLYPH_HEIGHT; gy++)
        for (let gx = 0; gx < GLYPH_WIDTH; gx++) {
          if (!glyphDot(ch, gx, gy)) continue;
          const u = (TEXT_CELL.width * i + gx) * s;
          if (rotated) this.fill(x0 + gy * s, y0 - u - s, x0 + gy * s + s, y0 - u, colour);
          else this.fill(x0 + u, y0 + gy * s, x0 + u + s, y0 + gy * s + s, colour);
        }
    });
  }
}

function draw(raster: Raster, item: PlotItem): void {
  switch (item.type) {
    case 'line':
      raster.line(item.x1, item.y1, item.x2, item.y2, item.width, rgb(item.colour));
      return;
    case 'rect': {
      if (item.fill) raster.fill(item.x, item.y, item.x + item.w, item.y + item.h, rgb(item.fill));
      const c = rgb(item.stroke);
      const [x0, y0, x1, y1] = [item.x, item.y, item.x + item.w, item.y + item.h];
      raster.line(x0, y0, x1, y0, 1, c);
      raster.line(x1, y0, x1, y1, 1, c);
      raster.line(x1, y1, x0, y1, 1, c);
      raster.line(x0, y1, x0, y0, 1, c);
      return;
    }
    case 'marker': {
      const { x, y, radius: r } = item;
      const c = rgb(item.colour);
      const polygon = markerPolygon(item.shape, x, y, r);
      const box = [x - 1.5 * r, y - 1.5 * r, x + 1.5 * r, y + 1.5 * r] as const;
      if (polygon) raster.fill(...box, c, (px, py) => insidePolygon(polygon, px, py));
      else if (item.shape === 'circle') raster.fill(...box, c, (px, py) => (px - x) ** 2 + (py - y) ** 2 <= r * r);
      else if (item.shape === 'square') raster.fill(x - r, y - r, x + r, y + r, c);
      else {
        // The cross: within half a stroke of either diagonal, inside the r x r box.
        const half = CROSS_STROKE / 2;
        raster.fill(x - r, y - r, x + r, y + r, c, (px, py) => Math.abs(px - x - (py - y)) / Math.SQRT2 <= half || Math.abs(px - x + (py - y)) / Math.SQRT2 <= half);
      }
      return;
    }
    case 'text':
      raster.text(item);
  }
}

/** The scene's pixels, items drawn in order. */
export function rasterisePlot(scene: PlotScene): Raster {
  const raster = new Raster(scene.width, scene.height, scene.background);
  for (const item of scene.items) draw(raster, item);
  return raster;
}

/** The scene as PNG bytes (RGBA, 8 bits), with a tEXt Title. */
export function plotPng(scene: PlotScene, title?: string): Uint8Array {
  const raster = rasterisePlot(scene);
  return encodePng({ width: raster.width, height: raster.height, data: raster.data, channels: 4, depth: 8, ...(title ? { text: { Title: title } } : {}) });
}
