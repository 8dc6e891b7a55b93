/**
 * A plot scene (scatter-plot.ts) as an SVG document: lines, rectangles, markers as shapes and text as text in a
 * monospace font sized to the bitmap font's cell (10 px per scale unit, so a character is about 6 px per unit
 * wide, as the layout measured it).
 */
import { CROSS_STROKE, markerPolygon } from './marker-shapes.ts';
import type { MarkerShape, PlotItem, PlotScene } from './scatter-plot.ts';

const escapeXml = (text: string): string => text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);

/** Two decimals are finer than a pixel and keep the file small. */
const n = (v: number): string => String(Math.round(v * 100) / 100);

/** A marker of `shape` centred on (x, y) with radius r, as one SVG element. */
export function markerSvg(shape: MarkerShape, x: number, y: number, r: number, colour: string): string {
  const polygon = markerPolygon(shape, x, y, r);
  if (polygon) return `<polygon points="${polygon.map(([a, b]) => `${n(a)},${n(b)}`).join(' ')}" fill="${colour}"/>`;
  if (shape === 'circle') return `<circle cx="${n(x)}" cy="${n(y)}" r="${n(r)}" fill="${colour}"/>`;
  if (shape === 'square') return `<rect x="${n(x - r)}" y="${n(y - r)}" width="${n(2 * r)}" height="${n(2 * r)}" fill="${colour}"/>`;
  return `<path d="M${n(x - r)} ${n(y - r)}L${n(x + r)} ${n(y + r)}M${n(x - r)} ${n(y + r)}L${n(x + r)} ${n(y - r)}" stroke="${colour}" stroke-width="${CROSS_STROKE}"/>`;
}

function itemSvg(item: PlotItem): string {
  switch (item.type) {
    case 'line':
      return `<line x1="${n(item.x1)}" y1="${n(item.y1)}" x2="${n(item.x2)}" y2="${n(item.y2)}" stroke="${item.colour}" stroke-width="${item.width}"/>`;
    case 'rect':
      return `<rect x="${n(item.x)}" y="${n(item.y)}" width="${n(item.w)}" height="${n(item.h)}" stroke="${item.stroke}" fill="${item.fill ?? 'none'}"/>`;
    case 'marker':
      return markerSvg(item.shape, item.x, item.y, item.radius, item.colour);
    case 'text': {
      const baseline = { top: 'hanging', middle: 'central', bottom: 'alphabetic' }[item.baseline];
      const rotate = item.rotate ? ` transform="rotate(${item.rotate} ${n(item.x)} ${n(item.y)})"` : '';
      return `<text x="${n(item.x)}" y="${n(item.y)}" font-size="${10 * item.scale}" text-anchor="${item.anchor}" dominant-baseline="${baseline}" fill="${item.colour}"${rotate}>${escapeXml(item.text)}</text>`;
    }
  }
}

/** The scene as a standalone SVG document. */
export function plotSvg(scene: PlotScene, title?: string): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${scene.width}" height="${scene.height}" viewBox="0 0 ${scene.width} ${scene.height}" font-family="monospace">`,
    ...(title ? [`<title>${escapeXml(title)}</title>`] : []),
    `<rect width="100%" height="100%" fill="${scene.background}"/>`,
    ...scene.items.map(itemSvg),
    '</svg>',
    '',
  ].join('\n');
}
