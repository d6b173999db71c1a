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
  n: number;
}

export function pairedDelta(a: readonly number[], b: readonly number[]): PairedDelta {
  if (a.length !== b.length) throw new Error(`pairedDelta: ${a.length} runs against ${b.length}`);
  const d = a.map((v, i) => v - b[i]);
  const { mean, std, n } = summarise(d);
  if (std === null) return { mean, low: null, high: null, n };
  const half = (jstat.jStat.studentt.inv(0.975, n - 1) * std) / Math.sqrt(n);
  return { mean, low: mean - half, high: mean + half, n };
}

/** Whether a delta's interval lies wholly above zero (the decision rule's "excludes 0" in the claimed direction). */
export function surelyPositive(delta: PairedDelta): boolean {
  return delta.low !== null && delta.low > 0;
}
