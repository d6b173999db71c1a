import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';

/** A line of a run's JSON-lines logs (loss.jsonl, eval.jsonl). */
export interface StepRecord {
  step: number;
}

export function appendRecord(file: string, record: StepRecord): void {
  appendFileSync(file, `${JSON.stringify(record)}\n`);
}

/**
 * Reads a JSON-lines log, naming the line of any malformed record. `numeric` lists the fields every record must
 * carry as a number or null (JSON has no NaN or infinity; null stands for a value that was not finite).
 */
export function readRecords<T extends StepRecord>(file: string, numeric: readonly (keyof T & string)[]): T[] {
  if (!existsSync(file)) return [];
  const out: T[] = [];
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (line.trim() === '') return;
      let r: Record<string, unknown>;
      try {
        r = JSON.parse(line) as Record<string, unknown>;
      } catch (error) {
        throw new Error(`${file}:${i + 1}: not valid JSON (${(error as Error).message})`);
      }
      if (typeof r.step !== 'number') throw new Error(`${file}:${i + 1}: a record needs a numeric step`);
      for (const key of numeric) {
        if (typeof r[key] !== 'number' && r[key] !== null) {
          throw new Error(`${file}:${i + 1}: ${key} must be a number or null`);
        }
      }
      out.push(r as unknown as T);
    });
  return out;
}

/** Keeps the records up to and including `step` (resuming drops what a crashed run logged after its checkpoint). */
export function truncateRecords(file: string, step: number): void {
  if (!existsSync(file)) return;
  const kept = readRecords(file, []).filter((r) => r.step <= step);
  writeFileSync(file, kept.map((r) => `${JSON.stringify(r)}\n`).join(''));
}

/** A number for a log record: null when it is not finite, which JSON cannot write. */
export function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}
