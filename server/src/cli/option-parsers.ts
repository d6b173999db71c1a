import { InvalidArgumentError } from 'commander';

/** Parses an option that must be a whole number from 1 up. */
export function positive(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('use an integer from 1 up');
  return n;
}
