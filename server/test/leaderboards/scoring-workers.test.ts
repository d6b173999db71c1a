import { strict as assert } from 'node:assert';
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LeaderboardRow, Submission } from '../../src/leaderboards/benchmark.ts';
import { startZoo, type ZooFixture } from '../helpers/zoo-fixture.ts';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'mim4d-zoo.js');
const DETECTION = '/api/v1/benchmarks/nuscenes-detection@v1';
const META = { use_camera: true, use_lidar: false, use_radar: false, use_map: false, use_external: false };

// Boxes and metrics produced by nuscenes-devkit (packages/nuscenes-eval-ts/test/fixtures/README.md).
const devkitCase = (
  JSON.parse(
    readFileSync(
      new URL('../../../packages/nuscenes-eval-ts/test/fixtures/nuscenes_detection.json', import.meta.url),
      'utf8',
    ),
  ) as { cases: { gt: unknown; pred: unknown; expected: { nd_score: number } }[] }
).cases[0];

interface Worker {
  child: ChildProcess;
  /** Resolves when the worker's log has a line matching `pattern`. */
  logged(pattern: RegExp): Promise<void>;
}

/** Starts `mim4d-zoo worker` as its own process, resolving once it waits for jobs. */
async function spawnWorker(zoo: ZooFixture): Promise<Worker> {
  const child = spawn(
    process.execPath,
    [BIN, 'worker', '--data', zoo.dataDir, '--database', zoo.database as string],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
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

describe('scoring workers on the PostgreSQL job queue', function () {
  // Two worker processes start (each loads the scorers) and a job waits out its expiry.
  this.timeout(90_000);
  let zoo: ZooFixture;
  let submitter: string;
  const workers: ChildProcess[] = [];

  before(async () => {
    zoo = await startZoo({
      backend: 'postgres',
      boards: { quota: null },
      scoringJobs: { expireInSeconds: 3 },
    });
    const boards = zoo.leaderboards as NonNullable<ZooFixture['leaderboards']>;
    const gtFile = join(zoo.dataDir, 'gt-upload.json');
    await writeFile(gtFile, JSON.stringify(devkitCase.gt));
    const benchmark = await boards.store.getBenchmark('nuscenes-detection@v1');
    assert.ok(benchmark);
    await boards.groundTruth.install(benchmark, gtFile);
    submitter = await zoo.token('read:team');
  });
  after(async () => {
    for (const child of workers) child.kill('SIGKILL');
    await zoo.close();
  });

  const submission = async (id: string) =>
    (await (await zoo.request(`/api/v1/submissions/${id}`, { token: submitter })).json()) as Submission;

  it('retries the job of a worker killed mid-job on another worker, and records one row', async () => {
    const first = await spawnWorker(zoo);
    workers.push(first.child);
    const res = await zoo.request(`${DETECTION}/submissions?name=survivor`, {
      method: 'POST',
      token: submitter,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ meta: META, results: devkitCase.pred }),
    });
    assert.equal(res.status, 202);
    const { submissionId } = (await res.json()) as { submissionId: string };
    await first.logged(new RegExp(`scoring submission ${submissionId}`));
    first.child.kill('SIGKILL');
    assert.equal((await submission(submissionId)).status, 'scoring', 'killed mid-job');

    const second = await spawnWorker(zoo);
    workers.push(second.child);
    await second.logged(new RegExp(`scoring submission ${submissionId}`));
    let scored = await submission(submissionId);
    for (let i = 0; i < 300 && scored.status === 'scoring'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      scored = await submission(submissionId);
    }
    assert.equal(scored.status, 'verified');
    assert.ok(Math.abs((scored.metrics?.NDS ?? Number.NaN) - devkitCase.expected.nd_score) < 1e-9);
    const rows = async () =>
      (
        (await (await zoo.request(`${DETECTION}/leaderboard`)).json()) as { rows: LeaderboardRow[] }
      ).rows.filter((r) => r.provenance.submissionId === submissionId);
    assert.equal((await rows()).length, 1);

    // The job of a worker that died after recording the outcome comes back too: it changes nothing.
    await zoo.leaderboards?.scoreJob(submissionId);
    assert.equal((await rows()).length, 1);
  });
});
