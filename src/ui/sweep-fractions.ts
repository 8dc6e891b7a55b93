/**
 * The baselines' sweep field: fractions of every conv layer's kernels to drop, typed as "0.5, 0.75" (commas or
 * spaces). Read here so that the panel can say what is wrong before a comparison of many retrainings starts.
 */
export type SweepParse = { fractions: number[]; error: null } | { fractions: null; error: string };

export function parseSweepFractions(text: string): SweepParse {
  const parts = text.split(/[\s,]+/).filter((p) => p !== '');
  const fractions: number[] = [];
  for (const part of parts) {
    const v = Number(part);
    if (!(Number.isFinite(v) && v > 0 && v < 1)) return { fractions: null, error: `sweep: '${part}' is not a fraction between 0 and 1 (exclusive), such as 0.5` };
    if (!fractions.includes(v)) fractions.push(v);
  }
  return { fractions: fractions.sort((a, b) => a - b), error: null };
}
