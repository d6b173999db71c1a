import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveBackbone } from '@mim4d/finetune';
import { type MicroRun, microRun } from '@mim4d/finetune/testing';
import { runZooCli } from '../helpers/cli-runner.ts';
import { type ClientWorld, startClientWorld } from './client-fixture.ts';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/**
 * A real zoo server (behind a proxy that can corrupt downloads) holding an export folder published as users do,
 * with `mim4d-zoo push`.
 */
describe('resolveBackbone from the zoo', () => {
  let run: MicroRun;
  let world: ClientWorld;
  let revision: string;
  let weights: Buffer;
  const settings = async () => ({
    endpoint: world.endpoint,
    token: world.writeToken,
    cacheDir: join(await world.tempDir(), 'cache'),
  });

  before(async () => {
    run = await microRun();
    world = await startClientWorld();
    weights = readFileSync(join(run.exportDir, 'backbone.safetensors'));
    const home = await world.tempDir();
    const env = {
      MIM4D_ZOO_CONFIG: join(home, 'zoo.json'),
      MIM4D_ZOO_CACHE: join(home, 'cache'),
      MIM4D_ZOO_ENDPOINT: world.endpoint,
      MIM4D_ZOO_TOKEN: world.writeToken,
    };
    const push = await runZooCli(env, 'push', 'org/micro-backbone', run.exportDir, '--tag', 'main', 'v1');
    assert.equal(push.code, 0, push.stderr);
    assert.match(push.stderr, /2 file\(s\) uploaded/, 'backbone.onnx and backbone.safetensors');
    revision = push.stdout.trim();
  });
  after(async () => {
    await world.close();
    run.remove();
  });

  it('pulls the exported weights of namespace/name (main) with their config, revision and sha256', async () => {
    const backbone = await resolveBackbone('org/micro-backbone', { zoo: await settings() });
    const local = await resolveBackbone(run.exportDir);
    assert.equal(backbone.kind, 'zoo');
    assert.equal(backbone.revision, revision);
    assert.equal(backbone.sha256, sha256(weights));
    assert.deepEqual(backbone.config, run.config);
    assert.deepEqual(backbone.tensors, local.tensors);
    assert.equal(
      backbone.description,
      `zoo org/micro-backbone@${revision}/backbone.safetensors (step 2, config micro)`,
    );
  });

  it('pins a tag or a revision id with @, and serves a pulled revision from the cache offline', async () => {
    const zoo = await settings();
    assert.equal((await resolveBackbone('org/micro-backbone@v1', { zoo })).revision, revision);
    const pinned = `org/micro-backbone@${revision}`;
    assert.equal((await resolveBackbone(pinned, { zoo })).revision, revision);
    const downloads = world.proxy.downloads.length;
    const offline = await resolveBackbone(pinned, { zoo: { ...zoo, offline: true, endpoint: undefined } });
    assert.equal(offline.sha256, sha256(weights));
    assert.equal(world.proxy.downloads.length, downloads, 'nothing fetched offline');
  });

  it('names the model the zoo does not have', async () => {
    await assert.rejects(
      resolveBackbone('org/absent', { zoo: await settings() }),
      /^Error: backbone org\/absent \(no such local path, so a zoo model\): manifest of org\/absent@main: 404 RepoNotFound/,
    );
    await assert.rejects(
      resolveBackbone('org/micro-backbone@v9', { zoo: await settings() }),
      /backbone org\/micro-backbone@v9 .*404 RevisionNotFound/,
    );
  });

  it('refuses weights whose bytes do not hash to the revision sha256, and caches nothing', async () => {
    world.proxy.rules = {
      rewriteBody: (chunk, offset) => {
        if (offset > 0) return chunk;
        const copy = Buffer.from(chunk);
        copy[100] ^= 0x01;
        return copy;
      },
    };
    const zoo = await settings();
    try {
      const error = await resolveBackbone('org/micro-backbone', { zoo }).then(
        () => assert.fail('a corrupted download was accepted'),
        (e: Error) => e,
      );
      assert.match(
        error.message,
        new RegExp(
          `^backbone org/micro-backbone .*backbone\\.safetensors: .* not ${sha256(weights)}; nothing was cached`,
        ),
      );
      assert.equal((error.cause as { code?: string }).code, 'ChecksumMismatch');
    } finally {
      world.proxy.rules = {};
    }
    await assert.rejects(
      resolveBackbone('org/micro-backbone', { zoo: { ...zoo, offline: true, endpoint: undefined } }),
      /offline, and this file is not in the cache/,
    );
  });
});
