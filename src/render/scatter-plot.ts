/**
 * A scatter plot laid out once as a list of drawing items in pixel coordinates (a "scene"), which plot-svg.ts
 * writes as SVG and plot-png.ts rasterises, so both files show exactly the same figure: a title, a framed plot
 * area with grid lines and nice ticks on both axes (nice-ticks.ts), axis labels (the y label turned a quarter
 * left), one marker shape and colour per series, and a legend to the right of the plot area.
 *
 * Coordinates: x grows right, y grows down, (0, 0) the top-left pixel corner. Data value v maps to
 *   px = left + (v - x.lo) / (x.hi - x.lo) * plotWidth,   py = top + (1 - (v - y.lo) / (y.hi - y.lo)) * plotHeight.
 * Text is measured with the bitmap font's cell (TEXT_CELL: 6 x 8 dots per character at scale 1), which the SVG
 * matches with a monospace font of 10 px per scale unit (a monospace character is about 0.6 em wide).
 */
import { TEXT_CELL } from './bitmap-font.ts';
import { formatTick, niceTicks } from './nice-ticks.ts';

export type MarkerShape = 'circle' | 'square' | 'triangle' | 'diamond' | 'cross' | 'star';

export interface PlotSeries {
  name: string;
  marker: MarkerShape;
  /** '#rrggbb'. */
  colour: string;
  points: readonly { x: number; y: number }[];
}

export interface ScatterPlotSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly PlotSeries[];
  /** Pixels; default 760 x 480. */
  width?: number;
  height?: number;
  /**
   * Font scale (a character 6 x 8 px per unit); default 2, legible in a PNG viewed at its size. The page, which
   * draws the SVG beside its own 13 px text, asks for less; the PNG's bitmap font wants a whole number.
   */
  textScale?: number;
}

export type PlotItem =
  | { type: 'line'; x1: number; y1: number; x2: number; y2: number; colour: string; width: number }
  | { type: 'rect'; x: number; y: number; w: number; h: number; stroke: string; fill: string | null }
  | { type: 'marker'; x: number; y: number; shape: MarkerShape; colour: string; radius: number }
  /** `scale`: font scale (a character is 6 * scale px wide); (x, y) is the anchor point, `baseline` says where y lies on the text. */
  | { type: 'text'; x: number; y: number; text: string; scale: number; anchor: 'start' | 'middle' | 'end'; baseline: 'top' | 'middle' | 'bottom'; rotate: 0 | -90; colour: string };

export interface PlotScene {
  width: number;
  height: number;
  background: string;
  items: PlotItem[];
}

const INK = '#222222';
const GRID = '#dddddd';
const MARKER_RADIUS = 5;
const TEXT_SCALE = 2;

/** Width in pixels of `text` at font scale `scale`. */
export function textWidth(text: string, scale: number): number {
  return text.length * TEXT_CELL.width * scale;
}

/** The data range of `values`, or [0, 1] when there are none. */
function extent(values: number[]): [number, number] {
  return values.length === 0 ? [0, 1] : [Math.min(...values), Math.max(...values)];
}

/** The scene of `spec` (see the file comment). */
export function scatterPlot(spec: ScatterPlotSpec): PlotScene {
  const textScale = spec.textScale ?? TEXT_SCALE;
  const width = spec.width ?? 760;
  const height = spec.height ?? 480;
  const points = spec.series.flatMap((s) => s.points).filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  // A margin of 6% of the range on each side keeps markers off the frame.
  const pad = ([lo, hi]: [number, number]): [number, number] => (hi > lo ? [lo - 0.06 * (hi - lo), hi + 0.06 * (hi - lo)] : [lo, hi]);
  const x = niceTicks(...pad(extent(points.map((p) => p.x))), 6);
  const y = niceTicks(...pad(extent(points.map((p) => p.y))), 6);
  const xLabels = x.ticks.map((v) => formatTick(v, x.step));
  const yLabels = y.ticks.map((v) => formatTick(v, y.step));

  const charH = TEXT_CELL.height * textScale;
  const legendWidth = Math.max(...spec.series.map((s) => textWidth(s.name, textScale)), 0) + 4 * MARKER_RADIUS + 24;
  const left = 16 + charH + 10 + Math.max(...yLabels.map((l) => textWidth(l, textScale))) + 10;
  const top = 16 + charH + 14;
  const right = width - legendWidth - 24;
  const bottom = height - (16 + charH + 10 + charH + 10);
  const plotW = right - left;
  const plotH = bottom - top;
  if (plotW < 40 || plotH < 40) throw new RangeError(`scatter plot '${spec.title}': ${width} x ${height} pixels leave no room for the plot area`);
  const px = (v: number) => left + ((v - x.lo) / (x.hi - x.lo)) * plotW;
  const py = (v: number) => top + (1 - (v - y.lo) / (y.hi - y.lo)) * plotH;

  const items: PlotItem[] = [];
  const text = (t: Omit<Extract<PlotItem, { type: 'text' }>, 'type' | 'scale' | 'colour' | 'rotate'> & { rotate?: 0 | -90 }) =>
    items.push({ type: 'text', scale: textScale, colour: INK, rotate: 0, ...t });

  // The title is centred on the image, or starts at the left margin when it is wider than the image allows.
  const titleFits = textWidth(spec.title, textScale) <= width - 32;
  text({ x: titleFits ? width / 2 : 16, y: 16, text: spec.title, anchor: titleFits ? 'middle' : 'start', baseline: 'top' });
  x.ticks.forEach((v, i) => {
    const at = px(v);
    items.push({ type: 'line', x1: at, y1: top, x2: at, y2: bottom, colour: GRID, width: 1 });
    items.push({ type: 'line', x1: at, y1: bottom, x2: at, y2: bottom + 5, colour: INK, width: 1 });
    text({ x: at, y: bottom + 8, text: xLabels[i], anchor: 'middle', baseline: 'top' });
  });
  y.ticks.forEach((v, i) => {
    const at = py(v);
    items.push({ type: 'line', x1: left, y1: at, x2: right, y2: at, colour: GRID, width: 1 });
    items.push({ type: 'line', x1: left - 5, y1: at, x2: left, y2: at, colour: INK, width: 1 });
    text({ x: left - 8, y: at, text: yLabels[i], anchor: 'end', baseline: 'middle' });
  });
  items.push({ type: 'rect', x: left, y: top, w: plotW, h: plotH, stroke: INK, fill: null });
  text({ x: left + plotW / 2, y: height - 16, text: spec.xLabel, anchor: 'middle', baseline: 'bottom' });
  text({ x: 16, y: top + plotH / 2, text: spec.yLabel, anchor: 'middle', baseline: 'top', rotate: -90 });

  for (const s of spec.series) {
    for (const p of s.points) {
      if (Number.isFinite(p.x) && Number.isFinite(p.y)) items.push({ type: 'marker', x: px(p.x), y: py(p.y), shape: s.marker, colour: s.colour, radius: MARKER_RADIUS });
    }
  }

  // Legend: one row per series, a marker and the name, in a framed box right of the plot area.
  const rowH = charH + 8;
  const boxX = right + 16;
  const boxH = spec.series.length * rowH + 8;
  items.push({ type: 'rect', x: boxX, y: top, w: legendWidth, h: boxH, stroke: INK, fill: '#ffffff' });
  spec.series.forEach((s, i) => {
    const cy = top + 4 + i * rowH + rowH / 2;
    items.push({ type: 'marker', x: boxX + 8 + MARKER_RADIUS, y: cy, shape: s.marker, colour: s.colour, radius: MARKER_RADIUS });
    text({ x: boxX + 16 + 2 * MARKER_RADIUS, y: cy, text: s.name, anchor: 'start', baseline: 'middle' });
  });
  return { width, height, background: '#ffffff', items };
}
