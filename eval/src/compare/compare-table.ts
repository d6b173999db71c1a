/** Evaluations side by side: a row per metric, a column per folder, and each folder's delta to the first. */
import { basename, resolve } from 'node:path';
import { InputError } from '../cli/shared/exit-codes.ts';
import type { EvalTask, FolderMetrics, MetricValue } from './read-metrics.ts';

export interface ComparisonRow {
  metric: string;
  /** Per folder; null for NaN, undefined where the folder lacks the metric. */
  values: (MetricValue | undefined)[];
  /** values[i] - values[0]; null where either is missing or NaN. */
  deltas: (number | null)[];
}

export interface Comparison {
  task: EvalTask;
  /** Column names: folder names, or the paths as given when two folders share a name. */
  columns: string[];
  folders: string[];
  rows: ComparisonRow[];
}

function columnNames(folders: string[]): string[] {
  const names = folders.map((f) => basename(resolve(f)));
  return new Set(names).size === names.length ? names : folders;
}

export function compareMetrics(evaluations: FolderMetrics[]): Comparison {
  const [first] = evaluations;
  for (const e of evaluations) {
    if (e.task !== first.task) {
      throw new InputError(
        `${e.folder}: a ${e.task} evaluation cannot be compared with ${first.folder}, a ${first.task} evaluation`,
      );
    }
  }
  const names: string[] = [];
  for (const e of evaluations) for (const [name] of e.metrics) if (!names.includes(name)) names.push(name);
  const lookups = evaluations.map((e) => new Map(e.metrics));
  const rows = names.map((metric): ComparisonRow => {
    const values = lookups.map((m) => m.get(metric));
    const base = values[0];
    const deltas = values.map((v) =>
      typeof v === 'number' && typeof base === 'number' && Number.isFinite(v) && Number.isFinite(base)
        ? v - base
        : null,
    );
    return { metric, values, deltas };
  });
  const folders = evaluations.map((e) => e.folder);
  return { task: first.task, columns: columnNames(folders), folders, rows };
}

function showValue(v: MetricValue | undefined): string {
  if (v === undefined) return '-';
  return v === null ? 'nan' : v.toFixed(4);
}

function showDelta(d: number | null): string {
  if (d === null) return '';
  const text = d.toFixed(4);
  return d >= 0 && !text.startsWith('-') ? `+${text}` : text;
}

/** Fixed-width table; the delta column `Δ <name>` follows each folder after the first. */
export function formatComparison(c: Comparison): string {
  const header = ['metric', ...c.columns.flatMap((name, i) => (i === 0 ? [name] : [name, `Δ ${name}`]))];
  const rows = c.rows.map((r) => [
    r.metric,
    ...r.values.flatMap((v, i) => (i === 0 ? [showValue(v)] : [showValue(v), showDelta(r.deltas[i])])),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  return `${c.task}: deltas against ${c.columns[0]}\n${[header, ...rows].map(line).join('\n')}\n`;
}
