/**
 * Input preprocessing: how raw pixels p (0..255, per channel c) become the model's input,
 *   x = (p * scale - mean[c]) / std[c].
 * The tool's own models record it in model.json (see io/tfjs-layers.ts); models imported from Keras may carry
 * it as `Rescaling` and `Normalization` layers at the front instead, which the loader folds into this form with
 * the functions below. A model with neither gets pixels scaled to [0, 1] (unitScalePreprocessing).
 */
import type { Preprocessing } from '../gpu/kernels/gather-batch-contract.ts';

/** Pixels scaled to [0, 1], no per-channel normalisation: scale 1/255, mean 0, std 1. */
export function unitScalePreprocessing(channels: number): Preprocessing {
  return { scale: 1 / 255, mean: new Array<number>(channels).fill(0), std: new Array<number>(channels).fill(1) };
}

/** The identity on raw pixels (x = p): the starting point when a model brings its own preprocessing layers. */
export function identityPreprocessing(channels: number): Preprocessing {
  return { scale: 1, mean: new Array<number>(channels).fill(0), std: new Array<number>(channels).fill(1) };
}

/** Spreads a per-channel value given as one number (or one-element list) over all channels. */
export function perChannel(values: number | readonly number[], channels: number, what: string): number[] {
  const list = typeof values === 'number' ? [values] : [...values];
  if (list.length === 1) return new Array<number>(channels).fill(list[0]);
  if (list.length !== channels) throw new RangeError(`${what} has ${list.length} values, expected 1 or ${channels} (one per channel)`);
  return list;
}

/**
 * `p` followed by y = x * s[c] + o[c] (Keras `Rescaling(scale, offset)`):
 *   y = (p*scale - mean)/std * s + o = (p*scale*s - (mean*s - o*std)) / std.
 * With one scale for all channels it folds into `scale` (so Rescaling(1/255) on raw pixels gives exactly our
 * default scale 1/255); per-channel scales fold into std instead: y = (p*scale - (mean - o*std/s)) / (std/s).
 */
export function composeRescaling(p: Preprocessing, s: number[], o: number[]): Preprocessing {
  const channels = p.mean.length;
  const sc = perChannel(s, channels, 'Rescaling scale');
  const off = perChannel(o, channels, 'Rescaling offset');
  if (sc.every((v) => v === sc[0])) {
    const k = sc[0];
    return { scale: p.scale * k, mean: p.mean.map((m, c) => m * k - off[c] * p.std[c]), std: [...p.std] };
  }
  if (sc.some((v) => v === 0)) throw new RangeError('Rescaling with a zero per-channel scale cannot be represented');
  return {
    scale: p.scale,
    mean: p.mean.map((m, c) => m - (off[c] * p.std[c]) / sc[c]),
    std: p.std.map((d, c) => d / sc[c]),
  };
}

/**
 * `p` followed by y = (x - m[c]) / d[c] (Keras `Normalization`, with d = max(sqrt(variance), 1e-7)):
 *   y = ((p*scale - mean)/std - m)/d = (p*scale - (mean + m*std)) / (std*d).
 */
export function composeNormalization(p: Preprocessing, m: number[], d: number[]): Preprocessing {
  const channels = p.mean.length;
  const mm = perChannel(m, channels, 'Normalization mean');
  const dd = perChannel(d, channels, 'Normalization std');
  return { scale: p.scale, mean: p.mean.map((v, c) => v + mm[c] * p.std[c]), std: p.std.map((v, c) => v * dd[c]) };
}

/** Checks that `p` is usable for `channels` input channels; returns a problem description or null. */
export function preprocessingProblem(p: unknown, channels: number): string | null {
  if (typeof p !== 'object' || p === null) return 'preprocessing must be an object { scale, mean, std }';
  const { scale, mean, std } = p as Record<string, unknown>;
  if (typeof scale !== 'number' || !Number.isFinite(scale)) return `preprocessing.scale must be a finite number, got ${JSON.stringify(scale)}`;
  const isList = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x));
  if (!isList(mean) || mean.length !== channels) return `preprocessing.mean must list ${channels} finite numbers, got ${JSON.stringify(mean)}`;
  if (!isList(std) || std.length !== channels || std.some((v) => v === 0)) {
    return `preprocessing.std must list ${channels} finite non-zero numbers, got ${JSON.stringify(std)}`;
  }
  return null;
}
