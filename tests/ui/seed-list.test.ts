import { describe, expect, it } from 'vitest';
import { describeSeeds, parseSeedList } from '../../src/ui/seed-list.ts';

describe('parseSeedList', () => {
  it('reads whole numbers split by commas or spaces, in the order given and once each; empty is no random baseline', () => {
    expect(parseSeedList('3, 1 7,3')).toEqual({ seeds: [3, 1, 7], error: null });
    expect(parseSeedList('0 4294967295')).toEqual({ seeds: [0, 4294967295], error: null });
    expect(parseSeedList('  ')).toEqual({ seeds: [], error: null });
  });

  it('names the first entry that is no seed', () => {
    for (const bad of ['1.5', '-1', 'x', '4294967296', '1e3', '2,,0x10']) {
      const parsed = parseSeedList(bad);
      expect(parsed.seeds, bad).toBeNull();
      expect(parsed.error, bad).toMatch(/^random seeds: '.+' is not a whole number from 0 to 4294967295$/);
    }
    expect(parseSeedList('1, 2.5').error).toBe("random seeds: '2.5' is not a whole number from 0 to 4294967295");
  });

  it('says in words which random runs the comparison will make', () => {
    expect(describeSeeds([1, 2, 3])).toBe('at random (seeds 1, 2, 3)');
    expect(describeSeeds([7])).toBe('at random (seed 7)');
    expect(describeSeeds([])).toBe('no random baseline (no seed given)');
  });
});
