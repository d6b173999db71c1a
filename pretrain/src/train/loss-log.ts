import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';

/** One line of loss.jsonl. Loss terms are the weighted ones; `total` is their sum. */
export interface LossRecord {
  step: number;
  total: number;
  rgb: number;
  depth: number;
  rgbAdj: number;
  depthAdj: number;
  lr: number;
  /** Null when the gradient was not finite. */
  gradNorm: number | null;
  /** True when the update was skipped because the gradient was not finite. */
  skipped?: boolean;
  seconds: number;
}

export function appendLoss(file: string, record: LossRecord): void {
  appendFileSync(file, `${JSON.stringify(record)}\n`);
}

/** Reads loss.jsonl, naming the line of any malformed record. */
export function readLossLog(file: string): LossRecord[] {
  if (!existsSync(file)) return [];
  const out: LossRecord[] = [];
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (line.trim() === '') return;
      let r: LossRecord;
      try {
        r = JSON.parse(line) as LossRecord;
      } catch (error) {
        throw new Error(`${file}:${i + 1}: not valid JSON (${(error as Error).message})`);
      }
      if (typeof r.step !== 'number' || typeof r.total !== 'number') {
        throw new Error(`${file}:${i + 1}: a loss record needs numeric step and total`);
      }
      out.push(r);
    });
  return out;
}

/** Keeps the records up to and including `step` (resuming drops what a crashed run logged after its checkpoint). */
export function truncateLossLog(file: string, step: number): void {
  if (!existsSync(file)) return;
  const kept = readLossLog(file).filter((r) => r.step <= step);
  writeFileSync(file, kept.map((r) => `${JSON.stringify(r)}\n`).join(''));
}
