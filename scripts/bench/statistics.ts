/** Order statistics of a run's samples, by nearest rank: each figure is a value that was measured. */
export interface Summary {
  count: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  min: number;
  max: number;
}

/**
 * The nearest-rank percentile: the smallest sample with at least `p` percent of the samples at or
 * below it. No interpolation, so a p99 of 2,000 samples is the 1,980th smallest, a real call.
 */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100], not ${p}`);
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[rank - 1] as number;
}

export function mean(samples: readonly number[]): number {
  if (samples.length === 0) return Number.NaN;
  return samples.reduce((sum, sample) => sum + sample, 0) / samples.length;
}

export function summarize(samples: readonly number[]): Summary {
  return {
    count: samples.length,
    mean: mean(samples),
    p50: percentile(samples, 50),
    p90: percentile(samples, 90),
    p99: percentile(samples, 99),
    min: samples.length ? Math.min(...samples) : Number.NaN,
    max: samples.length ? Math.max(...samples) : Number.NaN,
  };
}

/** How many times the floor's figure the route's is: the headline of every comparison. */
export function ratio(route: number, floor: number): number {
  return floor > 0 ? route / floor : Number.NaN;
}
