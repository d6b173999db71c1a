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

/** The default heap cap of a scoring child: 5x the 406 MiB peak RSS of a 0.8 GB detection submission. */
export const DEFAULT_SCORING_MAX_MEMORY_MB = 2048;

// What V8 prints before it aborts a process whose heap reached --max-old-space-size.
const HEAP_EXHAUSTED = /Reached heap limit|JavaScript heap out of memory/;
// Enough of the child's stderr to hold V8's last words.
const STDERR_TAIL_CHARS = 8192;

/**
 * Scores one job in a child process, so the server's event loop keeps answering while a large submission is read
 * and evaluated, and a crash or an out-of-memory abort takes down only the child. The child's JavaScript heap is
 * capped at `maxMemoryMb` (--max-old-space-size), so one submission cannot take the host's memory.
 */
export function startScoringProcess(job: ScoringJob, maxMemoryMb: number): ScoringProcess {
  const child = spawn(process.execPath, [`--max-old-space-size=${maxMemoryMb}`, '-e', BOOTSTRAP], {
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  // The child's stderr still reaches the server's log; its tail tells an out-of-memory abort from other deaths.
  let stderrTail = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    process.stderr.write(chunk);
    stderrTail = (stderrTail + chunk).slice(-STDERR_TAIL_CHARS);
  });
  const stderrClosed = new Promise<void>((resolve) => {
    if (child.stderr) child.stderr.once('close', resolve);
    else resolve();
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
      void stderrClosed.then(() => {
        if (reported) resolve(reported);
        else if (HEAP_EXHAUSTED.test(stderrTail)) {
          resolve({
            kind: 'error',
            message: `the scoring process ran out of memory: its heap is capped at ${maxMemoryMb} MiB (mim4d-zoo serve --scoring-max-memory-mb)`,
          });
        } else {
          resolve({
            kind: 'error',
            message: `the scoring process ended (${signal ?? `exit code ${code}`}) before it reported`,
          });
        }
      });
    });
  });
  child.send(job);
  return { pid: child.pid, outcome, kill: () => child.kill('SIGKILL') };
}
