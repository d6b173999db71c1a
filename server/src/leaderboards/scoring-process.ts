import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { SubmissionError } from './benchmark.ts';
import type { ScoringJob } from './task-scoring.ts';

export type ScoringOutcome =
  | { kind: 'scored'; metrics: Record<string, number> }
  /** The submission broke a rule; `errors` say where in the submitter's terms. */
  | { kind: 'invalid'; errors: SubmissionError[] }
  /** Anything else went wrong (GT unreadable, the process died): the server's fault, not the submitter's. */
  | { kind: 'error'; message: string };

const CHILD = fileURLToPath(new URL('./scoring-child.ts', import.meta.url));
// The sources are TypeScript, so the child installs tsx before loading its entry, whichever way the server itself was
// started. tsx's require hook compiles in the child's own thread; its ESM loader would start a hooks thread as well
// (measured here: 0.95 s instead of 1.55 s of CPU to load the scorers).
const BOOTSTRAP = `require(${JSON.stringify(createRequire(import.meta.url).resolve('tsx/cjs/api'))}).register(); require(${JSON.stringify(CHILD)});`;

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
  const child = spawn(process.execPath, ['-e', BOOTSTRAP], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
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
