import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { backboneRevision } from './helpers/backbone-files.ts';
import { pythonWithHfHub } from './helpers/hf-python.ts';
import { startZoo, type ZooFixture } from './helpers/zoo-fixture.ts';

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), '..', 'scripts', 'hf-client-check.py');

/**
 * The official huggingface_hub client against the zoo: downloads, existence checks, refs, history and the error
 * codes it maps to exceptions (RepoNotFound, RevisionNotFound, EntryNotFound). Skipped, saying why, where no Python
 * with huggingface_hub can be found or installed from a local mirror.
 */
describe('huggingface_hub compatibility', function () {
  this.timeout(600_000);
  let zoo: ZooFixture;
  let python: string;
  let hfHome: string;

  before(async function () {
    const found = await pythonWithHfHub();
    if ('skip' in found) {
      console.log(`      skipped: ${found.skip}`);
      this.skip();
    }
    python = found.python;
    zoo = await startZoo();
    hfHome = await mkdtemp(join(tmpdir(), 'mim4d-hf-home-'));
    const writer = await zoo.token('write:acme');
    const { files, card } = backboneRevision();
    const first = await zoo.publish('acme/open', files, { token: writer, card });
    const second = backboneRevision({ depth: 101 });
    await zoo.publish('acme/open', second.files, { token: writer, card, parentRevision: first });
    await zoo.publish('acme/secret', files, { token: writer, card, private: true });
  });
  after(async () => {
    await zoo?.close();
    if (hfHome) await rm(hfHome, { recursive: true, force: true });
  });

  it('downloads, checks existence, lists refs and commits, and raises the documented errors', async () => {
    const { stdout } = await promisify(execFile)(python, [SCRIPT, 'acme/open', 'acme/secret', '2'], {
      env: { ...process.env, HF_ENDPOINT: zoo.url, HF_HOME: hfHome, HF_HUB_DISABLE_TELEMETRY: '1' },
      timeout: 300_000,
    }).catch((error: { stdout?: string; stderr?: string }) => {
      assert.fail(`hf-client-check.py failed:\n${error.stdout}\n${error.stderr}`);
    });
    assert.match(stdout, /huggingface_hub: all checks passed/);
  });
});
