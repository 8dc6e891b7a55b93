/**
 * The ODM of one layer as a PNG: a K x K matrix, cell (k, l) coloured by ODM[k, l] (row-major k * K + l) on the
 * atlas's viridis map scaled to the matrix's largest value, so the most different pair is yellow and redundant
 * pairs (small ODM) are dark; each cell is a square of whole pixels. Pure pixels plus fast-png.
 */
import { encode as encodePng } from 'fast-png';
import { colourOf } from './atlas.ts';

export function encodeOdmPng(odm: Float32Array, kernels: number, info: { layer: string }): Uint8Array {
  if (odm.length !== kernels * kernels) throw new RangeError(`ODM of ${info.layer}: ${odm.length} values for ${kernels} kernels (needs ${kernels * kernels})`);
  const cell = Math.max(2, Math.min(16, Math.floor(512 / Math.max(1, kernels))));
  const size = kernels * cell;
  const max = odm.reduce((m, v) => (Number.isFinite(v) ? Math.max(m, v) : m), 0) || 1;
  const data = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const [r, g, b] = colourOf(odm[Math.floor(y / cell) * kernels + Math.floor(x / cell)] / max);
      data.set([r, g, b, 255], (y * size + x) * 4);
    }
  }
  return encodePng({
    width: size, height: size, data, channels: 4, depth: 8,
    text: { Title: `Occurrence Difference Map of ${info.layer}`, Description: `Row k, column l: ODM(k, l) of kernels 0..${kernels - 1}; colour scaled to the largest value, ${max.toPrecision(3)}.` },
  });
}
