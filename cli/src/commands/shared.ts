import { execFileSync } from 'node:child_process';
import { InvalidArgumentError } from 'commander';

/** Commit of this checkout, which a training command records as the code that trained a run. */
export function headCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: import.meta.dirname, encoding: 'utf8' }).trim();
  } catch {
    throw new Error('cannot read the git commit of this checkout; pass --code-commit <sha>');
  }
}

/** Commander parser of a positive-integer option. */
export function positive(flag: string): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value.trim()) || Number(value) < 1) {
      throw new InvalidArgumentError(`${flag} takes a positive integer.`);
    }
    return Number(value);
  };
}
