import { InvalidArgumentError } from 'commander';

export interface IntegerRange {
  /** Smallest value accepted (default 0). */
  min?: number;
  /** Largest value accepted (default: the largest safe integer). */
  max?: number;
}

function describe(min: number, max: number): string {
  if (max === Number.MAX_SAFE_INTEGER) return min === 1 ? 'a positive integer' : `an integer from ${min} up`;
  return `an integer from ${min} to ${max}`;
}

/**
 * A commander parser for a whole-number option: digits only (no sign, decimals, exponents or hex, so "1e3" and
 * "0x10" are refused rather than read as numbers), within [min, max]. The error names the flag and what it takes;
 * commander prefixes it with the option and exits with status 1 or, under exitOverride, throws.
 */
export function integerOption(flag: string, range: IntegerRange = {}): (value: string) => number {
  const min = range.min ?? 0;
  const max = range.max ?? Number.MAX_SAFE_INTEGER;
  return (value) => {
    const text = value.trim();
    const n = Number(text);
    if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`${flag} takes ${describe(min, max)}, not ${JSON.stringify(value)}.`);
    }
    return n;
  };
}
