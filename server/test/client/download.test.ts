import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmod, readFile, stat, writeFile } from 'node:fs/promises';
import { type ZooClient, ZooError } from '@mim4d/zoo';
import { type ClientWorld, revisionWithWeights, startClientWorld } from './client-fixture.ts';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('zoo client downloads (against a real server)', () => {
  let world: ClientWorld;
  let revision: string;
  let weights: Uint8Array;
  const WEIGHTS = 3 * 2 ** 20;

  before(async () => {
    world = await startClientWorld();
    const { files, card } = revisionWithWeights(WEIGHTS);
    weights = files['weights.bin'];
    revision = await world.zoo.publish('org/backbone', files, { token: world.writeToken, card });
  });
  after(() => world.close());
  beforeEach(() => {
    world.proxy.rules = {};
    world.proxy.exchanges.length = 0;
  });

  async function rejection(promise: Promise<unknown>): Promise<ZooError> {
    const error = await promise.then(
      () => assert.fail('expected the call to fail'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof ZooError, `expected a ZooError, got ${error}`);
    return error;
  }

  it('resumes an interrupted download with Range and If-Range and transfers only the rest', async () => {
    const client = await world.client();
    world.proxy.rules = { cutAfterBytes: 1_000_000 };
    const error = await rejection(client.download('org/backbone', 'weights.bin'));
    assert.equal(error.code, 'DownloadInterrupted');
    const manifest = await client.manifest('org/backbone');
    const partial = client.cache.layout.incomplete(
      { namespace: 'org', name: 'backbone' },
      manifest.files.find((f) => f.path === 'weights.bin')?.sha256 as never,
    );
    const kept = (await stat(partial)).size;
    assert.ok(kept > 0 && kept <= 1_000_000, `kept ${kept} bytes of the cut transfer`);

    world.proxy.rules = {};
    const file = await client.download('org/backbone', 'weights.bin');
    const resumed = world.proxy.downloads.at(-1);
    assert.equal(resumed?.requestHeaders.range, `bytes=${kept}-`);
    assert.equal(resumed?.requestHeaders['if-range'], `"${sha256(weights)}"`);
    assert.equal(resumed?.status, 206);
    assert.equal(resumed?.bodyBytes, WEIGHTS - kept);
    assert.equal(file.resumedFrom, kept);
    assert.equal(file.bytesTransferred, WEIGHTS - kept);
    assert.equal(sha256(await readFile(file.localPath)), sha256(weights));
    await assert.rejects(stat(partial), { code: 'ENOENT' });
  });

  it('restarts from byte 0 when If-Range no longer matches (the server answers 200)', async () => {
    const client = await world.client();
    world.proxy.rules = { cutAfterBytes: 500_000 };
    await rejection(client.download('org/backbone', 'weights.bin'));
    world.proxy.rules = {
      rewriteRequest: (headers) => {
        if (headers['if-range']) headers['if-range'] = `"${'0'.repeat(64)}"`;
      },
    };
    const file = await client.download('org/backbone', 'weights.bin');
    const last = world.proxy.downloads.at(-1);
    assert.equal(last?.status, 200);
    assert.equal(file.resumedFrom, 0);
    assert.equal(file.bytesTransferred, WEIGHTS);
    assert.equal(sha256(await readFile(file.localPath)), sha256(weights));
  });

  it('starts over once when a resumed partial file holds wrong bytes', async () => {
    const client = await world.client();
    world.proxy.rules = { cutAfterBytes: 700_000 };
    await rejection(client.download('org/backbone', 'weights.bin'));
    const manifest = await client.manifest('org/backbone');
    const sha = manifest.files.find((f) => f.path === 'weights.bin')?.sha256 as never;
    const partial = client.cache.layout.incomplete({ namespace: 'org', name: 'backbone' }, sha);
    const bytes = await readFile(partial);
    bytes[10] ^= 0xff;
    await writeFile(partial, bytes);
    world.proxy.rules = {};
    const file = await client.download('org/backbone', 'weights.bin');
    assert.deepEqual(
      world.proxy.downloads.slice(-2).map((e) => e.status),
      [206, 200],
    );
    assert.equal(file.resumedFrom, 0);
    assert.equal(sha256(await readFile(file.localPath)), sha256(weights));
  });

  it('refuses bytes that do not hash to the manifest sha256 and caches nothing', async () => {
    const client = await world.client();
    world.proxy.rules = {
      rewriteBody: (chunk, offset) => {
        if (offset > 0) return chunk;
        const copy = Buffer.from(chunk);
        copy[0] ^= 0x01;
        return copy;
      },
    };
    const error = await rejection(client.download('org/backbone', 'weights.bin'));
    assert.equal(error.code, 'ChecksumMismatch');
    assert.match(error.message, /org\/backbone@[0-9a-f]{40} weights\.bin/);
    const sha = sha256(weights) as never;
    const repo = { namespace: 'org', name: 'backbone' };
    await assert.rejects(stat(client.cache.layout.blob(repo, sha)), { code: 'ENOENT' });
    await assert.rejects(stat(client.cache.layout.incomplete(repo, sha)), { code: 'ENOENT' });
  });

  it('detects a tampered cached blob on verify and fetches it again', async () => {
    const client = await world.client();
    const first = (await client.snapshot('org/backbone')).files.find((f) => f.path === 'weights.bin');
    assert.ok(first);
    const blob = client.cache.layout.blob({ namespace: 'org', name: 'backbone' }, sha256(weights) as never);
    assert.equal(
      (await stat(blob)).ino,
      (await stat(first.localPath)).ino,
      'the snapshot file is a hard link',
    );
    await chmod(blob, 0o644);
    const bytes = await readFile(blob);
    bytes[12345] ^= 0x40;
    await writeFile(blob, bytes);

    const verified = await client.verify('org/backbone');
    const entry = verified.files.find((f) => f.path === 'weights.bin');
    assert.equal(entry?.status, 'repaired');
    assert.equal(entry?.bytesTransferred, WEIGHTS);
    assert.equal(sha256(await readFile(entry?.localPath as string)), sha256(weights));
    assert.deepEqual(
      verified.files.filter((f) => f.path !== 'weights.bin').map((f) => f.status),
      ['cached', 'cached'],
    );
  });

  it('notices a cached blob whose size changed even without verify', async () => {
    const client = await world.client();
    await client.download('org/backbone', 'config.json');
    const repo = { namespace: 'org', name: 'backbone' };
    const manifest = await client.manifest(repo);
    const config = manifest.files.find((f) => f.path === 'config.json');
    const blob = client.cache.layout.blob(repo, config?.sha256 as never);
    await chmod(blob, 0o644);
    await writeFile(blob, '{"depth": 101}');
    const again = await client.download(repo, 'config.json');
    assert.equal(again.status, 'repaired');
    assert.deepEqual(JSON.parse(await readFile(again.localPath, 'utf8')), { depth: 50 });
  });

  it('lets several clients sharing one cache fetch the same file at once; only one transfers it', async () => {
    const cacheDir = `${await world.tempDir()}/shared`;
    const clients: ZooClient[] = await Promise.all([1, 2, 3, 4].map(() => world.client({ cacheDir })));
    const files = await Promise.all(clients.map((c) => c.download('org/backbone', 'weights.bin')));
    assert.equal(new Set(files.map((f) => f.localPath)).size, 1);
    assert.equal(
      files.reduce((sum, f) => sum + f.bytesTransferred, 0),
      WEIGHTS,
    );
    assert.equal(world.proxy.downloads.length, 1);
    assert.equal(sha256(await readFile(files[0].localPath)), sha256(weights));
  });

  it('answers errors with the server code and the request id', async () => {
    const client = await world.client();
    const missing = await rejection(client.download('org/backbone', 'nope.bin'));
    assert.equal(missing.code, 'EntryNotFound');
    const noModel = await rejection(client.manifest('org/absent'));
    assert.equal(noModel.code, 'RepoNotFound');
    assert.equal(noModel.status, 404);
    assert.ok(noModel.requestId);
    const noRev = await rejection(client.manifest('org/backbone', 'v9'));
    assert.equal(noRev.code, 'RevisionNotFound');
    assert.match(noRev.message, /org\/backbone@v9/);
    assert.ok(revision);
  });
});
