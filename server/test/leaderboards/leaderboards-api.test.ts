import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { LeaderboardRow, Submission } from '../../src/leaderboards/benchmark.ts';
import { Leaderboards } from '../../src/leaderboards/leaderboards.ts';
import { backboneRevision } from '../helpers/backbone-files.ts';
import { storeBody } from '../helpers/stored-bodies.ts';
import { startZoo, type ZooFixture } from '../helpers/zoo-fixture.ts';

interface DevkitCase {
  gt: Record<string, unknown[]>;
  pred: Record<string, Record<string, unknown>[]>;
  expected: { nd_score: number; mean_ap: number };
}

// Boxes and metrics produced by nuscenes-devkit (packages/nuscenes-eval-ts/test/fixtures/README.md).
const devkitCase = (
  JSON.parse(
    readFileSync(
      new URL('../../../packages/nuscenes-eval-ts/test/fixtures/nuscenes_detection.json', import.meta.url),
      'utf8',
    ),
  ) as { cases: DevkitCase[] }
).cases[0];

const META = { use_camera: true, use_lidar: false, use_radar: false, use_map: false, use_external: false };
const DETECTION = '/api/v1/benchmarks/nuscenes-detection@v1';

describe('leaderboards API', function () {
  this.timeout(20_000);
  let zoo: ZooFixture;
  let boards: Leaderboards;
  let submitter: string;

  const submit = (
    body: unknown,
    init: { token?: string; query?: string; headers?: Record<string, string> } = {},
  ) =>
    zoo.request(`${DETECTION}/submissions${init.query ?? '?name=test'}`, {
      method: 'POST',
      token: init.token ?? submitter,
      headers: { 'Content-Type': 'application/json', ...init.headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  before(async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'mim4d-boards-'));
    boards = await Leaderboards.open(dataDir, { quota: null });
    const gtFile = join(dataDir, 'gt-upload.json');
    await writeFile(gtFile, JSON.stringify(devkitCase.gt));
    const benchmark = await boards.store.getBenchmark('nuscenes-detection@v1');
    assert.ok(benchmark);
    await boards.groundTruth.install(benchmark, gtFile);
    zoo = await startZoo({ dataDir, leaderboards: boards });
    submitter = await zoo.token('read:team');
  });

  after(async () => {
    await boards.close();
    await zoo.close();
  });

  it('lists the seeded benchmarks, with GT installed only where it was', async () => {
    const res = await zoo.request('/api/v1/benchmarks');
    assert.equal(res.status, 200);
    const { benchmarks } = (await res.json()) as {
      benchmarks: { id: string; primaryMetric: string; groundTruthInstalled: boolean }[];
    };
    assert.deepEqual(
      benchmarks.map((b) => [b.id, b.primaryMetric, b.groundTruthInstalled]),
      [
        ['nuscenes-bev-seg@v1', 'mIoU', false],
        ['nuscenes-detection@v1', 'NDS', true],
        ['nuscenes-hdmap@v1', 'mAP', false],
      ],
    );
  });

  it('serves the README baselines as fractions with their source, best NDS first', async () => {
    const res = await zoo.request(`${DETECTION}/leaderboard?status=baseline`);
    const { rows } = (await res.json()) as { rows: LeaderboardRow[] };
    assert.deepEqual(
      rows.map((r) => [r.metrics.NDS, r.metrics.mAP, r.provenance.source]),
      [
        [0.474, 0.415, 'Nightmare-n/UniPAD README'],
        [0.47, 0.414, 'hustvl/MIM4D README'],
        [0.329, 0.326, 'Nightmare-n/UniPAD README'],
        [0.326, 0.323, 'hustvl/MIM4D README'],
      ],
    );
    const hdmap = (await (await zoo.request('/api/v1/benchmarks/nuscenes-hdmap@v1/leaderboard')).json()) as {
      rows: unknown[];
    };
    assert.deepEqual(hdmap.rows, [], 'no HD-map baseline numbers are known, so none are invented');
  });

  it('answers an unknown benchmark with 404 BenchmarkNotFound', async () => {
    const res = await zoo.request('/api/v1/benchmarks/kitti@v9/leaderboard');
    assert.equal(res.status, 404);
    assert.equal(res.headers.get('X-Error-Code'), 'BenchmarkNotFound');
  });

  it('scores a submission with nuscenes-eval-ts and matches the devkit, then ranks it as verified', async () => {
    const res = await submit({ meta: META, results: devkitCase.pred }, { query: '?name=devkit%20case%200' });
    assert.equal(res.status, 202);
    const { submissionId } = (await res.json()) as { submissionId: string };
    assert.equal(res.headers.get('Location'), `/api/v1/submissions/${submissionId}`);
    await boards.idle();
    const status = (await (
      await zoo.request(`/api/v1/submissions/${submissionId}`, { token: submitter })
    ).json()) as Submission;
    assert.equal(status.status, 'verified');
    assert.ok(Math.abs((status.metrics?.NDS ?? Number.NaN) - devkitCase.expected.nd_score) < 1e-9);
    assert.ok(Math.abs((status.metrics?.mAP ?? Number.NaN) - devkitCase.expected.mean_ap) < 1e-9);
    const { rows } = (await (await zoo.request(`${DETECTION}/leaderboard?status=verified`)).json()) as {
      rows: LeaderboardRow[];
    };
    const row = rows.find((r) => r.provenance.submissionId === submissionId);
    assert.equal(row?.name, 'devkit case 0');
    assert.equal(row?.id, status.rowId);
    assert.match(row?.provenance.toolkitVersion ?? '', /^nuscenes-eval-ts@\d/);
  });

  it('honours Idempotency-Key: a retried POST returns the first submission and adds no row', async () => {
    const body = { meta: META, results: devkitCase.pred };
    const headers = { 'Idempotency-Key': 'retry-1' };
    const first = (await (await submit(body, { headers, query: '?name=retry' })).json()) as {
      submissionId: string;
    };
    const again = await submit(body, { headers, query: '?name=retry' });
    assert.equal(again.status, 202);
    assert.equal(((await again.json()) as { submissionId: string }).submissionId, first.submissionId);
    await boards.idle();
    const { rows } = (await (await zoo.request(`${DETECTION}/leaderboard`)).json()) as {
      rows: LeaderboardRow[];
    };
    assert.equal(rows.filter((r) => r.name === 'retry').length, 1);
  });

  it('fails malformed submissions with the JSON paths of the problems, and keeps serving', async function () {
    this.timeout(90_000);
    const [token] = Object.keys(devkitCase.pred);
    const badBox = structuredClone(devkitCase.pred);
    badBox[token][0].size = [1, 2];
    const cases: [unknown, string][] = [
      [{ meta: META, results: badBox }, `results[${JSON.stringify(token)}][0].size`],
      [
        { meta: META, results: { ...devkitCase.pred, [token]: undefined } },
        `results[${JSON.stringify(token)}]`,
      ],
      [{ meta: META, results: { ...devkitCase.pred, stranger: [] } }, 'results["stranger"]'],
      [{ meta: META, results: [] }, 'results'],
      ['{"meta": {}, "results": {"a": [', '$'],
    ];
    for (const [body, path] of cases) {
      const res = await submit(body, { headers: { 'Content-Type': 'application/octet-stream' } });
      assert.equal(res.status, 202, path);
      const { submissionId } = (await res.json()) as { submissionId: string };
      await boards.idle();
      const stored = (await (
        await zoo.request(`/api/v1/submissions/${submissionId}`, { token: submitter })
      ).json()) as Submission;
      assert.equal(stored.status, 'failed', path);
      assert.ok(stored.errors[0].path.startsWith(path), JSON.stringify(stored.errors));
      assert.doesNotMatch(stored.errors[0].rule, new RegExp(zoo.dataDir), JSON.stringify(stored.errors));
    }
    // A JSON body is a result file like any other: stored under the upload limit, its syntax judged by the scorer.
    const broken = await submit('{"meta": ');
    assert.equal(broken.status, 202);
    const { submissionId } = (await broken.json()) as { submissionId: string };
    await boards.idle();
    const failed = (await (
      await zoo.request(`/api/v1/submissions/${submissionId}`, { token: submitter })
    ).json()) as Submission;
    assert.equal(failed.status, 'failed');
    assert.equal(failed.errors[0].path, '$');
    const empty = await submit('', { headers: { 'Content-Type': 'application/octet-stream' } });
    assert.equal(empty.status, 422);
    assert.equal((await zoo.request('/api/v1/benchmarks')).status, 200);
  });

  it('needs a token to submit, and says when a benchmark cannot be scored here', async () => {
    const anonymous = await zoo.request(`${DETECTION}/submissions`, { method: 'POST', body: '{}' });
    assert.equal(anonymous.status, 401);
    const hdmap = await zoo.request('/api/v1/benchmarks/nuscenes-hdmap@v1/submissions', {
      method: 'POST',
      token: submitter,
      body: '{}',
    });
    assert.equal(hdmap.status, 409);
    assert.equal(hdmap.headers.get('X-Error-Code'), 'ScoringUnavailable');
  });

  it('shows a submission only to its submitter', async () => {
    const res = await submit({ meta: META, results: devkitCase.pred }, { query: '?name=mine' });
    const { submissionId } = (await res.json()) as { submissionId: string };
    await boards.idle();
    assert.equal(
      (await zoo.request(`/api/v1/submissions/${submissionId}`, { token: await zoo.token('read') })).status,
      404,
    );
    assert.equal((await zoo.request(`/api/v1/submissions/${submissionId}`)).status, 404);
  });

  it('takes self-reported rows in fractions, naming bad metrics by JSON pointer', async () => {
    const author = await zoo.token('write:team');
    const { files, card } = backboneRevision();
    await zoo.publish('team/run', files, { token: author, card });
    const post = (body: unknown) =>
      zoo.request(`${DETECTION}/self-reported`, {
        method: 'POST',
        token: author,
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    const percent = await post({
      name: 'my run',
      model: 'team/run',
      source: 'run log',
      metrics: { NDS: 47, bogus: 1 },
    });
    assert.equal(percent.status, 422);
    const { errors } = (await percent.json()) as { errors: { path: string }[] };
    assert.deepEqual(
      errors.map((e) => e.path),
      ['/metrics/NDS', '/metrics/bogus'],
    );
    const ok = await post({
      name: 'my run',
      model: 'team/run',
      source: 'run log',
      metrics: { NDS: 0.41, mAP: 0.33 },
    });
    assert.equal(ok.status, 201);
    const row = (await ok.json()) as LeaderboardRow;
    assert.equal(row.status, 'self-reported');
    const { rows } = (await (await zoo.request(`${DETECTION}/leaderboard?status=self-reported`)).json()) as {
      rows: LeaderboardRow[];
    };
    assert.deepEqual(
      rows.map((r) => r.id),
      [row.id],
    );
  });

  it('documents its routes in the served OpenAPI document', async () => {
    const doc = (await (await zoo.request('/api/v1/openapi.json')).json()) as {
      paths: Record<string, object>;
    };
    for (const path of [
      '/api/v1/benchmarks',
      '/api/v1/benchmarks/{id}/leaderboard',
      '/api/v1/benchmarks/{id}/submissions',
      '/api/v1/benchmarks/{id}/self-reported',
      '/api/v1/submissions/{id}',
    ]) {
      assert.ok(doc.paths[path], path);
    }
    assert.ok(doc.paths['/api/v1/models/{ns}/{name}'], 'the core routes are still there');
  });

  it('scores on restart the bodies a stopped server had received, and fails uploads it never finished', async function () {
    // Each submission starts a scoring process: seconds each on a loaded machine.
    this.timeout(90_000);
    const dir = await mkdtemp(join(tmpdir(), 'mim4d-boards-restart-'));
    const first = await Leaderboards.open(dir, { quota: null });
    const benchmark = await first.store.getBenchmark('nuscenes-detection@v1');
    assert.ok(benchmark);
    const gtFile = join(dir, 'gt-upload.json');
    await writeFile(gtFile, JSON.stringify(devkitCase.gt));
    await first.groundTruth.install(benchmark, gtFile);
    const body = JSON.stringify({ meta: META, results: devkitCase.pred });
    for (const id of ['sub_received', 'sub_cut']) {
      await first.store.createSubmission({ id, benchmark: benchmark.id, name: id, submittedBy: 'tok' }, null);
    }
    await storeBody(first, 'sub_received', body);
    await mkdir(dirname(first.partialBodyPath('sub_cut')), { recursive: true });
    await writeFile(first.partialBodyPath('sub_cut'), body.slice(0, 100));
    await first.store.markScoring('sub_received');
    await first.close();

    const second = await Leaderboards.open(dir);
    await second.resumeUnfinished();
    await second.idle();
    const received = await second.store.getSubmission('sub_received');
    const cut = await second.store.getSubmission('sub_cut');
    await second.close();
    await rm(dir, { recursive: true, force: true });
    assert.equal(received?.status, 'verified');
    assert.ok(Math.abs((received?.metrics?.NDS ?? Number.NaN) - devkitCase.expected.nd_score) < 1e-9);
    assert.equal(cut?.status, 'failed');
    assert.match(cut?.errors[0].rule ?? '', /stopped before the upload finished/);
  });

  it('answers 429 with Retry-After once a token used its quota; failed submissions do not count', async function () {
    // Each submission starts a scoring process: seconds each on a loaded machine.
    this.timeout(90_000);
    const dir = await mkdtemp(join(tmpdir(), 'mim4d-boards-quota-'));
    const limited = await Leaderboards.open(dir, { quota: { max: 1, windowMs: 3_600_000 } });
    const benchmark = await limited.store.getBenchmark('nuscenes-detection@v1');
    assert.ok(benchmark);
    const gtFile = join(dir, 'gt-upload.json');
    await writeFile(gtFile, JSON.stringify(devkitCase.gt));
    await limited.groundTruth.install(benchmark, gtFile);
    const server = await startZoo({ dataDir: dir, leaderboards: limited });
    const token = await server.token('read:team');
    const post = (body: unknown, who = token, headers: Record<string, string> = {}) =>
      server.request(`${DETECTION}/submissions?name=quota`, {
        method: 'POST',
        token: who,
        headers: { 'Content-Type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
    try {
      assert.equal((await post({ meta: META, results: [] })).status, 202);
      await limited.idle();
      const counted = await post({ meta: META, results: devkitCase.pred }, token, {
        'Idempotency-Key': 'q1',
      });
      assert.equal(counted.status, 202, 'the failed submission before it did not use the quota');
      const over = await post({ meta: META, results: devkitCase.pred });
      assert.equal(over.status, 429);
      assert.equal(over.headers.get('Content-Type'), 'application/problem+json; charset=utf-8');
      assert.equal(over.headers.get('X-Error-Code'), 'QuotaExceeded');
      const retryAfter = Number(over.headers.get('Retry-After'));
      assert.ok(retryAfter > 3500 && retryAfter <= 3600, `Retry-After ${retryAfter}`);
      const retried = await post({ meta: META, results: devkitCase.pred }, token, {
        'Idempotency-Key': 'q1',
      });
      assert.equal(retried.status, 202, 'a retry of the counted submission is not a new one');
      assert.equal(
        (await post({ meta: META, results: devkitCase.pred }, await server.token('read'))).status,
        202,
      );
      await limited.idle();
    } finally {
      await limited.close();
      await server.close();
    }
  });

  it('seeds only once: reopening the store adds no duplicate baselines', async () => {
    const again = await Leaderboards.open(zoo.dataDir);
    assert.equal((await again.store.listRows('nuscenes-detection@v1', 'baseline')).length, 4);
    await again.close();
  });

  it('applies the upload limit to every submission body, JSON included', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'mim4d-boards-small-'));
    const smallBoards = await Leaderboards.open(dataDir, { quota: null });
    const gtFile = join(dataDir, 'gt-upload.json');
    await writeFile(gtFile, JSON.stringify(devkitCase.gt));
    await smallBoards.groundTruth.install(
      (await smallBoards.store.getBenchmark('nuscenes-detection@v1')) as NonNullable<
        Awaited<ReturnType<typeof smallBoards.store.getBenchmark>>
      >,
      gtFile,
    );
    const limited = await startZoo({ dataDir, leaderboards: smallBoards, maxUploadBytes: 1000 });
    try {
      const token = await limited.token('read:team');
      const body = JSON.stringify({ meta: META, results: { padding: 'x'.repeat(5000) } });
      for (const type of ['application/json', 'application/octet-stream']) {
        const res = await limited.request(`${DETECTION}/submissions?name=big`, {
          method: 'POST',
          token,
          headers: { 'Content-Type': type },
          body,
        });
        assert.equal(res.status, 413, type);
        assert.equal(res.headers.get('X-Error-Code'), 'PayloadTooLarge');
      }
    } finally {
      await smallBoards.close();
      await limited.close();
    }
  });
});
