import { execFileSync } from 'node:child_process';
import { integerOption } from '@mim4d/cli-options';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';

/** Commit of this checkout, which a training command records as the code that trained a run. */
export function headCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: import.meta.dirname, encoding: 'utf8' }).trim();
  } catch {
    throw new Error('cannot read the git commit of this checkout; pass --code-commit <sha>');
  }
}

/** Commander parser of a positive-integer option (steps, seeds, workers, intervals). */
export function positive(flag: string): (value: string) => number {
  return integerOption(flag, { min: 1 });
}

/** `--workers` and `--samples-per-step`, the data parallelism every training command takes. */
export function withDataParallelOptions(command: Command): Command {
  return command
    .option(
      '--workers <n>',
      "threads computing each step's samples, each with its own runtime and copy of the model (the wasm " +
        'backend computes on one core per thread: 2 uses both cores of a 2-core machine; each thread needs ' +
        'the memory of a step)',
      positive('--workers'),
      1,
    )
    .option(
      '--samples-per-step <n>',
      "samples whose gradients each step averages (default: the config's optim.samplesPerStep, raised to " +
        '--workers: one sample per thread, as the released code takes one per GPU)',
      positive('--samples-per-step'),
    );
}

/**
 * A progress bar over a training run's steps on stderr, with the loss and the speed since this call's first step
 * (a resumed run starts part-way).
 */
export function stepProgress(label: string, total: number) {
  const bar = new SingleBar({
    format: `${label} [{bar}] {value}/{total} | loss {loss} | {speed} steps/s | eta {eta_formatted}`,
    stream: process.stderr,
    hideCursor: true,
  });
  let first: number | null = null;
  const t0 = performance.now();
  return {
    onStep(record: { step: number; total: number | null }): void {
      if (first === null) {
        first = record.step - 1;
        bar.start(total, first, { loss: '-', speed: '-' });
      }
      const rate = (record.step - first) / ((performance.now() - t0) / 1000);
      bar.update(record.step, { loss: record.total?.toFixed(4) ?? 'not finite', speed: rate.toFixed(3) });
    },
    stop(): void {
      if (first !== null) bar.stop();
    },
  };
}
