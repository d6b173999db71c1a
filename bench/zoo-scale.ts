/**
 * The zoo scaled out on PostgreSQL against the embedded default, in one run:
 *  - metadata requests/s and p99 latency (autocannon, N connections spread over the servers' URLs) on one
 *    `mim4d-zoo serve` over SQLite (the reference), one over PostgreSQL, and two replicas on one PostgreSQL database;
 *  - submission scoring throughput with one and with two `mim4d-zoo worker` processes on the PostgreSQL job queue,
 *    with the blobs (bodies, ground truth) in the filesystem store under the data directory the server and workers
 *    share, and in an S3 object store (moto's, as in the tests, or MIM4D_TEST_S3_URL) with workers given no --data.
 * Each line gives the servers' (or workers') CPU time beside wall time, and PostgreSQL's backends' for the metadata
 * routes: on a shared machine, wall time alone says more about the neighbours than about the zoo.
 *
 *   npx tsx bench/zoo-scale.ts [--seconds 10] [--connections 32] [--models 100] [--submissions 6] [--scoring-only]
 *
 * Needs PostgreSQL at MIM4D_BENCH_DATABASE (default postgres://postgres@127.0.0.1:5432/test); works in a schema of
 * its own, dropped at the end. Rate limits are off in the served zoos (they would throttle the load generator).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { testS3 } from '@mim4d/server/testing';
import autocannon from 'autocannon';
import pg from 'pg';
import { createToken } from '../server/src/auth/tokens.ts';
import { Leaderboards } from '../server/src/leaderboards/leaderboards.ts';
import { openZooStores } from '../server/src/zoo-stores.ts';
import { type Child, cpuSeconds, numberArg, publishFile, spawnZoo } from './zoo-bench-support.ts';

const SECONDS = numberArg('--seconds', 10);
const CONNECTIONS = numberArg('--connections', 32);
const MODELS = numberArg('--models', 100);
const SUBMISSIONS = numberArg('--submissions', 6);
const SCORING_ONLY = process.argv.includes('--scoring-only');
const DATABASE = process.env.MIM4D_BENCH_DATABASE ?? 'postgres://postgres@127.0.0.1:5432/test';
const ZOO_BIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'server', 'bin', 'mim4d-zoo.js');
const BENCHMARK = 'nuscenes-detection@v1';
const META = { use_camera: true, use_lidar: false, use_radar: false, use_map: false, use_external: false };

// A small detection case with devkit's metrics (packages/nuscenes-eval-ts/test/fixtures/README.md): each scoring
// is mostly the scoring process's start-up, which is what a queue of many small submissions costs.
const devkitCase = (
  JSON.parse(
    readFileSync(
      new URL('../packages/nuscenes-eval-ts/test/fixtures/nuscenes_detection.json', import.meta.url),
      'utf8',
    ),
  ) as { cases: { gt: unknown; pred: unknown }[] }
).cases[0];

/** Installs the detection case's ground truth into the zoo on `database` and its blob store. */
async function installGroundTruth(data: string, database: string, blobStore?: string): Promise<void> {
  const stores = await openZooStores({ data, database, ...(blobStore ? { blobStore } : {}) });
  const boards = await Leaderboards.open(stores.dataDir, {
    store: stores.openLeaderboardStore(),
    blobs: stores.blobs,
    meta: stores.meta,
  });
  const gtFile = join(data, 'gt.json');
  await writeFile(gtFile, JSON.stringify(devkitCase.gt));
  const benchmark = await boards.store.getBenchmark(BENCHMARK);
  if (!benchmark) throw new Error(`${BENCHMARK} is not in the catalogue`);
  await boards.groundTruth.install(benchmark, gtFile);
  await stores.close();
}

/** Creates a token with `scopes` in the zoo's metadata (SQLite in `data`, or `database`). */
async function tokenFor(
  data: string,
  database: string | undefined,
  scopes: ('admin' | 'read')[],
): Promise<string> {
  const stores = await openZooStores({ data, ...(database ? { database } : {}) });
  const { secret, stored } = createToken(stores.meta, 'bench', scopes);
  await stored;
  await stores.close();
  return secret;
}

/** Publishes MODELS small models, bench/m000 to bench/m<MODELS-1>. */
async function populate(url: string, token: string, weights: string): Promise<void> {
  for (let i = 0; i < MODELS; i++) {
    await publishFile(url, token, `bench/m${String(i).padStart(3, '0')}`, weights, 1 << 16);
  }
}

/** `path` on each server: autocannon spreads its connections over an array of URLs, though its types know one. */
const targets = (urls: string[], path: string) => urls.map((u) => `${u}${path}`) as unknown as string;

interface Load {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  cpuUsPerRequest: number;
  databaseCpuUsPerRequest: number;
}

/** CPU seconds so far of each PostgreSQL backend of the bench's database (a local server: their /proc entries). */
async function databaseCpu(admin: pg.Client): Promise<Map<number, number>> {
  const { rows } = await admin.query<{ pid: number }>(
    'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
  );
  const each = await Promise.all(
    rows.map(async (r) => [r.pid, await cpuSeconds(r.pid).catch(() => 0)] as const),
  );
  return new Map(each);
}

/** CPU seconds the backends alive at `after` used since `before`; those that ended meanwhile are not counted. */
function databaseCpuUsed(before: Map<number, number>, after: Map<number, number>): number {
  let used = 0;
  for (const [pid, seconds] of after) used += seconds - (before.get(pid) ?? 0);
  return used;
}

/** Loads `path` on every URL at once (connections spread evenly); the servers' and the database's CPU time. */
async function load(urls: string[], path: string, pids: number[], admin: pg.Client): Promise<Load> {
  const cpu = async () => (await Promise.all(pids.map(cpuSeconds))).reduce((a, b) => a + b, 0);
  const before = await cpu();
  const databaseBefore = await databaseCpu(admin);
  const result = await autocannon({
    url: targets(urls, path),
    connections: CONNECTIONS,
    duration: SECONDS,
  });
  const used = (await cpu()) - before;
  const databaseUsed = databaseCpuUsed(databaseBefore, await databaseCpu(admin));
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.non2xx + result.errors + result.timeouts,
    cpuUsPerRequest: (used / result.requests.total) * 1e6,
    databaseCpuUsPerRequest: (databaseUsed / result.requests.total) * 1e6,
  };
}

function spawnWorker(args: string[]): Promise<ChildProcess> {
  const child = spawn(process.execPath, [ZOO_BIN, 'worker', ...args], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk;
      if (/waiting for jobs/.test(out)) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`mim4d-zoo worker exited with ${code}`)));
  });
}

async function stopWorker(worker: ChildProcess): Promise<void> {
  const exited = new Promise((r) => worker.once('exit', r));
  worker.kill('SIGTERM');
  await exited;
}

const TICKS_PER_SECOND = 100;

/** CPU seconds of a process and of its children that ended (a worker's scoring processes), from /proc. */
async function cpuWithEndedChildren(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // utime, stime, cutime and cstime are the 14th to 17th fields, counted from the command name's closing bracket.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields.slice(11, 15).reduce((sum, f) => sum + Number(f), 0) / TICKS_PER_SECOND;
}

/** Submits SUBMISSIONS detection results at once and waits until every one is verified; wall and worker CPU s. */
async function scoreBatch(
  url: string,
  token: string,
  workers: ChildProcess[],
): Promise<{ wall: number; cpu: number }> {
  const cpu = async () =>
    (await Promise.all(workers.map((w) => cpuWithEndedChildren(w.pid as number)))).reduce((a, b) => a + b, 0);
  const cpuBefore = await cpu();
  const started = performance.now();
  const ids = await Promise.all(
    Array.from({ length: SUBMISSIONS }, async (_, i) => {
      const res = await fetch(`${url}/api/v1/benchmarks/${BENCHMARK}/submissions?name=scale-${i}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ meta: META, results: devkitCase.pred }),
      });
      if (res.status !== 202) throw new Error(`submission: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { submissionId: string }).submissionId;
    }),
  );
  for (const id of ids) {
    for (;;) {
      const status = (
        (await (
          await fetch(`${url}/api/v1/submissions/${id}`, { headers: { Authorization: `Bearer ${token}` } })
        ).json()) as { status: string }
      ).status;
      if (status === 'verified') break;
      if (status === 'failed') throw new Error(`submission ${id} failed`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const wall = (performance.now() - started) / 1000;
  return { wall, cpu: (await cpu()) - cpuBefore };
}

const work = await mkdtemp(join(tmpdir(), 'mim4d-zoo-scale-'));
const admin = new pg.Client({ connectionString: DATABASE });
await admin.connect();
const schemas: string[] = [];
/** A fresh schema of this run's own on the bench database, as a postgres:// URL. */
async function freshDatabase(): Promise<string> {
  const schema = `zoo_bench_${randomBytes(6).toString('hex')}`;
  await admin.query(`CREATE SCHEMA ${schema}`);
  schemas.push(schema);
  const url = new URL(DATABASE);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
}
const database = await freshDatabase();
const children: Child[] = [];
const workers: ChildProcess[] = [];
const s3 = await testS3();
try {
  const sqliteData = join(work, 'sqlite');
  const pgData = join(work, 'pg');
  const pgToken = await tokenFor(pgData, database, ['admin']);
  const serveArgs = ['--no-rate-limit', '--submission-quota', '0'];
  const pgZoo = await spawnZoo(pgData, [...serveArgs, '--database', database]);
  children.push(pgZoo);
  if (!SCORING_ONLY) await metadataLoad();

  /** One line per worker count: SUBMISSIONS queued at once through `zoo`, scored by workers started with `args`. */
  async function scoringLines(setup: string, zoo: Child, token: string, args: string[]): Promise<void> {
    let single: number | undefined;
    for (const count of [1, 2]) {
      while (workers.length < count) workers.push(await spawnWorker(args));
      const { wall, cpu } = await scoreBatch(zoo.url, token, workers);
      const perMinute = (SUBMISSIONS / wall) * 60;
      single ??= perMinute;
      console.log(
        `${setup.padEnd(42)} ${String(count).padStart(7)} ${wall.toFixed(1).padStart(8)} ${perMinute.toFixed(1).padStart(17)} ` +
          `${(perMinute / single).toFixed(2).padStart(14)}x ${cpu.toFixed(1).padStart(15)}`,
      );
    }
    for (const worker of workers.splice(0)) await stopWorker(worker);
  }

  console.log(
    `\n${SUBMISSIONS} detection submissions (devkit case 0) queued at once on PostgreSQL, until all verified`,
  );
  console.log(`${'blobs'.padEnd(42)} workers   wall s   submissions/min   vs one worker   workers CPU s`);
  await installGroundTruth(pgData, database);
  await scoringLines('filesystem store, --data shared', pgZoo, pgToken, [
    '--data',
    pgData,
    '--database',
    database,
  ]);
  if ('skip' in s3) console.log(`S3: ${s3.skip}`);
  else {
    const s3Database = await freshDatabase();
    const s3Data = join(work, 's3');
    await installGroundTruth(s3Data, s3Database, s3.url);
    const s3Zoo = await spawnZoo(s3Data, [...serveArgs, '--database', s3Database, '--blob-store', s3.url]);
    children.push(s3Zoo);
    const s3Token = await tokenFor(s3Data, s3Database, ['admin']);
    await scoringLines('S3 (moto), workers without --data', s3Zoo, s3Token, [
      '--database',
      s3Database,
      '--blob-store',
      s3.url,
    ]);
  }

  /** Metadata routes under load on SQLite, PostgreSQL and two PostgreSQL replicas. */
  async function metadataLoad(): Promise<void> {
    const weights = join(work, 'weights.bin');
    await writeFile(
      weights,
      new Uint8Array(1 << 16).map((_, i) => i % 251),
    );
    const sqliteToken = await tokenFor(sqliteData, undefined, ['admin']);
    const sqliteZoo = await spawnZoo(sqliteData, serveArgs);
    children.push(sqliteZoo);
    const pgReplica = await spawnZoo(pgData, [...serveArgs, '--database', database]);
    children.push(pgReplica);
    await populate(sqliteZoo.url, sqliteToken, weights);
    await populate(pgZoo.url, pgToken, weights);

    const pid = (c: Child) => c.process.pid as number;
    const setups: [string, Child[]][] = [
      ['SQLite, one server (reference)', [sqliteZoo]],
      ['PostgreSQL, one server', [pgZoo]],
      ['PostgreSQL, two replicas', [pgZoo, pgReplica]],
    ];
    const probe = `bench/m${String(Math.floor(MODELS / 2)).padStart(3, '0')}`;
    const routes: [string, string][] = [
      ['manifest by tag', `/api/v1/models/${probe}/revisions/main/manifest`],
      ['model + card', `/api/v1/models/${probe}`],
      ['list, 50 models', '/api/v1/models?limit=50'],
    ];
    // Warm each server's JIT and pools so the first measured line is not charged for them.
    for (const [, servers] of setups) {
      await autocannon({
        url: targets(
          servers.map((s) => s.url),
          routes[0][1],
        ),
        connections: 8,
        duration: 2,
      });
    }
    console.log(
      `autocannon -c${CONNECTIONS} -d${SECONDS}s over loopback, ${MODELS} models; the connections are spread over the servers`,
    );
    console.log(
      'route             setup                               req/s   p50 ms   p99 ms  errors  vs SQLite  CPU us/req: servers  PostgreSQL',
    );
    for (const [route, path] of routes) {
      let reference: Load | undefined;
      for (const [setup, servers] of setups) {
        const r = await load(
          servers.map((s) => s.url),
          path,
          servers.map(pid),
          admin,
        );
        reference ??= r;
        console.log(
          `${route.padEnd(17)} ${setup.padEnd(32)} ${r.rps.toFixed(0).padStart(8)} ${r.p50.toFixed(1).padStart(8)} ` +
            `${r.p99.toFixed(1).padStart(8)} ${String(r.errors).padStart(7)} ${(r.rps / reference.rps).toFixed(2).padStart(8)}x ` +
            `${r.cpuUsPerRequest.toFixed(0).padStart(19)} ${r.databaseCpuUsPerRequest.toFixed(0).padStart(11)}`,
        );
      }
    }
  }

  console.log(
    `load average at the end: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} (figures need an idle machine)`,
  );
} finally {
  for (const worker of workers) await stopWorker(worker);
  for (const child of children.reverse()) await child.stop();
  for (const schema of schemas) await admin.query(`DROP SCHEMA ${schema} CASCADE`);
  await admin.end();
  if (!('skip' in s3)) await s3.close();
  await rm(work, { recursive: true, force: true });
}
