/**
 * Entry of the scoring child process: takes one ScoringJob over IPC, answers one ScoringOutcome and exits, so the
 * memory a large submission needed goes back to the system with the process.
 */
import type { ScoringOutcome } from './scoring-process.ts';
import { InvalidSubmissionError } from './submission-errors.ts';
import { type ScoringJob, scoreSubmission } from './task-scoring.ts';

async function run(job: ScoringJob): Promise<ScoringOutcome> {
  try {
    return { kind: 'scored', metrics: await scoreSubmission(job) };
  } catch (error) {
    if (error instanceof InvalidSubmissionError) return { kind: 'invalid', errors: error.errors };
    return {
      kind: 'error',
      message: error instanceof Error ? (error.stack ?? error.message) : String(error),
    };
  }
}

// A server that stopped no longer wants the answer; its next start queues the submission again.
process.once('disconnect', () => process.exit(1));
process.once('message', (job: ScoringJob) => {
  void run(job).then((outcome) => process.send?.(outcome, () => process.disconnect()));
});
