// The plot of the baselines: nice ticks, the scene's layout (one marker per point and per legend entry, labels),
// and its two back-ends, SVG text and PNG pixels (decoded again with fast-png), which must draw the same scene.
import { decode as decodePng } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { glyphDot, glyphRows } from '../../src/render/bitmap-font.ts';
import { formatTick, niceTicks } from '../../src/render/nice-ticks.ts';
import { Raster, plotPng } from '../../src/render/plot-png.ts';
import { plotSvg } from '../../src/render/plot-svg.ts';
import { scatterPlot, type PlotItem, type ScatterPlotSpec } from '../../src/render/scatter-plot.ts';

const spec: ScatterPlotSpec = {
  title: 'test accuracy against parameters',
  xLabel: 'parameters',
  yLabel: 'test accuracy (%)',
  series: [
    { name: 'unedited', marker: 'star', colour: '#222222', points: [{ x: 215370, y: 99.19 }] },
    { name: 'AOM & co', marker: 'diamond', colour: '#d62728', points: [{ x: 74334, y: 98.91 }] },
    { name: 'L1 norm', marker: 'circle', colour: '#1f77b4', points: [{ x: 74334, y: 98.1 }, { x: 120000, y: 98.7 }] },
    { name: 'random', marker: 'triangle', colour: '#ff7f0e', points: [{ x: 74334, y: 97.5 }] },
    { name: 'APoZ', marker: 'square', colour: '#2ca02c', points: [{ x: 74334, y: 98.0 }] },
    { name: 'other', marker: 'cross', colour: '#9467bd', points: [{ x: 100000, y: 98.5 }] },
  ],
};

describe('nice ticks', () => {
  it('steps of 1, 2 or 5 times a power of ten covering the range', () => {
    expect(niceTicks(0, 1, 5)).toEqual({ lo: 0, hi: 1, step: 0.2, ticks: [0, 0.2, 0.4, 0.6, 0.8, 1] });
    // (215370 - 74334) / 6 = 23506 -> 50,000 (2.35 rounds up to 5).
    expect(niceTicks(74334, 215370, 6)).toEqual({ lo: 50000, hi: 250000, step: 50000, ticks: [50000, 100000, 150000, 200000, 250000] });
    expect(niceTicks(97.3, 99.2, 6).ticks).toEqual([97, 97.5, 98, 98.5, 99, 99.5]);
    // An empty range is widened by 10% of the value around it.
    expect(niceTicks(50, 50).lo).toBeLessThan(50);
    expect(niceTicks(50, 50).hi).toBeGreaterThan(50);
  });

  it('labels with the digits the step needs, and k / M for large values', () => {
    expect(formatTick(150000, 50000)).toBe('150k');
    expect(formatTick(2500, 500)).toBe('2.5k');
    expect(formatTick(1200000, 200000)).toBe('1.2M');
    expect(formatTick(98.5, 0.5)).toBe('98.5');
    expect(formatTick(0.1 + 0.2, 0.1)).toBe('0.3');
    expect(formatTick(40, 20)).toBe('40');
  });
});

describe('scatter plot scene', () => {
  const scene = scatterPlot(spec);
  const markers = scene.items.filter((i): i is Extract<PlotItem, { type: 'marker' }> => i.type === 'marker');
  const texts = scene.items.filter((i): i is Extract<PlotItem, { type: 'text' }> => i.type === 'text').map((t) => t.text);

  it('has one marker per point and one per legend entry, the labels, the title and the tick labels', () => {
    expect(markers).toHaveLength(7 + 6);
    for (const s of spec.series) expect(texts).toContain(s.name);
    expect(texts).toEqual(expect.arrayContaining([spec.title, spec.xLabel, spec.yLabel, '100k', '200k', '98.0', '99.0']));
  });

  it('puts larger values right (x) and up (y), inside the plot frame', () => {
    const frame = scene.items.find((i) => i.type === 'rect')! as Extract<PlotItem, { type: 'rect' }>;
    const [unedited, aom] = markers;
    expect(unedited.x).toBeGreaterThan(aom.x);
    expect(unedited.y).toBeLessThan(aom.y);
    for (const m of markers.slice(0, 7)) {
      expect(m.x).toBeGreaterThan(frame.x);
      expect(m.x).toBeLessThan(frame.x + frame.w);
      expect(m.y).toBeGreaterThan(frame.y);
      expect(m.y).toBeLessThan(frame.y + frame.h);
    }
  });

  it('SVG: a shape per marker kind in its colour, escaped text, the rotated y label', () => {
    const svg = plotSvg(scene, 'a & b');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" width="760" height="480"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('<title>a &amp; b</title>');
    expect(svg).toContain('>AOM &amp; co</text>');
    expect(svg).toMatch(/<circle [^>]*fill="#1f77b4"/);
    expect(svg).toMatch(/<rect [^>]*fill="#2ca02c"/);
    expect(svg).toMatch(/<polygon [^>]*fill="#d62728"/);
    expect(svg).toMatch(/<polygon [^>]*fill="#ff7f0e"/);
    expect(svg).toMatch(/<path [^>]*stroke="#9467bd"/);
    expect(svg).toMatch(/<text [^>]*transform="rotate\(-90 [^"]+\)"[^>]*>test accuracy \(%\)<\/text>/);
    // Every marker is one element in its colour: 6 points + 5 legend entries of the series other than 'unedited'
    // (whose #222222 is also the ink of text and axes).
    const coloured = spec.series.slice(1).reduce((n, s) => n + (svg.match(new RegExp(`(fill|stroke)="${s.colour}"`, 'g'))?.length ?? 0), 0);
    expect(coloured).toBe(11);
  });

  it('a smaller text scale (the page\'s) sets every text and gives the plot frame the room saved', () => {
    const small = scatterPlot({ ...spec, textScale: 1.3 });
    const smallTexts = small.items.filter((i): i is Extract<PlotItem, { type: 'text' }> => i.type === 'text');
    expect(new Set(smallTexts.map((t) => t.scale))).toEqual(new Set([1.3]));
    expect(plotSvg(small)).toContain('font-size="13"');
    const frameWidth = (s: typeof scene) => (s.items.find((i) => i.type === 'rect') as Extract<PlotItem, { type: 'rect' }>).w;
    expect(frameWidth(small)).toBeGreaterThan(frameWidth(scene));
  });

  it('PNG: the scene\'s size, each marker\'s colour at its centre, ink in the title, white background', () => {
    const png = decodePng(plotPng(scene, 'plot'));
    expect([png.width, png.height, png.channels]).toEqual([760, 480, 4]);
    const pixel = (x: number, y: number) => Array.from(png.data.slice((Math.floor(y) * png.width + Math.floor(x)) * 4, (Math.floor(y) * png.width + Math.floor(x)) * 4 + 3));
    const hex = (c: string) => [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16));
    // Legend markers never overlap one another, so each shows its own colour at its centre.
    markers.slice(7).forEach((m, i) => expect(pixel(m.x, m.y), spec.series[i].name).toEqual(hex(spec.series[i].colour)));
    expect(pixel(2, 2)).toEqual([255, 255, 255]);
    let ink = 0;
    for (let y = 16; y < 30; y++) for (let x = 0; x < 760; x++) if (pixel(x, y)[0] === 0x22) ink++;
    expect(ink).toBeGreaterThan(100);
  });
});

describe('bitmap font and raster text', () => {
  it('5x7 glyphs, lower case drawn as upper case, unknown characters as ?', () => {
    expect([0, 1, 2, 3, 4].map((x) => glyphDot('A', x, 0))).toEqual([false, true, true, true, false]);
    expect(glyphRows('a')).toEqual(glyphRows('A'));
    expect(glyphRows('€')).toEqual(glyphRows('?'));
  });

  it('draws a dash along x, and turned a quarter left along -y with its top facing left', () => {
    // '-' is row 3 of the glyph, all five dots.
    const flat = new Raster(8, 12, '#ffffff');
    flat.text({ type: 'text', x: 0, y: 0, text: '-', scale: 1, anchor: 'start', baseline: 'top', rotate: 0, colour: '#000000' });
    const dark = (r: Raster) => {
      const out: [number, number][] = [];
      for (let y = 0; y < r.height; y++) for (let x = 0; x < r.width; x++) if (r.data[(y * r.width + x) * 4] === 0) out.push([x, y]);
      return out;
    };
    expect(dark(flat)).toEqual([0, 1, 2, 3, 4].map((x) => [x, 3]));
    const turned = new Raster(8, 12, '#ffffff');
    turned.text({ type: 'text', x: 0, y: 10, text: '-', scale: 1, anchor: 'start', baseline: 'top', rotate: -90, colour: '#000000' });
    // Dot (gx, 3) lands at (x0 + 3, y0 - gx - 1): column 3, rows 9 down to 5.
    expect(dark(turned)).toEqual([5, 6, 7, 8, 9].map((y) => [3, y]));
  });
});
