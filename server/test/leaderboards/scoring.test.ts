import { strict as assert } from 'node:assert';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LeaderboardRow, Submission } from '../../src/leaderboards/benchmark.ts';
import { Leaderboards } from '../../src/leaderboards/leaderboards.ts';
import {
  mapCase,
  segmentationCase,
  writeProbabilityArchive,
  writeStackedMasks,
} from '../helpers/scoring-cases.ts';
import { storeBody } from '../helpers/stored-bodies.ts';
import { startZoo, type ZooFixture } from '../helpers/zoo-fixture.ts';

const HDMAP = 'nuscenes-hdmap@v1';
const BEV_SEG = 'nuscenes-bev-seg@v1';

describe('server-side scoring of HD-map and BEV-segmentation submissions, in a child process', function () {
  this.timeout(120_000);
  let zoo: ZooFixture;
  let boards: Leaderboards;
  let work: string;
  let submitter: string;
  const map = mapCase();
  const seg = segmentationCase();

  const submit = (benchmark: string, body: string | Uint8Array, contentType = 'application/gzip') =>
    zoo.request(`/api/v1/benchmarks/${benchmark}/submissions?name=run`, {
      method: 'POST',
      token: submitter,
      headers: { 'Content-Type': contentType },
      body,
    });
  const submissionId = async (res: Response) => {
    assert.equal(res.status, 202, await res.clone().text());
    return ((await res.json()) as { submissionId: string }).submissionId;
  };
  const statusOf = async (id: string, token = submitter) =>
    (await (await zoo.request(`/api/v1/submissions/${id}`, { token })).json()) as Submission;

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'mim4d-scoring-'));
    const dataDir = await mkdtemp(join(tmpdir(), 'mim4d-scoring-data-'));
    boards = await Leaderboards.open(dataDir, { quota: null });
    const gtFile = join(work, 'map-gt.json');
    await writeFile(gtFile, JSON.stringify(map.gt));
    const hdmap = await boards.store.getBenchmark(HDMAP);
    const bevSeg = await boards.store.getBenchmark(BEV_SEG);
    assert.ok(hdmap && bevSeg);
    await boards.groundTruth.install(hdmap, gtFile);
    await boards.groundTruth.install(bevSeg, await writeStackedMasks(join(work, 'gt'), seg));
    zoo = await startZoo({ dataDir, leaderboards: boards });
    submitter = await zoo.token('read:team');
  });

  after(async () => {
    await boards.close();
    await zoo.close();
    await rm(work, { recursive: true, force: true });
  });

  it('scores MapTR results exactly as the reference, and ranks the verified row', async () => {
    const id = await submissionId(await submit(HDMAP, JSON.stringify(map.results), 'application/json'));
    await boards.idle();
    const done = await statusOf(id);
    assert.equal(done.status, 'verified', JSON.stringify(done.errors));
    assert.deepEqual(done.metrics, {
      mAP: map.expected['NuscMap_chamfer/mAP'],
      divider_AP: map.expected['NuscMap_chamfer/divider_AP'],
      ped_crossing_AP: map.expected['NuscMap_chamfer/ped_crossing_AP'],
      boundary_AP: map.expected['NuscMap_chamfer/boundary_AP'],
    });
    const { rows } = (await (await zoo.request(`/api/v1/benchmarks/${HDMAP}/leaderboard`)).json()) as {
      rows: LeaderboardRow[];
    };
    assert.equal(rows.find((r) => r.id === done.rowId)?.status, 'verified');
  });

  it('scores a gzip tar of .npy probabilities against stacked GT masks exactly as the reference', async () => {
    const archive = await writeProbabilityArchive(join(work, 'good'), seg);
    const id = await submissionId(await submit(BEV_SEG, await readFile(archive)));
    await boards.idle();
    const done = await statusOf(id);
    assert.equal(done.status, 'verified', JSON.stringify(done.errors));
    assert.deepEqual(done.metrics, { mIoU: seg.expected['map/mean/iou@max'] });
  });

  it('fails bad archives naming the member and rule, and keeps nothing of them', async () => {
    const cases: [string, Promise<string> | Buffer, RegExp][] = [
      [
        'nested/x.npy',
        writeProbabilityArchive(join(work, 'nested'), seg, { extra: { 'nested/x.npy': '' } }),
        /folder/,
      ],
      [
        `${seg.tokens[0]}.npy`,
        writeProbabilityArchive(join(work, 'shape'), seg, { shape: [6, 400] }),
        /shape/,
      ],
      ['$', Buffer.from('not a tar at all, not even gzip'), /tar archive/],
    ];
    for (const [path, made, rule] of cases) {
      const body = Buffer.isBuffer(made) ? made : await readFile(await made);
      const id = await submissionId(await submit(BEV_SEG, body));
      await boards.idle();
      const failed = await statusOf(id);
      assert.equal(failed.status, 'failed', path);
      assert.equal(failed.errors[0].path, path, JSON.stringify(failed.errors));
      assert.match(failed.errors[0].rule, rule);
    }
    assert.deepEqual(
      await readdir(join(zoo.dataDir, 'scoring', 'work')),
      [],
      'fetched bodies and unpacked files are removed',
    );
    assert.deepEqual(await readdir(join(zoo.dataDir, 'scoring', 'incoming')), [], 'arrived bodies moved on');
  });

  it('keeps answering requests while a submission is being scored', async () => {
    const id = await submissionId(await submit(HDMAP, JSON.stringify(map.results), 'application/json'));
    let pid = boards.scoringProcessId();
    while (pid === undefined) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      pid = boards.scoringProcessId();
    }
    assert.notEqual(pid, process.pid);
    // Paused mid-job, the scorer holds the submission in `scoring` while the server goes on answering.
    process.kill(pid, 'SIGSTOP');
    try {
      assert.equal((await zoo.request('/api/v1/benchmarks')).status, 200);
      assert.equal((await zoo.request(`/benchmarks/${HDMAP}`, { token: submitter })).status, 200);
      assert.equal((await statusOf(id)).status, 'scoring');
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    await boards.idle();
    assert.equal((await statusOf(id)).status, 'verified');
  });

  it('fails a submission whose scoring process dies, and scores the next one', async () => {
    const doomed = await submissionId(await submit(HDMAP, JSON.stringify(map.results), 'application/json'));
    const next = await submissionId(await submit(HDMAP, JSON.stringify(map.results), 'application/json'));
    let pid = boards.scoringProcessId();
    while (pid === undefined) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      pid = boards.scoringProcessId();
    }
    process.kill(pid, 'SIGKILL');
    await boards.idle();
    const died = await statusOf(doomed);
    assert.equal(died.status, 'failed');
    assert.match(died.errors[0].rule, /scoring failed on the server: the scoring process ended \(SIGKILL\)/);
    assert.equal((await statusOf(next)).status, 'verified');
  });

  it('stops a scoring run that takes longer than the time limit and fails its submission', async () => {
    const hasty = await Leaderboards.open(zoo.dataDir, {
      store: boards.store,
      quota: null,
      scoringTimeoutMs: 1,
    });
    const { submission } = (await boards.store.createSubmission(
      { id: 'sub_slow', benchmark: HDMAP, name: 'slow', submittedBy: 'tok' },
      null,
    )) as { submission: Submission };
    await storeBody(hasty, submission.id, JSON.stringify(map.results));
    await hasty.enqueue(submission);
    const stopped = await boards.store.getSubmission('sub_slow');
    assert.equal(stopped?.status, 'failed');
    assert.match(stopped?.errors[0].rule ?? '', /took longer than 0.001 s and was stopped/);
  });

  it('fails a submission whose scoring process needs more than its memory cap, saying so', async () => {
    const cramped = await Leaderboards.open(zoo.dataDir, {
      store: boards.store,
      quota: null,
      scoringMaxMemoryMb: 16,
    });
    const { submission } = (await boards.store.createSubmission(
      { id: 'sub_oom', benchmark: HDMAP, name: 'oom', submittedBy: 'tok' },
      null,
    )) as { submission: Submission };
    // Each sample's vectors many times over: a body whose parsed form needs far more than 16 MiB.
    const bloated = {
      ...map.results,
      results: map.results.results.map((r) => ({ ...r, vectors: Array(1500).fill(r.vectors).flat() })),
    };
    await storeBody(cramped, submission.id, JSON.stringify(bloated));
    await cramped.enqueue(submission);
    const failed = await boards.store.getSubmission('sub_oom');
    assert.equal(failed?.status, 'failed');
    assert.match(
      failed?.errors[0].rule ?? '',
      /^scoring failed on the server: the scoring process ran out of memory \(.*; the cap is 16 MiB, mim4d-zoo serve --scoring-max-memory-mb\)$/,
    );
  });

  it('shows the visitor their submissions with status and errors on the benchmark page', async () => {
    const page = await (await zoo.request(`/benchmarks/${BEV_SEG}`, { token: submitter })).text();
    assert.match(page, /Your submissions/);
    assert.match(page, /badge verified/);
    assert.match(page, /badge failed/);
    assert.match(page, /<code>nested\/x\.npy<\/code>/);
    const anonymous = await (await zoo.request(`/benchmarks/${BEV_SEG}`)).text();
    assert.doesNotMatch(anonymous, /Your submissions/);
    const listed = (await (
      await zoo.request(`/api/v1/benchmarks/${BEV_SEG}/submissions`, { token: submitter })
    ).json()) as { submissions: Submission[] };
    assert.deepEqual(listed.submissions.map((s) => s.status).sort(), [
      'failed',
      'failed',
      'failed',
      'verified',
    ]);
    const others = (await (
      await zoo.request(`/api/v1/benchmarks/${BEV_SEG}/submissions`, { token: await zoo.token('read') })
    ).json()) as { submissions: Submission[] };
    assert.deepEqual(others.submissions, [], "another token sees none of this token's submissions");
  });
});
