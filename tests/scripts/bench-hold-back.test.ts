import { describe, expect, it } from 'vitest';
import { lagProfile, medianProfile, peak, reachedAt, subtractProfile } from '../../scripts/bench/hold-back';

describe('the benchmark hold-back measure', () => {
  it('gives each character its wait from write to arrival, and what was written but not received when it was written', () => {
    // Upstream writes 2 characters every 10 ms; the client gets each piece 1 ms later, except
    // characters 4–9, held until the piece of 10–11 arrives (at 51 ms).
    const upstream = { at: [0, 10, 20, 30, 40, 50], chars: [2, 4, 6, 8, 10, 12] };
    const client = { at: [1, 11, 51], chars: [2, 4, 12] };
    const profile = lagProfile(upstream, client);
    expect(profile.ms).toEqual([1, 1, 1, 1, 31, 31, 21, 21, 11, 11, 1, 1]);
    expect(profile.chars).toEqual([2, 2, 2, 2, 2, 2, 4, 4, 6, 6, 8, 8]);
    expect(peak(profile.ms)).toEqual({ value: 31, at: 4 });
    expect(peak(profile.chars)).toEqual({ value: 8, at: 10 });
  });

  it('counts only what both sides have; medians and differences position by position', () => {
    const upstream = { at: [0, 10, 20], chars: [3, 6, 9] };
    expect(lagProfile(upstream, { at: [2, 12], chars: [3, 6] })).toEqual({ ms: [2, 2, 2, 2, 2, 2], chars: [3, 3, 3, 3, 3, 3] });
    const profiles = [
      { ms: [1, 9, 3], chars: [1, 1, 9] },
      { ms: [2, 2, 2], chars: [2, 2, 2] },
      { ms: [3, 1, 1, 7], chars: [3, 3, 1, 7] },
    ];
    const typical = medianProfile(profiles);
    expect(typical).toEqual({ ms: [2, 2, 2], chars: [2, 2, 2] });
    expect(subtractProfile({ ms: [5, 5, 5, 5], chars: [4, 4, 4, 4] }, typical)).toEqual({ ms: [3, 3, 3], chars: [2, 2, 2] });
    expect(peak([])).toEqual({ value: Number.NaN, at: -1 });
  });

  it('finds when a timeline reached a length', () => {
    const timeline = { at: [5, 7, 9], chars: [2, 4, 6] };
    expect(reachedAt(timeline, 3)).toBe(7);
    expect(reachedAt(timeline, 6)).toBe(9);
    expect(reachedAt(timeline, 7)).toBeNaN();
  });
});
