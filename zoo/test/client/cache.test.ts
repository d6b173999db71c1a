import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireLock } from '../../src/cache/blob-lock.ts';
import { ZooCache } from '../../src/cache/zoo-cache.ts';
import type { Manifest, ManifestFile } from '../../src/client/manifest.ts';
import type { RevisionId, Sha256Hex } from '../../src/client/names.ts';

const repo = { namespace: 'org', name: 'backbone' };
const rev = 'c'.repeat(40) as RevisionId;
const bytes = Buffer.from('checkpoint bytes');
const file: ManifestFile = {
  path: 'weights/model.bin',
  size: bytes.length,
  sha256: createHash('sha256').update(bytes).digest('hex') as Sha256Hex,
};

describe('ZooCache', () => {
  let root: string;
  let cache: ZooCache;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'mim4d-zoo-cache-'));
    cache = new ZooCache(root);
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  async function storeBlob(content: Buffer = bytes): Promise<string> {
    const path = cache.layout.blob(repo, file.sha256);
    await mkdir(join(path, '..'), { recursive: true });
    await writeFile(path, content);
    return path;
  }

  it('lays files out as models--ns--name/{blobs,refs,manifests,snapshots}', () => {
    assert.equal(
      cache.layout.blob(repo, file.sha256),
      join(root, 'models--org--backbone', 'blobs', file.sha256),
    );
    assert.equal(cache.layout.ref(repo, 'main'), join(root, 'models--org--backbone', 'refs', 'main'));
    assert.equal(
      cache.layout.manifest(repo, rev),
      join(root, 'models--org--backbone', 'manifests', `${rev}.json`),
    );
    assert.equal(
      cache.layout.snapshotFile(repo, rev, 'weights/model.bin'),
      join(root, 'models--org--backbone', 'snapshots', rev, 'weights', 'model.bin'),
    );
  });

  it('remembers refs and manifests, and names a damaged one', async () => {
    assert.equal(await cache.readRef(repo, 'main'), null);
    await cache.writeRef(repo, 'main', rev);
    assert.equal(await cache.readRef(repo, 'main'), rev);
    await writeFile(cache.layout.ref(repo, 'main'), 'not a revision');
    await assert.rejects(
      cache.readRef(repo, 'main'),
      /refs\/main: a ref file must hold one 40-hex revision id/,
    );

    const manifest: Manifest = {
      revision: rev,
      parent: null,
      createdAt: '2025-01-01T00:00:00Z',
      files: [file],
    };
    assert.equal(await cache.readManifest(repo, rev), null);
    await cache.writeManifest(repo, manifest);
    assert.deepEqual(await cache.readManifest(repo, rev), manifest);
    const other = 'd'.repeat(40) as RevisionId;
    await writeFile(cache.layout.manifest(repo, other), JSON.stringify(manifest));
    await assert.rejects(cache.readManifest(repo, other), new RegExp(`holds revision ${rev}, not ${other}`));
    await writeFile(cache.layout.manifest(repo, other), '{');
    await assert.rejects(cache.readManifest(repo, other), /not valid JSON.*delete it/);
  });

  it('tells present, absent and damaged blobs apart, removing damaged ones', async () => {
    assert.equal(await cache.blobState(repo, file), 'absent');
    const path = await storeBlob();
    assert.equal(await cache.blobState(repo, file, true), 'present');
    const flipped = Buffer.from(bytes);
    flipped[0] ^= 1;
    await writeFile(path, flipped);
    assert.equal(await cache.blobState(repo, file), 'present', 'same size: only a re-hash can tell');
    assert.equal(await cache.blobState(repo, file, true), 'damaged');
    await assert.rejects(stat(path), { code: 'ENOENT' });
    await storeBlob(Buffer.concat([bytes, bytes]));
    assert.equal(await cache.blobState(repo, file), 'damaged');
  });

  it('hard-links snapshot files to their blob and replaces a damaged copy', async () => {
    const blob = await storeBlob();
    const placed = await cache.placeInSnapshot(repo, rev, file);
    assert.equal((await stat(placed.path)).ino, (await stat(blob)).ino);
    assert.equal(placed.replacedDamaged, false);

    await rm(placed.path);
    await mkdir(join(placed.path, '..'), { recursive: true });
    const tampered = Buffer.from(bytes);
    tampered[3] ^= 1;
    await writeFile(placed.path, tampered);
    assert.equal(
      (await cache.placeInSnapshot(repo, rev, file)).replacedDamaged,
      false,
      'same size, not re-hashed',
    );
    const again = await cache.placeInSnapshot(repo, rev, file, true);
    assert.equal(again.replacedDamaged, true);
    assert.deepEqual(await readFile(again.path), bytes);
  });
});

describe('per-blob lock', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mim4d-zoo-lock-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('makes a second taker wait for the first and then hand over', async () => {
    const path = join(dir, 'blobs', 'x');
    const first = await acquireLock(path, { isDone: async () => false });
    assert.ok(first && first !== 'done');
    let waited = false;
    const second = acquireLock(path, {
      isDone: async () => false,
      onWait: () => (waited = true),
      pollMs: 20,
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(waited, true);
    await first.release();
    const got = await second;
    assert.ok(got && got !== 'done');
    await got.release();
  });

  it('stops waiting when the awaited blob appears', async () => {
    const path = join(dir, 'x');
    const first = await acquireLock(path, { isDone: async () => false });
    let done = false;
    const second = acquireLock(path, { isDone: async () => done, pollMs: 10 });
    done = true;
    assert.equal(await second, 'done');
    if (first && first !== 'done') await first.release();
  });

  it('takes over a lock whose holder stopped refreshing it', async () => {
    const path = join(dir, 'x');
    await mkdir(`${path}.lock`);
    const old = new Date(Date.now() - 120_000);
    await utimes(`${path}.lock`, old, old);
    const lock = await acquireLock(path, { isDone: async () => false, staleMs: 5_000 });
    assert.ok(lock && lock !== 'done');
    await lock.release();
  });

  it('degrades to no lock (null) where a lock cannot be made', async () => {
    await writeFile(join(dir, 'file'), '');
    assert.equal(await acquireLock(join(dir, 'file', 'sub', 'x'), { isDone: async () => false }), null);
  });
});
