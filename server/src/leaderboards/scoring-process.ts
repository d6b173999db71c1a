import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
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

/** The default memory cap of a scoring child: 5x the 407 MiB peak RSS of scoring a 0.8 GB detection submission. */
// What V8 prints before it aborts a process whose heap reached --max-old-space-size.
const HEAP_EXHAUSTED = /Reached heap limit|JavaScript heap out of memory/;
// Enough of the child's stderr to hold V8's last words.
const STDERR_TAIL_CHARS = 8192;
const RSS_POLL_MS = 250;

/** Resident memory of a process in MiB, from /proc; null without /proc (not Linux) or once the process is gone. */
async function residentMiB(pid: number): Promise<number | null> {
  try {
    const rss = /^VmRSS:\s+(\d+) kB/m.exec(await readFile(`/proc/${pid}/status`, 'utf8'));
    return rss ? Number(rss[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/**
 * Scores one job in a child process, so the server's event loop keeps answering while a large submission is read
 * and evaluated, and a crash or an out-of-memory abort takes down only the child. Memory is capped at `maxMemoryMb`
 * twice: the JavaScript heap by --max-old-space-size, and the resident size (which also counts typed arrays, where
 * the scorers keep most of their data: the detection case scores within a 32 MiB heap) by polling /proc.
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
  let residentOverCap: number | undefined;
  const watch = setInterval(() => {
    if (child.pid === undefined) return;
    void residentMiB(child.pid).then((mib) => {
      if (mib !== null && mib > maxMemoryMb && residentOverCap === undefined) {
        residentOverCap = mib;
        child.kill('SIGKILL');
      }
    });
  }, RSS_POLL_MS);
  const outOfMemory = (what: string): ScoringOutcome => ({
    kind: 'error',
    message: `the scoring process ran out of memory (${what}; the cap is ${maxMemoryMb} MiB, mim4d-zoo serve --scoring-max-memory-mb)`,
  });
  const outcome = new Promise<ScoringOutcome>((resolve) => {
    let reported: ScoringOutcome | undefined;
    child.on('message', (message) => {
      reported = message as ScoringOutcome;
    });
    child.on('error', (error) => {
      clearInterval(watch);
      resolve({ kind: 'error', message: `the scoring process failed: ${error.message}` });
    });
    child.on('exit', (code, signal) => {
      clearInterval(watch);
      void stderrClosed.then(() => {
        if (reported) resolve(reported);
        else if (residentOverCap !== undefined) {
          resolve(outOfMemory(`its resident size reached ${residentOverCap.toFixed(0)} MiB`));
        } else if (HEAP_EXHAUSTED.test(stderrTail)) {
          resolve(outOfMemory('its JavaScript heap was full'));
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
