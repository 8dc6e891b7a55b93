/**
 * The outlines of the plot markers, shared by the SVG writer and the PNG rasteriser so both draw the same shapes:
 * a polygon for the triangle (apex up), the diamond and the five-pointed star (first point up), and plain
 * geometry for the circle, the square and the cross (two diagonal strokes), which both back-ends draw natively.
 * Screen coordinates: y grows down.
 */
import type { MarkerShape } from './scatter-plot.ts';

/** The polygon of `shape` centred on (x, y) with radius r, or null for the shapes drawn without one. */
export function markerPolygon(shape: MarkerShape, x: number, y: number, r: number): [number, number][] | null {
  switch (shape) {
    case 'triangle':
      return [[x, y - r * 1.15], [x + r * 1.15, y + r], [x - r * 1.15, y + r]];
    case 'diamond':
      return [[x, y - r * 1.3], [x + r * 1.3, y], [x, y + r * 1.3], [x - r * 1.3, y]];
    case 'star':
      // Ten vertices alternating between the outer radius 1.4 r and the inner 0.6 r, 36 degrees apart.
      return Array.from({ length: 10 }, (_, i) => {
        const radius = (i % 2 === 0 ? 1.4 : 0.6) * r;
        const angle = -Math.PI / 2 + (i * Math.PI) / 5;
        return [x + radius * Math.cos(angle), y + radius * Math.sin(angle)] as [number, number];
      });
    default:
      return null;
  }
}

/** Width of the cross's two strokes, in pixels. */
export const CROSS_STROKE = 2.5;
