/**
 * Shared pieces of the zoo benchmarks: a `mim4d-zoo serve` child process, an nginx reference server on loopback
 * (config written to a temp dir), numeric flags, a synthetic checkpoint file, publishing a file, and reading a
 * process's resident memory.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import type { ModelCard } from '../zoo/src/index.ts';

/** `--name N` from the command line, or `fallback`. */
export function numberArg(name: string, fallback: number): number {
  const args = process.argv.slice(2);
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
}

/** Writes `sizeMiB` MiB of bytes that differ per MiB, so neither compression nor dedup can flatter a transfer. */
export async function writeCheckpoint(path: string, sizeMiB: number): Promise<void> {
  const block = Buffer.alloc(1 << 20);
  const out = createWriteStream(path);
  for (let i = 0; i < sizeMiB; i++) {
    block.writeUInt32LE(i, 0);
    for (let j = 4; j < block.length; j += 4096) block[j] = (i * 131 + j) & 0xff;
    if (!out.write(block)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) =>
    out.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );
}

const ZOO_BIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'server', 'bin', 'mim4d-zoo.js');

export interface Child {
  process: ChildProcess;
  url: string;
  stop(): Promise<void>;
}

function stopper(child: ChildProcess): () => Promise<void> {
  return async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  };
}

/**
 * `mim4d-zoo serve` on a free loopback port, by default with rate limits off (they would throttle the load
 * generator); `serveArgs` replaces that default.
 */
export function spawnZoo(dataDir: string, serveArgs: string[] = ['--no-rate-limit']): Promise<Child> {
  const child = spawn(process.execPath, [ZOO_BIN, 'serve', '--data', dataDir, '--port', '0', ...serveArgs], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) resolve({ process: child, url: match[1], stop: stopper(child) });
    });
    child.once('exit', (code) => reject(new Error(`mim4d-zoo serve exited with ${code}`)));
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

/** nginx serving `root` on loopback with sendfile, one worker (the zoo server is one Node process too). */
export async function spawnNginx(workDir: string, root: string): Promise<Child> {
  const port = await freePort();
  const conf = join(workDir, 'nginx.conf');
  await writeFile(
    conf,
    `worker_processes 1;
daemon off;
user root;
pid ${join(workDir, 'nginx.pid')};
error_log ${join(workDir, 'nginx-error.log')};
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 100000;
  client_body_temp_path ${workDir};
  proxy_temp_path ${workDir};
  fastcgi_temp_path ${workDir};
  uwsgi_temp_path ${workDir};
  scgi_temp_path ${workDir};
  server {
    listen 127.0.0.1:${port};
    root ${root};
    default_type application/octet-stream;
    etag on;
  }
}
`,
  );
  const child = spawn('nginx', ['-c', conf, '-p', workDir], { stdio: ['ignore', 'inherit', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    const up = await fetch(`${url}/`).then(
      () => true,
      () => false,
    );
    if (up) return { process: child, url, stop: stopper(child) };
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('nginx did not start; is it installed (apt-get install -y nginx)?');
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

/** A card describing one opaque weights file. */
export function weightsCard(path: string): ModelCard {
  return {
    cardVersion: 1,
    name: 'benchmark checkpoint',
    summary: 'Opaque bytes used to measure the zoo server.',
    license: 'apache-2.0',
    architecture: { family: 'MIM4D', backbone: 'ResNet-50' },
    artifacts: [{ path, format: 'other', role: 'weights' }],
    preprocessing: {},
    training: {
      datasets: ['synthetic:bench'],
      provenance: { codeRepo: 'bench', codeCommit: '0'.repeat(40) },
    },
    results: [],
  };
}

/** Declares, streams and commits one file; returns the revision id and the upload rate. */
export async function publishFile(
  url: string,
  token: string,
  model: string,
  file: string,
  sizeBytes: number,
): Promise<{ revision: string; uploadMiBps: number }> {
  const sha256 = await sha256File(file);
  const spec = { path: basename(file), sha256, size: sizeBytes };
  const auth = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
  const declared = await fetch(`${url}/api/v1/models/${model}/uploads`, {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({ files: [spec] }),
  });
  const plan = (await declared.json()) as { files: { uploadUrl?: string }[] };
  const started = performance.now();
  const uploadUrl = plan.files[0].uploadUrl;
  if (uploadUrl) {
    await new Promise<void>((resolve, reject) => {
      const put = request(`${url}${uploadUrl}`, {
        method: 'PUT',
        headers: { Authorization: `Bearer ${token}`, 'Content-Length': String(sizeBytes) },
      });
      put.on('response', (res) => {
        res.resume();
        res.on('end', () =>
          res.statusCode === 201 || res.statusCode === 200
            ? resolve()
            : reject(new Error(`PUT ${res.statusCode}`)),
        );
      });
      put.on('error', reject);
      createReadStream(file).pipe(put);
    });
  }
  const uploadMiBps = sizeBytes / 2 ** 20 / ((performance.now() - started) / 1000);
  const commit = await fetch(`${url}/api/v1/models/${model}/commits`, {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({ parentRevision: null, card: weightsCard(spec.path), files: [spec] }),
  });
  if (commit.status !== 201) throw new Error(`commit: ${commit.status} ${await commit.text()}`);
  return { revision: ((await commit.json()) as { revision: string }).revision, uploadMiBps };
}

/** Resident set size and its high-water mark of a process, MiB, from /proc. */
export async function memoryMiB(pid: number): Promise<{ rss: number; peak: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? Number.NaN);
  return { rss: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 };
}

const TICKS_PER_SECOND = 100;

async function ownCpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name; utime and stime are the 14th and 15th fields overall.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/**
 * CPU seconds used so far by a process and its direct children (nginx's worker). Unlike wall time, this does not
 * depend on how busy the rest of the machine is.
 */
export async function cpuSeconds(pid: number): Promise<number> {
  const children = (await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8'))
    .trim()
    .split(/\s+/)
    .filter(Boolean);
  const all = await Promise.all([pid, ...children.map(Number)].map(ownCpuSeconds));
  return all.reduce((a, b) => a + b, 0);
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
