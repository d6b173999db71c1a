import { InputError } from '../cli/shared/exit-codes.ts';

/** Which samples of a `--model --plots` run get a picture: the first-to-last spread of `count`, or named tokens. */
export type PlotSelection = { count: number } | { tokens: string[] };

/** The pictured samples among the split's `tokens`: every one when no selection is given. */
export function chosenSamples(tokens: readonly string[], selection: PlotSelection | undefined): Set<string> {
  if (selection === undefined) return new Set(tokens);
  if ('tokens' in selection) {
    const missing = selection.tokens.filter((t) => !tokens.includes(t));
    if (missing.length > 0) {
      throw new InputError(`--plot-samples: ${missing.map((t) => `"${t}"`).join(', ')} not in the split`);
    }
    return new Set(selection.tokens);
  }
  const n = Math.min(selection.count, tokens.length);
  // Spread over the split, first and last included.
  return new Set(
    Array.from(
      { length: n },
      (_, k) => tokens[n === 1 ? 0 : Math.round((k * (tokens.length - 1)) / (n - 1))],
    ),
  );
}
