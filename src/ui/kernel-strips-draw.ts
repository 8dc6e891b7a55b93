/**
 * Before/after AOM strips of one conv layer in two versions, drawn on a 2D canvas: one column per kernel
 * (kernels of both side by side; a dropped kernel has only its "before" map, an added one only its "after"
 * map), "before" on the upper row and "after" on the lower, wrapped into lines that fit the width.
 */
import { paintMap } from '../render/colormap.ts';
import type { KernelCorrespondence, LayerMaps } from '../session/engine-api.ts';

/** One column: the kernel's index in a and in b (null: that version lacks it). */
export interface StripSlot {
  a: number | null;
  b: number | null;
}

/** Columns in a's kernel order (pairs and a's own kernels where they were), then b's own kernels. */
export function stripSlots(c: KernelCorrespondence): StripSlot[] {
  const inB = new Map(c.pairs);
  const aKernels = [...c.pairs.map((p) => p[0]), ...c.onlyInA].sort((x, y) => x - y);
  return [...aKernels.map((a) => ({ a, b: inB.get(a) ?? null })), ...c.onlyInB.map((b) => ({ a: null, b }))];
}

/**
 * The H x W map of `kernel`: class `classIndex`'s AOM, or (classIndex < 0) the mean over the classes that have
 * images. AOM layout [kernel][class][y][x]: element (k, c, p) is at (k * classes + c) * H * W + p.
 */
export function kernelMap(maps: LayerMaps, kernel: number, classIndex: number): Float32Array {
  const hw = maps.height * maps.width;
  const out = new Float32Array(hw);
  const classes = classIndex >= 0 ? [classIndex] : [...Array(maps.classes).keys()].filter((c) => maps.imagesPerClass[c] > 0);
  for (const c of classes) {
    const base = (kernel * maps.classes + c) * hw;
    for (let p = 0; p < hw; p++) out[p] += maps.aom[base + p] / classes.length;
  }
  return out;
}

export const STRIP = { cell: 32, gap: 6, left: 34, line: 32 * 2 + 4 + 12 * 2 + 10 } as const;

/** Columns per line for a canvas `width` CSS pixels wide (at least one). */
export const slotsPerLine = (width: number): number => Math.max(1, Math.floor((width - STRIP.left) / (STRIP.cell + STRIP.gap)));

export function drawKernelStrips(
  ctx: CanvasRenderingContext2D, slots: readonly StripSlot[], a: LayerMaps, b: LayerMaps, classIndex: number, perLine: number, names: [string, string],
): void {
  const { cell, gap, left, line } = STRIP;
  const tile = document.createElement('canvas');
  tile.width = a.width;
  tile.height = a.height;
  const tileCtx = tile.getContext('2d')!;
  let image = tileCtx.createImageData(a.width, a.height);
  const paint = (maps: LayerMaps, kernel: number, x: number, y: number) => {
    if (tile.width !== maps.width || tile.height !== maps.height) {
      tile.width = maps.width;
      tile.height = maps.height;
      image = tileCtx.createImageData(maps.width, maps.height);
    }
    paintMap('aom', kernelMap(maps, kernel, classIndex), image.data);
    tileCtx.putImageData(image, 0, 0);
    ctx.drawImage(tile, x, y, cell, cell);
  };
  const empty = (x: number, y: number, mark: string, colour: string) => {
    ctx.fillStyle = '#f3f4f6';
    ctx.fillRect(x, y, cell, cell);
    ctx.fillStyle = colour;
    ctx.font = 'bold 18px system-ui, sans-serif';
    ctx.fillText(mark, x + cell / 2, y + cell / 2 + 1);
  };
  const outline = (x: number, y: number, colour: string) => {
    ctx.strokeStyle = colour;
    ctx.lineWidth = 2;
    ctx.strokeRect(x - 1, y - 1, cell + 2, cell + 2);
  };
  ctx.imageSmoothingEnabled = false;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  slots.forEach((slot, i) => {
    const x = left + (i % perLine) * (cell + gap);
    const top = Math.floor(i / perLine) * line;
    const ya = top + 12;
    const yb = ya + cell + 4;
    if (i % perLine === 0) {
      ctx.fillStyle = '#374151';
      ctx.font = '11px system-ui, sans-serif';
      ctx.fillText(names[0], left / 2, ya + cell / 2);
      ctx.fillText(names[1], left / 2, yb + cell / 2);
    }
    ctx.fillStyle = '#6b7280';
    ctx.font = '10px system-ui, sans-serif';
    if (slot.a !== null) ctx.fillText(`k${slot.a}`, x + cell / 2, top + 6);
    if (slot.b !== null) ctx.fillText(`k${slot.b}`, x + cell / 2, yb + cell + 7);
    if (slot.a !== null) paint(a, slot.a, x, ya);
    else empty(x, ya, '+', '#15803d');
    if (slot.b !== null) paint(b, slot.b, x, yb);
    else empty(x, yb, '×', '#b91c1c');
    if (slot.b === null) outline(x, ya, '#b91c1c');
    if (slot.a === null) outline(x, yb, '#15803d');
  });
}
