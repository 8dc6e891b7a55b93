/**
 * The baselines' seeds field: the random baseline's seeds, one run each, typed as "1, 2, 3" (commas or spaces).
 * Whole numbers in 0..4294967295 (the CLI's --seeds rule), each once; empty runs no random baseline (a comparison
 * of L1 norm and APoZ alone, for a user short of time). Read here so that the panel says what is wrong before a
 * comparison of many retrainings starts.
 */
export type SeedListParse = { seeds: number[]; error: null } | { seeds: null; error: string };

export function parseSeedList(text: string): SeedListParse {
  const parts = text.split(/[\s,]+/).filter((p) => p !== '');
  const seeds: number[] = [];
  for (const part of parts) {
    const v = Number(part);
    if (!(/^\d+$/.test(part) && v <= 0xffffffff)) return { seeds: null, error: `random seeds: '${part}' is not a whole number from 0 to 4294967295` };
    if (!seeds.includes(v)) seeds.push(v);
  }
  return { seeds, error: null };
}

/** How the plan's sentence names the random runs: "at random (seeds 1, 2, 3)", or none when the field is empty. */
export function describeSeeds(seeds: readonly number[]): string {
  if (seeds.length === 0) return 'no random baseline (no seed given)';
  return `at random (seed${seeds.length > 1 ? 's' : ''} ${seeds.join(', ')})`;
}
