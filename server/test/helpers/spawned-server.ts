import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'mim4d-zoo.js');

/**
 * `mim4d-zoo serve --data dataDir ...args` as its own process (so a test can kill -9 it), resolved with its URL
 * once it listens; rejected with its stderr if it exits first.
 */
export function spawnServer(
  dataDir: string,
  args: string[] = [],
  env?: NodeJS.ProcessEnv,
): Promise<{ child: ChildProcess; url: string }> {
  const serve = ['serve', '--data', dataDir, ...args, '--port', '0', '--no-rate-limit'];
  const child = spawn(process.execPath, [BIN, ...serve], { stdio: ['ignore', 'pipe', 'pipe'], env });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr?.on('data', (c: Buffer) => {
      err += c;
    });
    child.stdout?.on('data', (c: Buffer) => {
      out += c;
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) resolve({ child, url: match[1] });
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${err}`)));
  });
}

/** Polls `condition` every 25 ms for up to 10 s. */
export async function waitFor(condition: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`gave up waiting for ${what}`);
}
