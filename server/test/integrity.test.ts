import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, open, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BlobIntegrity } from '../src/blob-integrity.ts';
import { backboneRevision } from './helpers/backbone-files.ts';
import { mapCase } from './helpers/scoring-cases.ts';
import { storeBody } from './helpers/stored-bodies.ts';
import { BACKENDS, sha256Hex, startZoo, type ZooFixture } from './helpers/zoo-fixture.ts';

/** Overwrites a stored blob in place, same size, as bit rot or a careless operator would. */
async function tamper(zoo: ZooFixture, sha: string, bytes: Uint8Array): Promise<void> {
  const path = join(zoo.dataDir, 'blobs', 'sha256', sha);
  await chmod(path, 0o644);
  const flipped = Uint8Array.from(bytes);
  flipped[flipped.length - 1] ^= 0xff;
  await writeFile(path, flipped);
}

/**
 * Bit rot: one byte of a stored blob changes while inode, size and mtime (to the nanosecond) stay, so the store's
 * fingerprint cannot see it.
 */
async function rotInPlace(zoo: ZooFixture, sha: string, offset: number): Promise<void> {
  const path = join(zoo.dataDir, 'blobs', 'sha256', sha);
  const before = await stat(path, { bigint: true });
  await chmod(path, 0o644);
  const file = await open(path, 'r+');
  const byte = Buffer.alloc(1);
  await file.read(byte, 0, 1, offset);
  byte[0] ^= 0x01;
  await file.write(byte, 0, 1, offset);
  await file.close();
  await chmod(path, 0o444);
  const ns = before.mtimeNs % 1_000_000_000n;
  const mtime = `@${before.mtimeNs / 1_000_000_000n}.${ns.toString().padStart(9, '0')}`;
  await promisify(execFile)('touch', ['-m', '-d', mtime, path]);
  const after = await zoo.stores.blobs.stat(sha as never);
  assert.equal(after?.fingerprint, (await zoo.stores.meta.getBlob(sha as never))?.fingerprint);
}

const waitFor = async (what: string, done: () => Promise<boolean>) => {
  for (let i = 0; i < 200; i++) {
    if (await done()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.fail(`${what} did not happen within 5 s`);
};

for (const backend of BACKENDS) {
  describe(`blob integrity (${backend})`, () => {
    let zoo: ZooFixture;
    let writer: string;
    const { files, card } = backboneRevision();
    const config = files['config.json'];
    const configSha = sha256Hex(config);
    let revision: string;

    beforeEach(async () => {
      zoo = await startZoo({ backend });
      writer = await zoo.token('write:acme');
      revision = await zoo.publish('acme/rot', files, { token: writer, card });
    });
    afterEach(() => zoo.close());

    it('refuses to serve a blob whose bytes changed on disk, quarantines it, and heals on re-upload', async () => {
      await tamper(zoo, configSha, config);
      const res = await zoo.request(`/acme/rot/resolve/${revision}/config.json`);
      assert.equal(res.status, 500);
      assert.equal(res.headers.get('x-error-code'), 'BlobCorrupt');
      assert.equal(res.headers.get('etag'), null, 'no validator for bytes that were not sent');
      assert.equal((await readdir(join(zoo.dataDir, 'quarantine'))).length, 1);

      const again = await zoo.request(`/api/v1/blobs/sha256/${configSha}`);
      assert.equal(again.headers.get('x-error-code'), 'BlobCorrupt');
      // The revision still names the blob, so re-uploading the right bytes brings the file back.
      await zoo.publish('acme/rot', files, { token: writer, card, parentRevision: revision });
      const healed = await zoo.request(`/acme/rot/resolve/${revision}/config.json`);
      assert.equal(healed.status, 200);
      assert.deepEqual(new Uint8Array(await healed.arrayBuffer()), config);
    });

    it('re-hashes a blob that was touched but not changed, and serves it', async () => {
      const path = join(zoo.dataDir, 'blobs', 'sha256', configSha);
      await chmod(path, 0o644);
      await writeFile(path, config);
      const res = await zoo.request(`/acme/rot/resolve/${revision}/config.json`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('etag'), `"${configSha}"`);
    });

    it('fsck finds a corrupt blob even when its file metadata looks untouched, and a missing one', async () => {
      const integrity = new BlobIntegrity(zoo.stores.blobs, zoo.stores.meta, () => {});
      const clean = await integrity.check({ full: true });
      assert.deepEqual([clean.corrupt, clean.missing, clean.rehashed], [[], [], 2]);

      const onnxSha = sha256Hex(files['backbone.onnx']);
      await tamper(zoo, onnxSha, files['backbone.onnx']);
      // Pretend the change slipped past the fingerprint: record the tampered file's stat as verified.
      const stat = await zoo.stores.blobs.stat(onnxSha as never);
      await zoo.stores.meta.recordBlob({
        sha256: onnxSha as never,
        sizeBytes: stat?.sizeBytes ?? 0,
        fingerprint: stat?.fingerprint ?? '',
        verifiedAt: '',
      });
      const quick = await integrity.check({ full: false });
      assert.deepEqual(quick.corrupt, [], 'a quick check trusts fingerprints');
      await rm(join(zoo.dataDir, 'blobs', 'sha256', configSha), { force: true });
      const full = await integrity.check({ full: true });
      assert.deepEqual(full.corrupt, [onnxSha]);
      assert.deepEqual(full.missing, [configSha]);
    });

    it('adopts a verified blob stored just before a crash and quarantines an unrecorded one that does not match', async () => {
      const good = new TextEncoder().encode('linked, then the process died');
      const bad = new TextEncoder().encode('bytes under the wrong name');
      const dir = join(zoo.dataDir, 'blobs', 'sha256');
      await writeFile(join(dir, sha256Hex(good)), good);
      await writeFile(join(dir, sha256Hex('something else')), bad);
      const report = await new BlobIntegrity(zoo.stores.blobs, zoo.stores.meta, () => {}).check({
        full: false,
      });
      assert.deepEqual(report.adopted, [sha256Hex(good)]);
      assert.deepEqual(report.corrupt, [sha256Hex('something else')]);
      // Adopted means recorded: a commit can name it without uploading the bytes again.
      await zoo.publish('acme/adopted', { ...files, 'good.bin': good }, { token: writer, card });
      const served = await zoo.request('/acme/adopted/resolve/main/good.bin');
      assert.deepEqual(new Uint8Array(await served.arrayBuffer()), good);
    });

    it('cuts a download before a block that changed since it was verified, and quarantines the blob', async () => {
      // Three 1 MiB blocks, the last one damaged: the headers and two blocks are out before the damage shows.
      const big = new Uint8Array(3 << 20).map((_, i) => (i * 7) & 0xff);
      const sha = sha256Hex(big);
      const rev = await zoo.publish('acme/big', { ...files, 'big.bin': big }, { token: writer, card });
      await rotInPlace(zoo, sha, (3 << 20) - 10);
      const res = await zoo.request(`/acme/big/resolve/${rev}/big.bin`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('etag'), `"${sha}"`);
      await assert.rejects(res.arrayBuffer(), 'the body must not complete');
      await waitFor('quarantine', async () => (await readdir(join(zoo.dataDir, 'quarantine'))).length === 1);
      const again = await zoo.request(`/acme/big/resolve/${rev}/big.bin`);
      assert.equal(again.status, 500);
      assert.equal(again.headers.get('x-error-code'), 'BlobCorrupt');
    });

    it('checks range requests too: a range over a rotted block is refused, one elsewhere is served', async () => {
      const big = new Uint8Array(3 << 20).map((_, i) => (i * 5) & 0xff);
      const sha = sha256Hex(big);
      const rev = await zoo.publish('acme/ranged', { ...files, 'big.bin': big }, { token: writer, card });
      await rotInPlace(zoo, sha, (2 << 20) + 5);
      const url = `/acme/ranged/resolve/${rev}/big.bin`;
      const clean = await zoo.request(url, { headers: { Range: 'bytes=100-199' } });
      assert.equal(clean.status, 206);
      assert.deepEqual(new Uint8Array(await clean.arrayBuffer()), big.subarray(100, 200));
      const damaged = await zoo.request(url, {
        headers: { Range: `bytes=${(2 << 20) + 1}-${(2 << 20) + 9}` },
      });
      assert.equal(damaged.status, 500);
      assert.equal(damaged.headers.get('x-error-code'), 'BlobCorrupt');
      assert.equal((await readdir(join(zoo.dataDir, 'quarantine'))).length, 1);
    });

    it('answers 500 BlobCorrupt, not a 200, when a blob smaller than a read chunk rotted', async () => {
      await rotInPlace(zoo, configSha, 0);
      const res = await zoo.request(`/acme/rot/resolve/${revision}/config.json`);
      assert.equal(res.status, 500);
      assert.equal(res.headers.get('x-error-code'), 'BlobCorrupt');
    });
  });

  describe(`gc (${backend})`, () => {
    it('removes blobs no revision names once they are older than the grace period, and keeps the rest', async () => {
      const zoo = await startZoo({ backend });
      try {
        const writer = await zoo.token('write:acme');
        const { files, card } = backboneRevision();
        await zoo.publish('acme/kept', files, { token: writer, card });
        const upload = async (text: string) => {
          const bytes = new TextEncoder().encode(text);
          const sha256 = sha256Hex(bytes);
          await zoo.request('/api/v1/models/acme/kept/uploads', {
            method: 'POST',
            token: writer,
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ files: [{ path: 'x.bin', sha256, size: bytes.length }] }),
          });
          const put = await zoo.request(`/api/v1/uploads/${sha256}`, {
            method: 'PUT',
            token: writer,
            body: bytes,
          });
          assert.equal(put.status, 201);
          return sha256;
        };
        const orphan = await upload('a push whose commit never came');
        const fresh = await upload('a push whose commit is still to come');
        const twoDaysAgo = new Date(Date.now() - 48 * 3600_000);
        await utimes(join(zoo.dataDir, 'blobs', 'sha256', orphan), twoDaysAgo, twoDaysAgo);
        const integrity = new BlobIntegrity(zoo.stores.blobs, zoo.stores.meta, () => {});
        const removed = await integrity.collectGarbage({ olderThanMs: 24 * 3600_000 });
        assert.deepEqual(removed, [orphan]);
        const left = await readdir(join(zoo.dataDir, 'blobs', 'sha256'));
        assert.deepEqual(left.sort(), [...Object.values(files).map((b) => sha256Hex(b)), fresh].sort());
        assert.equal(await zoo.stores.meta.getBlob(orphan as never), null);
        const clean = await integrity.check({ full: true });
        assert.deepEqual([clean.corrupt, clean.missing], [[], []]);
      } finally {
        await zoo.close();
      }
    });
  });

  /** The zoo's leaderboards with the HD-map case's ground truth installed. */
  async function withMapGroundTruth(zoo: ZooFixture) {
    const boards = zoo.leaderboards as NonNullable<ZooFixture['leaderboards']>;
    const hdmap = await boards.store.getBenchmark('nuscenes-hdmap@v1');
    assert.ok(hdmap);
    const gtFile = join(zoo.dataDir, 'map-gt.json');
    await writeFile(gtFile, JSON.stringify(mapCase().gt));
    return { boards, hdmap, gt: await boards.groundTruth.install(hdmap, gtFile) };
  }

  describe(`the leaderboards' blobs: gc and integrity (${backend})`, () => {
    it('keeps the blobs of installed ground truth and of submissions not yet scored, and removes a released one', async () => {
      const zoo = await startZoo({ backend, boards: { quota: null } });
      try {
        const { boards, hdmap, gt } = await withMapGroundTruth(zoo);
        for (const id of ['sub_waiting', 'sub_scored']) {
          await boards.store.createSubmission(
            { id, benchmark: hdmap.id, name: id, submittedBy: 'tok' },
            null,
          );
          await storeBody(boards, id, `the body of ${id}`);
        }
        await boards.discard('sub_scored');
        const integrity = new BlobIntegrity(zoo.stores.blobs, zoo.stores.meta, () => {});
        const removed = await integrity.collectGarbage({ olderThanMs: 0 });
        assert.deepEqual(removed, [sha256Hex('the body of sub_scored')]);
        for (const kept of [gt.files[0].sha256, sha256Hex('the body of sub_waiting')]) {
          assert.ok(await zoo.stores.blobs.stat(kept as never), kept);
        }
      } finally {
        await zoo.close();
      }
    });

    it('fails a submission whose stored body rotted before it was scored, and quarantines the body', async () => {
      const zoo = await startZoo({ backend, boards: { quota: null } });
      try {
        const { boards, hdmap } = await withMapGroundTruth(zoo);
        const created = await boards.store.createSubmission(
          { id: 'sub_rotten', benchmark: hdmap.id, name: 'rotten', submittedBy: 'tok' },
          null,
        );
        assert.equal(created.kind, 'created');
        const body = JSON.stringify(mapCase().results);
        await storeBody(boards, 'sub_rotten', body);
        await rotInPlace(zoo, sha256Hex(body), 10);
        await boards.enqueue(created.submission);
        const failed = await boards.store.getSubmission('sub_rotten');
        assert.equal(failed?.status, 'failed');
        assert.match(failed?.errors[0].rule ?? '', /reading it from the blob store failed: .*damaged/);
        assert.equal((await readdir(join(zoo.dataDir, 'quarantine'))).length, 1);
      } finally {
        await zoo.close();
      }
    });
  });

  describe(`periodic scrub (${backend})`, () => {
    it('finds and quarantines a rotted blob nobody downloads', async () => {
      const zoo = await startZoo({ backend, scrubIntervalMs: 50 });
      try {
        const { files, card } = backboneRevision();
        await zoo.publish('acme/idle', files, { token: await zoo.token('write:acme'), card });
        const sha = sha256Hex(files['backbone.onnx']);
        await rotInPlace(zoo, sha, 3);
        await waitFor('the scrub', async () =>
          (await readdir(zoo.dataDir)).includes('quarantine')
            ? (await readdir(join(zoo.dataDir, 'quarantine'))).length === 1
            : false,
        );
      } finally {
        await zoo.close();
      }
    });
  });
}
