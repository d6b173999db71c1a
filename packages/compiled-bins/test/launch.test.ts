import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  renameSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildPackageBins, buildWorkspaceBins } from '../build.js';
import { chooseEntry } from '../launch.js';
import { DIST, MANIFEST } from '../layout.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const LAUNCH = new URL('../launch.js', import.meta.url).href;

/** A package with one command that reads a file beside its source and uses a dependency, as ours do. */
function fixturePackage(): { dir: string; bin: string } {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'compiled-bins-')), 'pkg');
  mkdirSync(path.join(dir, 'src'), { recursive: true });
  mkdirSync(path.join(dir, 'bin'));
  symlinkSync(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'));
  writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({ name: 'fixture', type: 'module', compiledBins: { hello: './src/main.ts' } }),
  );
  writeFileSync(path.join(dir, 'src', 'greeting.txt'), 'read beside the source');
  writeFileSync(
    path.join(dir, 'src', 'main.ts'),
    `import { readFileSync } from 'node:fs';
import { Command } from 'commander';
export async function main(argv: string[]): Promise<number> {
  const name: string = new Command().argument('<name>').parse(argv).args[0];
  console.log(name, readFileSync(new URL('./greeting.txt', import.meta.url), 'utf8'));
  return 3;
}
`,
  );
  const bin = path.join(dir, 'bin', 'hello.js');
  writeFileSync(
    bin,
    `import { launch } from ${JSON.stringify(LAUNCH)};\nawait launch(import.meta.url, 'hello', './src/main.ts');\n`,
  );
  return { dir, bin };
}

function entryKind(bin: string): 'bundle' | 'source' {
  return chooseEntry(pathToFileURL(bin), 'hello', './src/main.ts').kind;
}

function run(bin: string): { stdout: string; status: number } {
  try {
    return { stdout: execFileSync(process.execPath, [bin, 'ada'], { encoding: 'utf8' }), status: 0 };
  } catch (error) {
    const failed = error as { stdout: string; status: number };
    return { stdout: failed.stdout, status: failed.status };
  }
}

describe('compiled commands', () => {
  const made: string[] = [];
  afterEach(() => {
    for (const dir of made.splice(0)) rmSync(path.dirname(dir), { recursive: true, force: true });
  });
  function built(): { dir: string; bin: string } {
    const fixture = fixturePackage();
    made.push(fixture.dir);
    return fixture;
  }

  it('run from the bundle once built, with files beside the sources found and the exit code kept', async () => {
    const { dir, bin } = built();
    await buildPackageBins(dir, []);
    assert.equal(entryKind(bin), 'bundle');
    assert.deepEqual(run(bin), { stdout: 'ada read beside the source\n', status: 3 });
  });

  it('bundle the worker entries they are given and name each bundle by its source', async () => {
    const { dir, bin } = built();
    const worker = path.join(dir, 'src', 'worker.ts');
    writeFileSync(
      worker,
      "import { parentPort } from 'node:worker_threads';\nparentPort?.postMessage(1 as number);\n",
    );
    await buildPackageBins(dir, [], [worker]);
    const { workers } = chooseEntry(pathToFileURL(bin), 'hello', './src/main.ts');
    assert.deepEqual([...workers.keys()], [worker]);
    assert.ok(existsSync(workers.get(worker)!), workers.get(worker));
  });

  it('run from the sources when none was built', () => {
    const { bin } = built();
    assert.equal(entryKind(bin), 'source');
    assert.deepEqual(run(bin), { stdout: 'ada read beside the source\n', status: 3 });
  });

  it('run from the sources once a source changed after the build', async () => {
    const { dir, bin } = built();
    await buildPackageBins(dir, []);
    const later = new Date(Date.now() + 5000);
    utimesSync(path.join(dir, 'src', 'main.ts'), later, later);
    assert.equal(entryKind(bin), 'source');
  });

  it('never run a build that did not finish (its manifest is written last)', async () => {
    const { dir, bin } = built();
    await buildPackageBins(dir, []);
    rmSync(path.join(dir, DIST, MANIFEST));
    assert.equal(entryKind(bin), 'source');
  });

  it('run from the sources after the checkout moved (the bundle names the old paths)', async () => {
    const { dir } = built();
    await buildPackageBins(dir, []);
    const moved = `${dir}-moved`;
    renameSync(dir, moved);
    made.push(moved);
    assert.equal(entryKind(path.join(moved, 'bin', 'hello.js')), 'source');
  });

  it("build every workspace's commands, which then start from their bundles", async function () {
    this.timeout(60_000);
    const built = await buildWorkspaceBins(REPO);
    assert.deepEqual(built.sort(), ['mim4d', 'mim4d-eval', 'mim4d-zoo']);
    for (const [bin, name] of [
      ['cli/bin/mim4d.js', 'mim4d'],
      ['eval/bin/mim4d-eval.js', 'mim4d-eval'],
      ['server/bin/mim4d-zoo.js', 'mim4d-zoo'],
    ]) {
      const file = path.join(REPO, bin);
      assert.equal(chooseEntry(pathToFileURL(file), name, 'unused').kind, 'bundle', name);
      assert.match(execFileSync(process.execPath, [file, '--help'], { encoding: 'utf8' }), /^Usage: /m);
    }
    // A training command loads the whole tree (tfjs and its gradient registrations, the heads, onnxruntime) before
    // it looks at its input, so a bundle that cannot load a module fails here rather than in a user's run.
    const missing = path.join(tmpdir(), 'compiled-bins-no-such-dataroot');
    const run = spawnSync(
      process.execPath,
      [
        path.join(REPO, 'cli/bin/mim4d.js'),
        'finetune',
        'detection',
        '--data',
        missing,
        '--backbone',
        'none',
        '--out',
        missing,
      ],
      { encoding: 'utf8' },
    );
    assert.notEqual(run.status, 0);
    assert.doesNotMatch(run.stderr, /Cannot find|ERR_MODULE|ERR_UNSUPPORTED/, run.stderr);
    assert.match(run.stderr, /compiled-bins-no-such-dataroot/, run.stderr);
  });
});
