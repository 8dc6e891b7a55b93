/**
 * Axis ticks at "nice" values (1, 2 or 5 times a power of ten, after Heckbert, "Nice numbers for graph labels",
 * Graphics Gems 1990) and their labels, with k / M suffixes for large values (parameter counts).
 */

export interface AxisTicks {
  /** The axis range, widened to whole steps. */
  lo: number;
  hi: number;
  step: number;
  ticks: number[];
}

/** The 1-2-5 step nearest to `raw` from above. */
function niceStep(raw: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const f = raw / magnitude;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * magnitude;
}

/** About `target` ticks covering [lo, hi] (an empty or reversed range is widened around lo). */
export function niceTicks(lo: number, hi: number, target = 5): AxisTicks {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) throw new RangeError(`axis range must be finite, got [${lo}, ${hi}]`);
  if (!(hi > lo)) {
    const pad = Math.abs(lo) * 0.1 || 1;
    [lo, hi] = [lo - pad, lo + pad];
  }
  const step = niceStep((hi - lo) / Math.max(1, target));
  const first = Math.floor(lo / step + 1e-9);
  const last = Math.ceil(hi / step - 1e-9);
  // Multiplying the integer index by the step (not adding steps) keeps 0.1 + 0.2-style error out of the values.
  const ticks = Array.from({ length: last - first + 1 }, (_, i) => Number(((first + i) * step).toPrecision(12)));
  return { lo: ticks[0], hi: ticks[ticks.length - 1], step, ticks };
}

/** Digits after the point that a step of `step` needs. */
const decimalsFor = (step: number): number => Math.max(0, -Math.floor(Math.log10(step) + 1e-9));

/** A tick label: 0.25, 98.5, 150k, 1.25M (the suffix when the step is at least 1,000 or 1,000,000 / 10). */
export function formatTick(value: number, step: number): string {
  if (step >= 1e5 && Math.abs(value) >= 1e6) return `${(value / 1e6).toFixed(decimalsFor(step / 1e6))}M`;
  if (step >= 100 && Math.abs(value) >= 1e3) return `${(value / 1e3).toFixed(decimalsFor(step / 1e3))}k`;
  return value.toFixed(decimalsFor(step));
}
