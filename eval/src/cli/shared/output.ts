/** Writing results for people and scripts: JSON files, progress bars on stderr. */
import { join } from 'node:path';
import cliProgress from 'cli-progress';
import { writeFileAtomic } from './atomic-file.ts';

/** JSON with NaN and infinities written as null (JSON has no NaN; the Python tools write a bare `NaN`). */
export function toJson(value: unknown, indent = 2): string {
  return JSON.stringify(
    value,
    (_key, v) => {
      if (typeof v === 'number' && !Number.isFinite(v)) return null;
      if (ArrayBuffer.isView(v) && !(v instanceof DataView))
        return Array.from(v as unknown as ArrayLike<number>);
      return v;
    },
    indent,
  );
}

/** Written whole or not at all (temporary file + rename). */
export async function writeJsonFile(dir: string, name: string, value: unknown): Promise<string> {
  const path = join(dir, name);
  await writeFileAtomic(path, `${toJson(value)}\n`);
  return path;
}

/** A step of long work the user can watch: `update(done)` then `stop()`. */
export interface Progress {
  update(done: number): void;
  stop(): void;
}

/**
 * A progress bar on stderr, shown only when stderr is a terminal so logs and pipes stay clean.
 * `unit` is printed after the counts (for example `MB`); with `rate`, also the units per second so far.
 */
export function progressBar(
  label: string,
  total: number,
  unit = '',
  enabled = process.stderr.isTTY,
  rate = false,
): Progress {
  if (!enabled) return { update() {}, stop() {} };
  const unitText = unit ? ` ${unit}` : '';
  const bar = new cliProgress.SingleBar(
    {
      format: `${label.padEnd(22)} [{bar}] {percentage}% {value}/{total}${unitText}${rate ? ` {rate}${unitText}/s` : ''} {duration_formatted}`,
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  const start = performance.now();
  const payload = (done: number) => {
    const seconds = (performance.now() - start) / 1000;
    return { rate: (seconds > 0 ? done / seconds : 0).toFixed(2) };
  };
  bar.start(total, 0, payload(0));
  return {
    update: (done) => bar.update(done, payload(done)),
    stop: () => bar.stop(),
  };
}
