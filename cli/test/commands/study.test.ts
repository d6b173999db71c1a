import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSynthDataset } from '@mim4d/dataset';
import { initBackend } from '@mim4d/nn';
import { registerStudyCommand } from '../../src/commands/study.ts';
import { startLocalZoo } from '../../src/demo/local-zoo.ts';
import type { StudyReport } from '../../src/study/study-report.ts';
import { rejectsWith, runMim4d } from '../helpers/run-mim4d.ts';

const mim4d = (...args: string[]) => runMim4d(registerStudyCommand, ...args);

describe('mim4d study', function () {
  this.timeout(300_000);
  let work: string;
  let a: string;
  let b: string;
  before(async () => {
    await initBackend();
    work = mkdtempSync(join(tmpdir(), 'mim4d-cli-study-'));
    a = join(work, 'a');
    b = join(work, 'b');
    const size = { samples: 2, sweeps: 1, lidarSweeps: 0, width: 96, height: 54 };
    // Scenes scene-0061, -0553 and -0655 are mini_train, scene-0103 mini_val; the test towns come from another seed.
    await generateSynthDataset({ out: a, scenes: 4, seed: 3, ...size }, { workers: 1 });
    await generateSynthDataset({ out: b, scenes: 1, seed: 4, ...size }, { workers: 1 });
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  const study = (out: string, ...extra: string[]) =>
    mim4d('study', '--data', a, '--test-data', b, '--out', out, '--budget', 'smoke', ...extra);

  it('runs every arm of every task on the smoke budget and writes the report with its figures', async () => {
    const out = join(work, 'study');
    const { stdout } = await study(out);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as StudyReport;
    assert.deepEqual(
      report.tasks.map((t) => t.task),
      ['detection', 'bev-seg', 'hdmap'],
    );
    for (const t of report.tasks) {
      assert.deepEqual(
        Object.keys(t.metrics[0].arms).sort(),
        ['mim4d', 'random', 'random-lr1', 'spatial'],
        t.task,
      );
      // The start and every quarter of the 4-step budget.
      assert.deepEqual([...new Set(t.curve.map((c) => c.step))], [0, 1, 2, 3, 4], t.task);
    }
    assert.deepEqual(
      report.pretraining.map((p) => p.runs),
      [1, 1],
    );
    assert.equal(readdirSync(join(out, 'figures')).length, 6);
    assert.match(readFileSync(join(out, 'report.md'), 'utf8'), /## Headline\n\n\| task \| metric \(test\)/);
    assert.match(stdout, /\| hdmap \| mAP \(Chamfer\) \|/);
  });

  it('keeps finished runs on a rerun, and refuses other settings in the same folder', async () => {
    const out = join(work, 'study');
    const before = readFileSync(join(out, 'report.json'), 'utf8');
    await study(out);
    assert.equal(readFileSync(join(out, 'report.json'), 'utf8'), before);
    await rejectsWith(study(out, '--seeds', '2'), /other settings \(runsPerArm 1 -> 2\)/);
  });

  it('publishes the fine-tuned models to a zoo, which scores each one on the test split once it holds its ground truth', async () => {
    const zoo = await startLocalZoo(join(work, 'zoo'), 'lab');
    try {
      const publish = () =>
        study(
          join(work, 'study'),
          '--publish',
          'lab',
          '--endpoint',
          zoo.url,
          '--token',
          zoo.token,
          '--code-commit',
          'abc1234',
        );
      await rejectsWith(
        publish(),
        /no ground truth installed\); its operator installs the study's test ground truth with\n {2}mim4d-zoo benchmark gt nuscenes-detection@v1 \S+detection\.json/,
      );
      const gt = join(work, 'study', 'publish', 'ground-truth');
      for (const [id, form] of [
        ['nuscenes-detection@v1', 'detection.json'],
        ['nuscenes-bev-seg@v1', 'bev-seg'],
        ['nuscenes-hdmap@v1', 'hdmap.json'],
      ]) {
        const benchmark = await zoo.leaderboards.store.getBenchmark(id);
        assert.ok(benchmark, id);
        await zoo.leaderboards.groundTruth.install(benchmark, join(gt, form));
      }
      const { stdout } = await publish();
      assert.match(stdout, /published 12 models to lab: 12 rows verified/);
      const board = await fetch(`${zoo.url}/api/v1/benchmarks/nuscenes-hdmap@v1/leaderboard`);
      const { rows } = (await board.json()) as { rows: { name: string; model?: string }[] };
      assert.deepEqual(
        rows
          .filter((r) => r.name.startsWith('study smoke'))
          .map((r) => r.model)
          .sort(),
        ['mim4d', 'random', 'random-lr1', 'spatial'].map((arm) => `lab/study-smoke-hdmap-${arm}-run1`).sort(),
      );
    } finally {
      await zoo.close();
    }
  });

  it('gives the same results running two units at a time in child processes', async () => {
    const out = join(work, 'study-jobs');
    await study(out, '--jobs', '2');
    // Everything a unit records but the time it took.
    const untimed = (key: string, value: unknown) =>
      key === 'seconds' || key === 'cpuSeconds' ? undefined : value;
    const results = (dir: string) =>
      ['pretrain', 'finetune'].flatMap((kind) =>
        readdirSync(join(dir, kind))
          .sort()
          .map((unit) =>
            JSON.parse(readFileSync(join(dir, kind, unit, 'study-result.json'), 'utf8'), untimed),
          ),
      );
    assert.deepEqual(results(out), results(join(work, 'study')));
  });

  it('refuses a test dataroot that is the training one, writing nothing', async () => {
    const out = join(work, 'same');
    await rejectsWith(
      mim4d('study', '--data', a, '--test-data', a, '--out', out, '--budget', 'smoke'),
      /the test set must be other towns/,
    );
    assert.equal(existsSync(out), false);
  });
});
