import jstat from 'jstat';

/** Mean, sample standard deviation and count of a metric over a study's runs. */
export interface Summary {
  mean: number;
  std: number | null;
  n: number;
}

export function summarise(values: readonly number[]): Summary {
  const n = values.length;
  if (n === 0) throw new Error('summarise: no values');
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const std = n < 2 ? null : Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1));
  return { mean, std, n };
}

/** A paired difference a - b over runs that share their seeds, with its two-sided 95 % t-interval. */
export interface PairedDelta {
  mean: number;
  /** null with a single pair: one pair says nothing about the spread. */
  low: number | null;
  high: number | null;
  /** Sample standard deviation of the paired differences (null with a single pair). */
  std: number | null;
  n: number;
}

export function pairedDelta(a: readonly number[], b: readonly number[]): PairedDelta {
  if (a.length !== b.length) throw new Error(`pairedDelta: ${a.length} runs against ${b.length}`);
  const d = a.map((v, i) => v - b[i]);
  const { mean, std, n } = summarise(d);
  if (std === null) return { mean, low: null, high: null, std, n };
  const half = halfWidth(std, n);
  return { mean, low: mean - half, high: mean + half, std, n };
}

/** Whether a delta's interval lies wholly above zero (the decision rule's "excludes 0" in the claimed direction). */
export function surelyPositive(delta: PairedDelta): boolean {
  return delta.low !== null && delta.low > 0;
}

/** Half-width of the two-sided 95 % t-interval of a mean over n pairs with standard deviation std. */
function halfWidth(std: number, n: number): number {
  return (jstat.jStat.studentt.inv(0.975, n - 1) * std) / Math.sqrt(n);
}

/**
 * Paired runs needed, at the observed spread of the differences, for the 95 % interval's half-width to fall below
 * `effect` (so an effect of that size would exclude 0); null past `max` runs or without a spread.
 */
export function runsToResolve(std: number | null, effect: number, max = 1000): number | null {
  if (std === null || !(effect > 0)) return null;
  for (let n = 2; n <= max; n++) if (halfWidth(std, n) < effect) return n;
  return null;
}
