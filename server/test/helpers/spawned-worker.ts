import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'mim4d-zoo.js');

export interface SpawnedWorker {
  child: ChildProcess;
  /** Resolves when the worker's log has a line matching `pattern`. */
  logged(pattern: RegExp): Promise<void>;
}

/** Starts `mim4d-zoo worker ...args` as its own process (so a test can kill -9 it), resolving once it waits for jobs. */
export async function spawnWorker(args: string[], env?: NodeJS.ProcessEnv): Promise<SpawnedWorker> {
  const child = spawn(process.execPath, [BIN, 'worker', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let log = '';
  const waiting: { pattern: RegExp; resolve: () => void }[] = [];
  const onOutput = (chunk: Buffer) => {
    log += chunk;
    for (const w of waiting.filter((w) => w.pattern.test(log))) {
      waiting.splice(waiting.indexOf(w), 1);
      w.resolve();
    }
  };
  child.stdout?.on('data', onOutput);
  child.stderr?.on('data', onOutput);
  const logged = (pattern: RegExp) =>
    new Promise<void>((resolve, reject) => {
      if (pattern.test(log)) return resolve();
      waiting.push({ pattern, resolve });
      child.once('exit', (code, signal) =>
        reject(new Error(`worker ended (${signal ?? code}) before ${pattern}: ${log}`)),
      );
    });
  await logged(/waiting for jobs/);
  return { child, logged };
}
