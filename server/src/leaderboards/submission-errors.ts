import { LocatedInputError, NpyError } from 'nuscenes-eval-ts';
import type { SubmissionError } from './benchmark.ts';

/** A submission the evaluator refused, with where (a JSON path or archive member) and why. */
export class InvalidSubmissionError extends Error {
  constructor(readonly errors: SubmissionError[]) {
    super(errors.map((e) => `${e.path}: ${e.rule}`).join('; '));
    this.name = 'InvalidSubmissionError';
  }
}

/**
 * Rewrites an evaluator error about the server's copy of the upload into terms of what the submitter sent: a JSON
 * path inside the body (`$` is the whole body) or a member of the archive. Errors about other files (the GT) are
 * not the submitter's, so they are returned unchanged for the caller to rethrow. The server's GT path is replaced by
 * words in rules that mention it.
 */
export function submitterError(error: unknown, file: string, groundTruth: string): unknown {
  // `file`, `file: results[...]`, `file (byte 31)` or `dir/member.npy[3]`.
  const locate = (where: string, rule: string): SubmissionError | null => {
    if (where === file) return { path: '$', rule };
    if (where.startsWith(`${file}: `)) return { path: where.slice(file.length + 2), rule };
    if (where.startsWith(`${file} (`)) return { path: '$', rule: `${where.slice(file.length + 1)} ${rule}` };
    if (where.startsWith(`${file}/`)) return { path: where.slice(file.length + 1), rule };
    return null;
  };
  const refused = (found: SubmissionError | null) =>
    found === null
      ? error
      : new InvalidSubmissionError([
          { path: found.path, rule: found.rule.replaceAll(groundTruth, "the benchmark's ground truth") },
        ]);
  if (error instanceof LocatedInputError) {
    // checkSameSamples names a path in the results without the file.
    const inResults = error.where.startsWith('results') ? { path: error.where, rule: error.rule } : null;
    return refused(locate(error.where, error.rule) ?? inResults);
  }
  if (error instanceof NpyError) return refused(locate(error.file, error.rule));
  if (error instanceof SyntaxError) return new InvalidSubmissionError([{ path: '$', rule: error.message }]);
  return error;
}
