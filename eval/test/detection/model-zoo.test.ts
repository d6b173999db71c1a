import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startZoo, type ZooFixture } from '../../../server/test/helpers/zoo-fixture.ts';
import {
  detectorCard,
  detectorGraph,
  PRESENT,
  SPLIT,
  VERSION,
  writeDetectorDataroot,
} from './detector-fixture.ts';
import { type CliRun, runCli } from './run-cli.ts';

const root = mkdtempSync(join(tmpdir(), 'det-model-zoo-'));
const dataroot = join(root, 'data');

describe('mim4d-eval detection --model ns/name[@rev] (a detector from the zoo)', function () {
  this.timeout(60_000);
  let zoo: ZooFixture;
  let token: string;
  let first: string;
  const saved = { ...process.env };

  function evaluate(model: string, out: string, ...extra: string[]): Promise<CliRun> {
    return runCli([
      'detection',
      '--model',
      model,
      '--dataroot',
      dataroot,
      '--version',
      VERSION,
      '--split',
      SPLIT,
      '--output-dir',
      out,
      '--threads',
      '1',
      ...extra,
    ]);
  }

  before(async () => {
    // No saved login or shared cache of the machine takes part.
    process.env.MIM4D_ZOO_CONFIG = join(root, 'no-login.json');
    process.env.MIM4D_ZOO_CACHE = join(root, 'cache');
    delete process.env.MIM4D_ZOO_ENDPOINT;
    delete process.env.MIM4D_ZOO_TOKEN;
    delete process.env.MIM4D_ZOO_OFFLINE;
    await writeDetectorDataroot(dataroot);
    const graph = await detectorGraph(dataroot);
    zoo = await startZoo();
    token = await zoo.token('write:acme', 'read');
    const files = { 'detector.onnx': graph.bytes, 'detector.safetensors': new Uint8Array(8) };
    first = await zoo.publish('acme/lookup-detector', files, { token, card: detectorCard(graph.io) });
    // A second revision on main, with the weights file changed.
    await zoo.publish(
      'acme/lookup-detector',
      { ...files, 'detector.safetensors': new Uint8Array(16) },
      { token, card: detectorCard(graph.io), parentRevision: first },
    );
  });

  after(async () => {
    await zoo?.close();
    process.env = saved;
  });

  it('pulls the card and the detector of main into the cache and scores it', async () => {
    const out = join(root, 'out-main');
    const run = await evaluate('acme/lookup-detector', out, '--endpoint', zoo.url, '--token', token);
    assert.equal(run.code, 0, run.stderr);
    const summary = JSON.parse(readFileSync(join(out, 'metrics_summary.json'), 'utf8'));
    for (const name of PRESENT) assert.ok(Math.abs(summary.mean_dist_aps[name] - 1) < 1e-9, name);
    assert.match(
      run.stderr,
      /Model: .*cache.*detector\.onnx \(the card of acme\/lookup-detector@[0-9a-f]{40}\)/,
    );
  });

  it('takes the endpoint and token from the environment, as mim4d-zoo does', async () => {
    process.env.MIM4D_ZOO_ENDPOINT = zoo.url;
    process.env.MIM4D_ZOO_TOKEN = token;
    try {
      const run = await evaluate('acme/lookup-detector@main', join(root, 'out-env'));
      assert.equal(run.code, 0, run.stderr);
    } finally {
      delete process.env.MIM4D_ZOO_ENDPOINT;
      delete process.env.MIM4D_ZOO_TOKEN;
    }
  });

  it('exits 2 naming the reference when the model is missing or the zoo cannot be reached', async () => {
    const missing = await evaluate('acme/no-such-model', join(root, 'out-missing'), '--endpoint', zoo.url);
    assert.equal(missing.code, 2, missing.stderr);
    assert.match(missing.stderr, /^error: acme\/no-such-model: .*404/m);
    const down = await evaluate(
      'acme/lookup-detector',
      join(root, 'out-down'),
      '--endpoint',
      'http://127.0.0.1:9',
    );
    assert.equal(down.code, 2, down.stderr);
    assert.match(
      down.stderr,
      /^error: acme\/lookup-detector: .*cannot reach http:\/\/127\.0\.0\.1:9.* \(no file or folder acme\/lookup-detector here, so it was looked up in the zoo\)$/m,
    );
    const badRev = await evaluate('acme/lookup-detector@not/a/rev', join(root, 'out-rev'));
    assert.equal(badRev.code, 2);
    assert.match(
      badRev.stderr,
      /^error: "acme\/lookup-detector@not\/a\/rev": revision "not\/a\/rev" is neither/m,
    );
  });

  it('refuses an older revision whose card the client cannot read, saying why', async () => {
    const run = await evaluate(`acme/lookup-detector@${first}`, join(root, 'out-old'), '--endpoint', zoo.url);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, new RegExp(`revision ${first} is not the one main points at`));
  });
});
