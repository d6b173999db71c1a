import { InputError } from './exit-codes.ts';

/** Commander parser of a whole-number flag of at least `min`; the error names the flag and the value. */
export function wholeNumber(flag: string, min: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < min) {
      throw new InputError(`${flag} must be a whole number >= ${min}, got ${JSON.stringify(value)}`);
    }
    return n;
  };
}

/** Samples per graph run of a `--model` harness, by default. */
export const DEFAULT_BATCH = 4;
