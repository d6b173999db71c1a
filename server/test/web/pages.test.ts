import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import type { Submission } from '../../src/leaderboards/benchmark.ts';
import { Leaderboards } from '../../src/leaderboards/leaderboards.ts';
import { backboneRevision } from '../helpers/backbone-files.ts';
import { mapCase } from '../helpers/scoring-cases.ts';
import { sha256Hex, startZoo, type ZooFixture } from '../helpers/zoo-fixture.ts';

// Debian's chromium package (apt-get install chromium); playwright's own browser download is not used.
const CHROMIUM = '/usr/bin/chromium';

describe('web pages in headless Chromium', function () {
  this.timeout(30_000);
  let zoo: ZooFixture;
  let boards: Leaderboards;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  const published = backboneRevision();

  before(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} is missing: apt-get install chromium (see the server README section)`);
    }
    const dataDir = await mkdtemp(join(tmpdir(), 'mim4d-web-'));
    boards = await Leaderboards.open(dataDir);
    zoo = await startZoo({ dataDir, leaderboards: boards });
    const writer = await zoo.token('write:team');
    await zoo.publish('team/mim4d-r50', published.files, { token: writer, card: published.card });
    await zoo.publish('team/hidden-model', published.files, {
      token: writer,
      card: published.card,
      private: true,
    });
    for (const model of ['team/mim4d-r50', 'team/hidden-model']) {
      const res = await zoo.request('/api/v1/benchmarks/nuscenes-detection@v1/self-reported', {
        method: 'POST',
        token: writer,
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ model, source: 'team run log', metrics: { NDS: 0.351, mAP: 0.298 } }),
      });
      assert.equal(res.status, 201);
    }
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-quic',
        '--no-first-run',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    page.setDefaultTimeout(5_000);
    // A Content-Security-Policy refusal or a failed stylesheet shows up here.
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('requestfailed', (r) => problems.push(`${r.url()}: ${r.failure()?.errorText}`));
  });

  after(async () => {
    await browser?.close();
    await boards?.close();
    await zoo?.close();
  });

  it('lists published public models and hides private ones from anonymous visitors', async () => {
    await page.goto(`${zoo.url}/`);
    const ids = await page.locator('.model-id').allTextContents();
    assert.deepEqual(ids, ['team/mim4d-r50']);
    await page.fill('input[name=q]', 'no-such-model');
    await page.click('form.search button');
    await page.waitForURL(/q=no-such-model/);
    assert.match((await page.locator('main').textContent()) ?? '', /No model matches "no-such-model"/);
  });

  it('shows a model page with its card, files with size and sha256, and results', async () => {
    await page.goto(`${zoo.url}/`);
    await page.click('text=team/mim4d-r50');
    await page.waitForURL(/\/models\/team\/mim4d-r50$/);
    const files = await page.locator('table.files tbody tr').allInnerTexts();
    const onnx = published.files['backbone.onnx'];
    assert.equal(files.length, 2);
    assert.ok(files.some((row) => row.includes('backbone.onnx') && row.includes(sha256Hex(onnx))));
    const href = await page.locator('table.files a', { hasText: 'backbone.onnx' }).getAttribute('href');
    const download = await fetch(`${zoo.url}${href}`);
    assert.equal(sha256Hex(new Uint8Array(await download.arrayBuffer())), sha256Hex(onnx));
    assert.match((await page.locator('dl.facts').textContent()) ?? '', /ResNet-50/);
    assert.match((await page.locator('table.results').textContent()) ?? '', /team run log/);
    await page.screenshot({ path: join(tmpdir(), 'mim4d-web-model.png'), fullPage: true });
  });

  it('answers a private model page with 404 to anonymous visitors', async () => {
    const response = await page.goto(`${zoo.url}/models/team/hidden-model`);
    assert.equal(response?.status(), 404);
  });

  it('shows private models and their rows to a visitor whose token may read them', async () => {
    const context = await browser.newContext({
      extraHTTPHeaders: { Authorization: `Bearer ${await zoo.token('read:team')}` },
    });
    try {
      const reader = await context.newPage();
      await reader.goto(`${zoo.url}/`);
      assert.deepEqual(await reader.locator('.model-id').allTextContents(), [
        'team/hidden-model',
        'team/mim4d-r50',
      ]);
      await reader.goto(`${zoo.url}/benchmarks/nuscenes-detection@v1`);
      assert.equal(await reader.locator('table.self-reported-rows .badge.self-reported').count(), 2);
    } finally {
      await context.close();
    }
  });

  it("shows a submitter their submissions' status and errors on the benchmark page, and nobody else", async () => {
    const HDMAP = 'nuscenes-hdmap@v1';
    const map = mapCase();
    const hdmap = await boards.store.getBenchmark(HDMAP);
    assert.ok(hdmap);
    const gt = join(zoo.dataDir, 'map-gt.json');
    await writeFile(gt, JSON.stringify(map.gt));
    await boards.groundTruth.install(hdmap, gt);
    const submitter = await zoo.token('read:team');
    const submit = async (name: string, body: object) => {
      const res = await zoo.request(`/api/v1/benchmarks/${HDMAP}/submissions?name=${name}`, {
        method: 'POST',
        token: submitter,
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      assert.equal(res.status, 202, await res.clone().text());
      return ((await res.json()) as { submissionId: string }).submissionId;
    };
    const good = await submit('good-run', map.results);
    const [first, ...rest] = map.results.results;
    const broken = await submit('broken-run', {
      ...map.results,
      results: [{ ...first, vectors: [{ ...(first.vectors[0] as object), pts: 'not points' }] }, ...rest],
    });
    await boards.idle();
    const failed = (await (
      await zoo.request(`/api/v1/submissions/${broken}`, { token: submitter })
    ).json()) as Submission;
    assert.equal(failed.status, 'failed');

    const context = await browser.newContext({
      extraHTTPHeaders: { Authorization: `Bearer ${submitter}` },
    });
    try {
      const visitor = await context.newPage();
      await visitor.goto(`${zoo.url}/benchmarks/${HDMAP}`);
      assert.equal(await visitor.locator('h2', { hasText: 'Your submissions' }).count(), 1);
      const row = (id: string) => visitor.locator('table.submissions tbody tr', { hasText: id });
      assert.equal(await row(good).locator('.badge').textContent(), 'verified');
      assert.match((await row(good).textContent()) ?? '', /good-run.*mAP \d/s);
      assert.equal(await row(broken).locator('.badge').textContent(), 'failed');
      const errors = await row(broken).locator('ul.errors li').allInnerTexts();
      assert.deepEqual(
        errors,
        failed.errors.slice(0, 5).map((e) => `${e.path}: ${e.rule}`),
      );
      assert.match(errors[0], /pts/);
      await visitor.screenshot({ path: join(tmpdir(), 'mim4d-web-submissions.png'), fullPage: true });
    } finally {
      await context.close();
    }
    await page.goto(`${zoo.url}/benchmarks/${HDMAP}`);
    assert.equal(await page.locator('table.submissions').count(), 0);
  });

  it('shows the detection leaderboard with baseline badges, provenance and a bar chart, self-reported rows apart', async () => {
    problems.length = 0;
    await page.goto(`${zoo.url}/benchmarks`);
    await page.click('text=nuscenes-detection@v1');
    await page.waitForURL(/\/benchmarks\/nuscenes-detection(@|%40)v1$/);
    const rows = await page.locator('table.leaderboard tbody tr').allInnerTexts();
    assert.equal(rows.length, 4, 'four baselines; the self-reported row is ranked apart');
    assert.equal(await page.locator('table.leaderboard .badge.baseline').count(), 4);
    assert.equal(await page.locator('table.leaderboard .badge.self-reported').count(), 0);
    assert.equal(await page.locator('table.self-reported-rows .badge.self-reported').count(), 1);
    assert.ok(rows[0].includes('UniPAD_C, voxel 0.075') && rows[0].includes('47.4'), rows[0]);
    assert.ok(rows.some((r) => r.includes('hustvl/MIM4D README') && r.includes('32.6')));
    const bars = page.locator('figure.chart svg [aria-roledescription="bar"]');
    assert.equal(await bars.count(), 4);
    assert.ok((await bars.first().boundingBox())?.width);
    await page.screenshot({ path: join(tmpdir(), 'mim4d-web-leaderboard.png'), fullPage: true });
    assert.deepEqual(problems, []);
  });
});
