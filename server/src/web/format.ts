import type { MetricSpec } from '../leaderboards/benchmark.ts';

/** Fractions as percent with one decimal, like the papers print them; other units with their symbol. */
export function formatMetric(value: number | null | undefined, spec: MetricSpec | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  if (!spec || spec.unit === 'fraction') return `${(value * 100).toFixed(1)}`;
  const unit = { metres: ' m', radians: ' rad', 'metres-per-second': ' m/s' }[spec.unit];
  return `${value.toFixed(3)}${unit}`;
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** A count with a unit prefix that keeps three significant digits: 842, 10.0 k, 25.6 M, 1.2 G. */
export function formatCount(n: number): string {
  const prefixes: [number, string][] = [
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  for (const [scale, prefix] of prefixes) if (n >= scale) return `${(n / scale).toFixed(1)} ${prefix}`;
  return String(n);
}

export const formatDate = (iso: string): string => iso.slice(0, 10);
