import type { Benchmark, LeaderboardRow } from './benchmark.ts';

/** Best first by the primary metric; rows lacking it keep their stored order at the end. */
export function rankRows(rows: LeaderboardRow[], benchmark: Benchmark): LeaderboardRow[] {
  const spec = benchmark.metrics.find((m) => m.key === benchmark.primaryMetric);
  const sign = spec?.higherIsBetter === false ? 1 : -1;
  const value = (row: LeaderboardRow) => row.metrics[benchmark.primaryMetric];
  return [...rows].sort((a, b) => {
    const va = value(a);
    const vb = value(b);
    if (va === undefined || vb === undefined) return (va === undefined ? 1 : 0) - (vb === undefined ? 1 : 0);
    return sign * (va - vb);
  });
}
