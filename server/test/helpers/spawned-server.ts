import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { type ClientRequest, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createToken } from '../../src/auth/tokens.ts';
import { openEmbeddedStores } from '../../src/embedded-stores.ts';

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

/**
 * A fresh data folder holding a token that may write under `acme`, and `mim4d-zoo serve` on it as a process of its
 * own (the crash tests' starting point).
 */
export async function spawnServerWithWriter(
  prefix: string,
  args: string[] = [],
  env?: NodeJS.ProcessEnv,
): Promise<{ dataDir: string; token: string; child: ChildProcess; url: string }> {
  const dataDir = await mkdtemp(join(tmpdir(), prefix));
  const stores = await openEmbeddedStores(dataDir);
  const { secret: token, stored } = createToken(stores.meta, 'crash', ['write:acme']);
  await stored;
  await stores.meta.close();
  return { dataDir, token, ...(await spawnServer(dataDir, args, env)) };
}

/**
 * Declares `big.bin` of acme/crash and starts sending it by PUT or by a resumable PATCH from offset 0, writing only
 * its first `sent` bytes: the request stays open, as a client's does when the server dies under it.
 */
export async function startCutUpload(
  url: string,
  token: string,
  bytes: Uint8Array,
  method: 'PUT' | 'PATCH',
  sent: number,
): Promise<ClientRequest> {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  await fetch(`${url}/api/v1/models/acme/crash/uploads`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ files: [{ path: 'big.bin', sha256, size: bytes.length }] }),
  });
  const resumable = { 'Upload-Offset': '0', 'Upload-Length': String(bytes.length) };
  const upload = httpRequest(`${url}/api/v1/uploads/${sha256}`, {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      'Content-Length': String(bytes.length),
      ...(method === 'PATCH' ? resumable : {}),
    },
  });
  upload.on('error', () => {});
  upload.write(bytes.subarray(0, sent));
  return upload;
}

/** kill -9 of a spawned server, then the client's end of the upload it was receiving. */
export async function killServer(child: ChildProcess, upload: ClientRequest): Promise<void> {
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  upload.destroy();
}
