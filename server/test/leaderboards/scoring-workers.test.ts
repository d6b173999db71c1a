import { strict as assert } from 'node:assert';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LeaderboardRow, Submission } from '../../src/leaderboards/benchmark.ts';
import { type ScoringJobOptions, ScoringJobs } from '../../src/leaderboards/scoring-jobs.ts';
import type { ZooPostgres } from '../../src/postgres/zoo-postgres.ts';
import { spawnWorker } from '../helpers/spawned-worker.ts';
import { storeBody } from '../helpers/stored-bodies.ts';
import { startZoo, type ZooFixture } from '../helpers/zoo-fixture.ts';

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

/** A PostgreSQL zoo whose submissions become jobs with these settings, with detection ground truth installed. */
async function startJobsZoo(scoringJobs: ScoringJobOptions) {
  const zoo = await startZoo({ backend: 'postgres', boards: { quota: null }, scoringJobs });
  const boards = zoo.leaderboards as NonNullable<ZooFixture['leaderboards']>;
  const gtFile = join(zoo.dataDir, 'gt-upload.json');
  await writeFile(gtFile, JSON.stringify(devkitCase.gt));
  const benchmark = await boards.store.getBenchmark('nuscenes-detection@v1');
  assert.ok(benchmark);
  await boards.groundTruth.install(benchmark, gtFile);
  const submitter = await zoo.token('read:team');
  const submit = async () => {
    const res = await zoo.request(`${DETECTION}/submissions?name=survivor`, {
      method: 'POST',
      token: submitter,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ meta: META, results: devkitCase.pred }),
    });
    assert.equal(res.status, 202);
    return ((await res.json()) as { submissionId: string }).submissionId;
  };
  const submission = async (id: string) => (await boards.store.getSubmission(id)) as Submission;
  /** Polls until the submission is neither `scoring` nor `waiting` (or 30 s pass). */
  const settled = async (id: string, waiting: Submission['status'] = 'scoring') => {
    let current = await submission(id);
    for (let i = 0; i < 300 && (current.status === 'scoring' || current.status === waiting); i++) {
      await new Promise((r) => setTimeout(r, 100));
      current = await submission(id);
    }
    return current;
  };
  return { zoo, submit, submission, settled };
}

describe('scoring workers on the PostgreSQL job queue', function () {
  // Two worker processes start (each loads the scorers) and a job waits out its expiry.
  this.timeout(90_000);
  const workers: ChildProcess[] = [];
  const closing: ZooFixture[] = [];
  after(async () => {
    for (const child of workers) child.kill('SIGKILL');
    for (const zoo of closing) await zoo.close();
  });

  const workerArgs = (zoo: ZooFixture) => ['--data', zoo.dataDir, '--database', zoo.database as string];

  /** Starts a worker, submits, and kills the worker with SIGKILL once it is scoring the submission. */
  async function killedMidJob(setup: Awaited<ReturnType<typeof startJobsZoo>>): Promise<string> {
    const first = await spawnWorker(workerArgs(setup.zoo));
    workers.push(first.child);
    const id = await setup.submit();
    await first.logged(new RegExp(`scoring submission ${id}`));
    first.child.kill('SIGKILL');
    assert.equal((await setup.submission(id)).status, 'scoring', 'killed mid-job');
    return id;
  }

  it('retries the job of a worker killed mid-job on another worker, and records one row', async () => {
    const setup = await startJobsZoo({ expireInSeconds: 3, retries: 3 });
    closing.push(setup.zoo);
    const id = await killedMidJob(setup);
    const second = await spawnWorker(workerArgs(setup.zoo));
    workers.push(second.child);
    await second.logged(new RegExp(`scoring submission ${id}`));
    const scored = await setup.settled(id);
    assert.equal(scored.status, 'verified');
    assert.ok(Math.abs((scored.metrics?.NDS ?? Number.NaN) - devkitCase.expected.nd_score) < 1e-9);
    const rows = async () =>
      (
        (await (await setup.zoo.request(`${DETECTION}/leaderboard`)).json()) as { rows: LeaderboardRow[] }
      ).rows.filter((r) => r.provenance.submissionId === id);
    assert.equal((await rows()).length, 1);

    // The job of a worker that died after recording the outcome comes back too: it changes nothing.
    await setup.zoo.leaderboards?.scoreJob(id);
    assert.equal((await rows()).length, 1);
  });

  it('hands the job of a worker killed mid-job to another within seconds by its heartbeat, long before its expiry', async () => {
    // The job would wait 10 minutes for its expiry; the heartbeat goes stale after 3 s.
    const setup = await startJobsZoo({ expireInSeconds: 600, retries: 3, staleAfterSeconds: 3 });
    closing.push(setup.zoo);
    const id = await killedMidJob(setup);
    const killedAt = Date.now();
    const second = await spawnWorker([...workerArgs(setup.zoo), '--stale-after', '3']);
    workers.push(second.child);
    const scored = await setup.settled(id);
    assert.equal(scored.status, 'verified', JSON.stringify(scored.errors));
    assert.ok(Date.now() - killedAt < 60_000, `scored ${(Date.now() - killedAt) / 1000} s after the kill`);
    const rows = (
      (await (await setup.zoo.request(`${DETECTION}/leaderboard`)).json()) as { rows: LeaderboardRow[] }
    ).rows.filter((r) => r.provenance.submissionId === id);
    assert.equal(rows.length, 1);
  });

  it('sends at start-up the job a replica killed after storing a body never sent', async () => {
    const setup = await startJobsZoo({ expireInSeconds: 3, retries: 3 });
    closing.push(setup.zoo);
    const boards = setup.zoo.leaderboards as NonNullable<ZooFixture['leaderboards']>;
    const created = await boards.store.createSubmission(
      { id: 'sub_orphan', benchmark: 'nuscenes-detection@v1', name: 'orphan', submittedBy: 'tok_x' },
      null,
    );
    assert.equal(created.kind, 'created');
    await storeBody(boards, 'sub_orphan', JSON.stringify({ meta: META, results: devkitCase.pred }));
    await boards.resumeUnfinished();
    // A worker in this process: what matters here is that a job exists.
    const jobs = await ScoringJobs.open(setup.zoo.stores.postgres as ZooPostgres, { expireInSeconds: 3 });
    try {
      await jobs.work((id) => boards.scoreJob(id));
      const scored = await setup.settled('sub_orphan', 'queued');
      assert.equal(scored.status, 'verified');
    } finally {
      await jobs.stop({ graceful: true });
    }
  });

  it('fails a submission whose workers all died, saying so, instead of leaving it scoring', async () => {
    const setup = await startJobsZoo({ expireInSeconds: 3, retries: 0 });
    closing.push(setup.zoo);
    const id = await killedMidJob(setup);
    const second = await spawnWorker(workerArgs(setup.zoo));
    workers.push(second.child);
    const failed = await setup.settled(id);
    assert.equal(failed.status, 'failed');
    assert.match(failed.errors[0].rule, /the worker scoring it stopped 1 time/);
  });
});
