import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { SubmissionError } from './benchmark.ts';
import type { ScoringJob } from './task-scoring.ts';

export type ScoringOutcome =
  | { kind: 'scored'; metrics: Record<string, number> }
  /** The submission broke a rule; `errors` say where in the submitter's terms. */
  | { kind: 'invalid'; errors: SubmissionError[] }
  /** Anything else went wrong (GT unreadable, the process died): the server's fault, not the submitter's. */
  | { kind: 'error'; message: string };

const CHILD = fileURLToPath(new URL('./scoring-child.ts', import.meta.url));
// The sources are TypeScript run through tsx, in the child as in the server, whichever way the server was started.
// (tsx may load this module as CommonJS, where import.meta.resolve is missing; require.resolve works in both.)
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

export interface ScoringProcess {
  pid: number | undefined;
  outcome: Promise<ScoringOutcome>;
  /** Ends the child; `outcome` then resolves as an error. */
  kill(): void;
}

/**
 * Scores one job in a child process, so the server's event loop keeps answering while a large submission is read
 * and evaluated, and a crash or an out-of-memory abort takes down only the child.
 */
export function startScoringProcess(job: ScoringJob): ScoringProcess {
  const child = fork(CHILD, [], {
    execArgv: ['--import', TSX],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const outcome = new Promise<ScoringOutcome>((resolve) => {
    let reported: ScoringOutcome | undefined;
    child.on('message', (message) => {
      reported = message as ScoringOutcome;
    });
    child.on('error', (error) => {
      resolve({ kind: 'error', message: `the scoring process failed: ${error.message}` });
    });
    child.on('exit', (code, signal) => {
      resolve(
        reported ?? {
          kind: 'error',
          message: `the scoring process ended (${signal ?? `exit code ${code}`}) before it reported`,
        },
      );
    });
  });
  child.send(job);
  return { pid: child.pid, outcome, kill: () => child.kill('SIGKILL') };
}
