import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { BlobIntegrity } from '../../src/blob-integrity.ts';
import { openEmbeddedStores } from '../../src/embedded-stores.ts';
import { BENCHMARKS } from '../../src/leaderboards/catalogue.ts';
import { Leaderboards } from '../../src/leaderboards/leaderboards.ts';
import { MIGRATIONS as LEADERBOARD_MIGRATIONS } from '../../src/leaderboards/sqlite-leaderboard-store.ts';
import { MIGRATIONS as METADATA_MIGRATIONS } from '../../src/metadata/migrations.ts';
import { mapCase } from '../helpers/scoring-cases.ts';

const HDMAP = 'nuscenes-hdmap@v1';
const INSTALLED_AT = '2026-11-30T12:00:00.000Z';

/**
 * A data directory as the mim4d-zoo before bodies and ground truth moved into the blob store left it: zoo.sqlite at
 * metadata schema 4 and leaderboard schema 2, HD-map ground truth under benchmarks/<id>/gt-<random>/ named by
 * ground-truth.json, and one queued submission whose complete body sits at submissions/<id>/body.
 */
async function filesLayoutDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mim4d-zoo-files-layout-'));
  const db = new Database(join(dir, 'zoo.sqlite'));
  for (const step of METADATA_MIGRATIONS.slice(0, 4)) db.exec(step);
  db.pragma('user_version = 4');
  db.exec('CREATE TABLE lb_schema (version INTEGER NOT NULL); INSERT INTO lb_schema VALUES (2)');
  for (const step of LEADERBOARD_MIGRATIONS.slice(0, 2)) db.exec(step);
  for (const b of BENCHMARKS)
    db.prepare('INSERT INTO lb_benchmarks VALUES (?, ?)').run(b.id, JSON.stringify(b));
  db.prepare(
    `INSERT INTO lb_submissions (id, benchmark, name, submitted_by, status, created_at, updated_at, errors)
     VALUES ('sub_old', ?, 'old', 'tok_old', 'queued', ?, ?, '[]')`,
  ).run(HDMAP, INSTALLED_AT, INSTALLED_AT);
  db.close();
  const map = mapCase();
  const gtDir = join(dir, 'benchmarks', HDMAP, 'gt-0123456789ab');
  await mkdir(gtDir, { recursive: true });
  await writeFile(join(gtDir, 'gt.json'), JSON.stringify(map.gt));
  await writeFile(
    join(dir, 'benchmarks', HDMAP, 'ground-truth.json'),
    JSON.stringify({ dir: 'gt-0123456789ab', description: 'the old install', installedAt: INSTALLED_AT }),
  );
  await mkdir(join(dir, 'submissions', 'sub_old'), { recursive: true });
  await writeFile(join(dir, 'submissions', 'sub_old', 'body'), JSON.stringify(map.results));
  return dir;
}

describe('a data directory of the files layout (bodies and GT under --data)', function () {
  // One scoring process starts.
  this.timeout(60_000);
  let dir: string;
  beforeEach(async () => {
    dir = await filesLayoutDir();
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps its ground truth, moved into the blob store with its description and date', async () => {
    const boards = await Leaderboards.open(dir);
    try {
      const hdmap = await boards.store.getBenchmark(HDMAP);
      assert.ok(hdmap);
      const gt = await boards.currentGroundTruth(hdmap);
      assert.equal(gt?.description, 'the old install');
      assert.equal(gt?.installedAt, INSTALLED_AT);
      assert.deepEqual(
        gt?.files.map((f) => f.name),
        ['gt.json'],
      );
      assert.ok(!existsSync(join(dir, 'benchmarks', HDMAP, 'ground-truth.json')), 'the old pointer is gone');
      assert.ok(!existsSync(join(dir, 'benchmarks', HDMAP, 'gt-0123456789ab')), 'the old copy is gone');
    } finally {
      await boards.close();
    }
  });

  it('scores its queued submission from the old body, and gc keeps the ground truth but not the scored body', async () => {
    const boards = await Leaderboards.open(dir);
    try {
      await boards.resumeUnfinished();
      await boards.idle();
      const scored = await boards.store.getSubmission('sub_old');
      assert.equal(scored?.status, 'verified', JSON.stringify(scored?.errors));
      assert.ok(
        Math.abs((scored?.metrics?.mAP ?? Number.NaN) - mapCase().expected['NuscMap_chamfer/mAP']) < 1e-9,
      );
      assert.ok(!existsSync(join(dir, 'submissions', 'sub_old')), 'the old body is gone');
    } finally {
      await boards.close();
    }
    const stores = await openEmbeddedStores(dir);
    const boards2 = await Leaderboards.open(dir);
    try {
      const hdmap = await boards2.store.getBenchmark(HDMAP);
      assert.ok(hdmap);
      const gtSha = (await boards2.currentGroundTruth(hdmap))?.files[0].sha256;
      const removed = await new BlobIntegrity(stores.blobs, stores.meta, () => {}).collectGarbage({
        olderThanMs: 0,
      });
      assert.equal(removed.length, 1, 'the scored body');
      assert.ok(gtSha && !removed.includes(gtSha));
      assert.ok(gtSha && (await stores.blobs.stat(gtSha)), 'the ground truth is still stored');
    } finally {
      await boards2.close();
      await stores.meta.close();
    }
  });
});
