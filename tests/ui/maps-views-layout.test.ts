/**
 * The pure helpers behind the maps views: which rows are in view, the transform that keeps an old frame under
 * the current view's labels, the keyboard cursor, cell means for the overview, and the kernel table's sort.
 */
import { describe, expect, it } from 'vitest';
import { MARGIN, cellMeans, cellPitch, contentSize, fitZoom, frameTransform, moveCursor, visibleRows } from '../../src/ui/map-layout.ts';
import { cellText, sortKernels } from '../../src/ui/kernel-table-rows.ts';
import type { KernelStats, LayerMaps } from '../../src/session/engine-api.ts';

const maps = { kernels: 64, classes: 3, height: 4, width: 5 } as LayerMaps;

describe('maps grid layout', () => {
  it('lists only the rows that intersect the viewport below the class names', () => {
    // zoom 2: a row pitch of (4 + 1) * 2 = 10 px; pan 18 puts row r at 18 + 10 r.
    expect(cellPitch(maps, 2)).toEqual({ x: 12, y: 10 });
    expect(visibleRows(maps, 2, MARGIN.top, 100)).toEqual([0, 8]); // row 8 starts at 98 < 100
    // Scrolled by 35 px: pan -17; row 3 spans -17 + 30 = 13 .. 21, partly under the header (18), so it shows.
    expect(visibleRows(maps, 2, MARGIN.top - 35, 100)).toEqual([3, 11]);
    expect(visibleRows(maps, 2, -10_000, 100)[1]).toBe(63);
  });

  it('sizes the scrollable content as margins + zoomed grid + 4 px, a fitted grid exactly as wide as its box', () => {
    // grid: 3 * 6 - 1 = 17 wide, 64 * 5 - 1 = 319 tall (units); zoom 2.
    expect(contentSize(maps, 2)).toEqual({ width: 34 + 34 + 4, height: 18 + 638 + 4 });
    for (const box of [577, 640, 851]) expect(contentSize(maps, fitZoom(maps, box)).width).toBeLessThanOrEqual(box);
  });

  it('moves an old frame to where the current view draws the same grid point', () => {
    const frame = { zoom: 2, panX: 10, panY: -40 };
    const now = { zoom: 3, panX: 4, panY: -100 };
    const m = /translate\((.+)px, (.+)px\) scale\((.+)\)/.exec(frameTransform(frame, now))!.slice(1).map(Number);
    const [tx, ty, s] = m;
    for (const g of [[0, 0], [7.5, 31]]) {
      const inFrame = [frame.panX + frame.zoom * g[0], frame.panY + frame.zoom * g[1]];
      expect(tx + s * inFrame[0]).toBeCloseTo(now.panX + now.zoom * g[0], 9);
      expect(ty + s * inFrame[1]).toBeCloseTo(now.panY + now.zoom * g[1], 9);
    }
  });

  it('moves the keyboard cursor within the grid and ignores other keys', () => {
    expect(moveCursor({ row: 0, col: 0 }, 'ArrowUp', 4, 3)).toEqual({ row: 0, col: 0 });
    expect(moveCursor({ row: 0, col: 0 }, 'ArrowRight', 4, 3)).toEqual({ row: 0, col: 1 });
    expect(moveCursor({ row: 1, col: 2 }, 'PageDown', 4, 3)).toEqual({ row: 3, col: 2 });
    expect(moveCursor({ row: 1, col: 1 }, 'End', 4, 3)).toEqual({ row: 1, col: 2 });
    expect(moveCursor({ row: 1, col: 1 }, 'a', 4, 3)).toBeNull();
  });

  it('averages every (kernel, class) map, keeping NaN for a class without images', () => {
    const small = { kernels: 2, classes: 2, height: 1, width: 2 };
    expect([...cellMeans(Float32Array.from([0, 1, 0.5, 0.5, 1, 1, NaN, NaN]), small)]).toEqual([0.5, 0.5, 1, NaN]);
  });
});

describe('kernel table sort', () => {
  const stat = (kernel: number, occurrence: number, strongestClass: number, ablationImpact: number | null, distance: number | null): KernelStats => ({
    kernel, occurrence, classOccurrence: [], strongestClass, selectivity: occurrence / 2, nearest: distance === null ? null : 0, distance, ablationImpact,
  });
  const layer = { classNames: ['cat', 'dog', 'class 10', 'class 9'], stats: [stat(0, 0.5, 1, 0.01, 0.2), stat(1, 0.9, 0, null, null), stat(2, 0.5, 3, -0.02, 0.1), stat(3, NaN, 2, 0.03, 0.3)] };
  const kernels = (key: Parameters<typeof sortKernels>[1], descending: boolean) => sortKernels(layer, key, descending).map((s) => s.kernel);

  it('sorts numbers either way with ties by index and unknown values last', () => {
    expect(kernels('occurrence', true)).toEqual([1, 0, 2, 3]);
    expect(kernels('occurrence', false)).toEqual([0, 2, 1, 3]);
    expect(kernels('ablationImpact', true)).toEqual([3, 0, 2, 1]);
    expect(kernels('distance', false)).toEqual([2, 0, 3, 1]);
  });

  it('sorts class names in natural order and prints cells', () => {
    expect(kernels('strongestClass', false)).toEqual([1, 2, 3, 0]); // cat (k1), class 9 (k2), class 10 (k3), dog (k0)
    expect(cellText(layer.stats[1], 'ablationImpact', layer.classNames)).toBe('not run');
    expect(cellText(layer.stats[2], 'ablationImpact', layer.classNames)).toBe('-2.00');
    expect(cellText(layer.stats[0], 'nearest', layer.classNames)).toBe('k0');
    expect(cellText(layer.stats[3], 'occurrence', layer.classNames)).toBe('—');
  });
});
