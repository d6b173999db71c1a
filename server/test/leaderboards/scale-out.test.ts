import { strict as assert } from 'node:assert';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LeaderboardRow, Submission } from '../../src/leaderboards/benchmark.ts';
import { runZooCli } from '../helpers/cli-runner.ts';
import { mapCase } from '../helpers/scoring-cases.ts';
import { spawnServer } from '../helpers/spawned-server.ts';
import { spawnWorker } from '../helpers/spawned-worker.ts';
import { createTestSchema, type TestSchema } from '../helpers/test-postgres.ts';
import { type TestS3, testS3 } from '../helpers/test-s3.ts';

const HDMAP = '/api/v1/benchmarks/nuscenes-hdmap@v1';

describe('two replicas and a worker sharing only PostgreSQL and the object store, each with its own folder', function () {
  // Three processes start through tsx and one submission is scored.
  this.timeout(180_000);
  let s3: TestS3;
  let schema: TestSchema;
  const folders: string[] = [];
  const children: ChildProcess[] = [];
  const folder = async (name: string) => {
    const dir = await mkdtemp(join(tmpdir(), `mim4d-zoo-scale-out-${name}-`));
    folders.push(dir);
    return dir;
  };

  before(async function () {
    const found = await testS3();
    if ('skip' in found) this.skip();
    s3 = found as TestS3;
    schema = await createTestSchema();
  });

  after(async () => {
    for (const child of children) child.kill('SIGKILL');
    for (const dir of folders) await rm(dir, { recursive: true, force: true });
    await schema?.drop();
    await s3?.close();
  });

  it('scores on the worker a submission sent to one replica against GT the operator installed, and the other replica shows it', async () => {
    const shared = ['--database', schema.url, '--blob-store', s3.url];
    const operator = await folder('operator');
    const map = mapCase();
    const gtFile = join(operator, 'map-gt.json');
    await writeFile(gtFile, JSON.stringify(map.gt));
    const gt = await runZooCli(
      {},
      'benchmark',
      'gt',
      'nuscenes-hdmap@v1',
      gtFile,
      '--data',
      operator,
      ...shared,
    );
    assert.equal(gt.code, 0, gt.stderr);
    const created = await runZooCli(
      {},
      ...['token', 'create', '--scopes', 'read:team', '--data', operator, '--database', schema.url],
    );
    assert.equal(created.code, 0, created.stderr);
    const token = created.stdout.trim();
    await rm(operator, { recursive: true, force: true });

    const oneFolder = await folder('replica-1');
    const one = await spawnServer(oneFolder, shared, s3.env);
    children.push(one.child);
    const two = await spawnServer(await folder('replica-2'), shared, s3.env);
    children.push(two.child);
    // No --data: the worker reaches everything through the database and the bucket.
    const worker = await spawnWorker(shared, s3.env);
    children.push(worker.child);

    const sent = await fetch(`${one.url}${HDMAP}/submissions?name=scaled-out`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(map.results),
    });
    assert.equal(sent.status, 202, await sent.clone().text());
    const { submissionId } = (await sent.json()) as { submissionId: string };
    await worker.logged(new RegExp(`scoring submission ${submissionId}`));

    const seenByTwo = async () =>
      (await (
        await fetch(`${two.url}/api/v1/submissions/${submissionId}`, {
          headers: { Authorization: `Bearer ${token}` },
        })
      ).json()) as Submission;
    let submission = await seenByTwo();
    for (let i = 0; i < 600 && (submission.status === 'queued' || submission.status === 'scoring'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      submission = await seenByTwo();
    }
    assert.equal(submission.status, 'verified', JSON.stringify(submission.errors));
    assert.ok(Math.abs((submission.metrics?.mAP ?? Number.NaN) - map.expected['NuscMap_chamfer/mAP']) < 1e-9);
    const rows = (
      (await (await fetch(`${two.url}${HDMAP}/leaderboard`)).json()) as { rows: LeaderboardRow[] }
    ).rows.filter((r) => r.provenance.submissionId === submissionId);
    assert.equal(rows.length, 1);
    assert.deepEqual(
      await readdir(join(oneFolder, 'scoring', 'incoming')),
      [],
      'replica 1 keeps no body: it went to the bucket',
    );
  });
});
