/**
 * A large detection submission scored by `mim4d-zoo serve` while a client keeps calling a metadata route: shows that
 * scoring runs outside the server's event loop. Prints the upload time, the time until the submission is verified,
 * GET /api/v1/benchmarks latency while idle and while scoring (p50, p99, max), and the peak RSS of the server and of
 * its scoring child.
 *
 * The input is the validation-sized case of bench/eval-detection.ts (6019 samples, 200-500 boxes each, about
 * 0.8 GB); run that script once to write it, or pass other files:
 *
 *   npx tsx bench/zoo-scoring.ts [--results R.json --gt G.json]
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createToken } from '../server/src/auth/tokens.ts';
import { openEmbeddedStores } from '../server/src/embedded-stores.ts';
import { Leaderboards } from '../server/src/leaderboards/leaderboards.ts';
import { type Child, memoryMiB, spawnZoo } from './zoo-bench-support.ts';

const args = process.argv.slice(2);
const pathArg = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  return resolve(i >= 0 ? args[i + 1] : fallback);
};
const CASE = '/tmp/mim4d-bench-detection-v2-6019-200-500-1';
const resultsPath = pathArg('--results', join(CASE, 'results.json'));
const gtPath = pathArg('--gt', join(CASE, 'gt.json'));
const BENCHMARK = 'nuscenes-detection@v1';

if (!existsSync(resultsPath) || !existsSync(gtPath)) {
  process.stderr.write(`${resultsPath} or ${gtPath} is missing: run npx tsx bench/eval-detection.ts first\n`);
  process.exit(2);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const describe = (ms: number[]) => {
  const sorted = [...ms].sort((a, b) => a - b);
  return `${sorted.length} requests, p50 ${percentile(sorted, 50).toFixed(1)} ms, p99 ${percentile(sorted, 99).toFixed(1)} ms, max ${sorted[sorted.length - 1].toFixed(1)} ms`;
};

async function timedGet(url: string): Promise<number> {
  const started = performance.now();
  const res = await fetch(url);
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`GET ${url}: ${res.status}`);
  return performance.now() - started;
}

/** Streams the file as the body; resolves with the submission id. */
function upload(url: string, token: string, file: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const post = request(`${url}/api/v1/benchmarks/${BENCHMARK}/submissions?name=bench`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${token}`,
        'Content-Type': 'application/octet-stream',
        'Content-Length': String(statSync(file).size),
      },
    });
    post.on('response', (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => {
        body += chunk;
      });
      res.on('end', () =>
        res.statusCode === 202
          ? resolvePromise((JSON.parse(body) as { submissionId: string }).submissionId)
          : reject(new Error(`POST ${res.statusCode}: ${body}`)),
      );
    });
    post.on('error', reject);
    createReadStream(file).pipe(post);
  });
}

/** The server's children (the scoring process while one runs). */
async function childPids(pid: number): Promise<number[]> {
  const text = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
  return text.trim().split(/\s+/).filter(Boolean).map(Number);
}

const work = await mkdtemp(join(tmpdir(), 'mim4d-zoo-scoring-bench-'));
let zoo: Child | undefined;
try {
  const data = join(work, 'zoo');
  const boards = await Leaderboards.open(data);
  const benchmark = await boards.store.getBenchmark(BENCHMARK);
  if (!benchmark) throw new Error(`${BENCHMARK} is not seeded`);
  const installed = await boards.groundTruth.install(benchmark, gtPath);
  await boards.close();
  const stores = await openEmbeddedStores(data);
  const { secret: token, stored } = createToken(stores.meta, 'bench', ['read']);
  await stored;
  await stores.meta.close();

  zoo = await spawnZoo(data);
  const pid = zoo.process.pid as number;
  const probe = `${zoo.url}/api/v1/benchmarks`;
  for (let i = 0; i < 20; i++) await timedGet(probe);
  const idle: number[] = [];
  for (let i = 0; i < 200; i++) idle.push(await timedGet(probe));

  const size = statSync(resultsPath).size;
  process.stdout.write(`GT: ${installed.description}; submission ${(size / 2 ** 20).toFixed(0)} MiB\n`);
  const submitted = performance.now();
  const id = await upload(zoo.url, token, resultsPath);
  const uploadS = (performance.now() - submitted) / 1000;

  const busy: number[] = [];
  let scorerPeak = 0;
  let status = 'queued';
  let lastPoll = 0;
  while (status === 'queued' || status === 'scoring') {
    busy.push(await timedGet(probe));
    if (performance.now() - lastPoll > 500) {
      lastPoll = performance.now();
      for (const child of await childPids(pid)) {
        scorerPeak = Math.max(
          scorerPeak,
          await memoryMiB(child).then(
            (m) => m.peak,
            () => 0,
          ),
        );
      }
      const res = await fetch(`${zoo.url}/api/v1/submissions/${id}`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      status = ((await res.json()) as { status: string }).status;
    }
  }
  const totalS = (performance.now() - submitted) / 1000;
  const server = await memoryMiB(pid);
  process.stdout.write(
    [
      `upload (202 answered): ${uploadS.toFixed(1)} s; ${status} after ${totalS.toFixed(1)} s`,
      `GET /api/v1/benchmarks idle:          ${describe(idle)}`,
      `GET /api/v1/benchmarks while scoring: ${describe(busy)}`,
      `peak RSS: server ${server.peak.toFixed(0)} MiB, scoring child ${scorerPeak.toFixed(0)} MiB (sampled every 0.5 s)`,
      '',
    ].join('\n'),
  );
} finally {
  await zoo?.stop();
  await rm(work, { recursive: true, force: true });
}
