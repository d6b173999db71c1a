import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { utimes } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { BlobIntegrity } from '../src/blob-integrity.ts';
import type { Sha256Hex } from '../src/names.ts';
import { type StoredState, storedState } from './helpers/stored-state.ts';
import { type TestS3, testS3 } from './helpers/test-s3.ts';
import { STORAGE_SETUPS, sha256Hex, startZoo, type ZooFixture } from './helpers/zoo-fixture.ts';

for (const { backend, blobs } of STORAGE_SETUPS) {
  describe(`resumable uploads (HEAD for the offset, PATCH to append) (${backend}, ${blobs})`, () => {
    let zoo: ZooFixture;
    let writer: string;
    let s3: TestS3 | undefined;
    let stored: StoredState;
    const storedBlobs = () => stored.blobs();
    const partials = () => stored.partialUploads();

    before(async function () {
      if (blobs === 's3') {
        const found = await testS3();
        if ('skip' in found) this.skip();
        s3 = found as TestS3;
      }
      zoo = await startZoo({ backend, ...(s3 ? { s3 } : {}) });
      stored = storedState(zoo, s3);
      writer = await zoo.token('write:acme');
    });
    after(async () => {
      await zoo?.close();
      await s3?.close();
    });

    const declared = async (bytes: Uint8Array) => {
      const sha256 = sha256Hex(bytes);
      const res = await zoo.request('/api/v1/models/acme/resume/uploads', {
        method: 'POST',
        token: writer,
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ files: [{ path: 'w.bin', sha256, size: bytes.length }] }),
      });
      assert.equal(res.status, 200);
      return sha256;
    };
    const head = async (sha256: string, size: number) => {
      const res = await zoo.request(`/api/v1/uploads/${sha256}`, {
        method: 'HEAD',
        token: writer,
        headers: { 'Upload-Length': String(size) },
      });
      return {
        status: res.status,
        offset: Number(res.headers.get('Upload-Offset')),
        complete: res.headers.get('Upload-Complete'),
      };
    };
    const patch = (sha256: string, size: number, offset: number, chunk: Uint8Array) =>
      zoo.request(`/api/v1/uploads/${sha256}`, {
        method: 'PATCH',
        token: writer,
        headers: { 'Upload-Offset': String(offset), 'Upload-Length': String(size) },
        body: chunk,
      });

    it('appends chunks at the offset the server holds and publishes the blob with the last one', async () => {
      const bytes = new Uint8Array(randomBytes(300_000));
      const sha256 = await declared(bytes);
      assert.deepEqual(await head(sha256, bytes.length), { status: 204, offset: 0, complete: '?0' });

      const first = await patch(sha256, bytes.length, 0, bytes.subarray(0, 100_000));
      assert.equal(first.status, 204);
      assert.equal(first.headers.get('Upload-Offset'), '100000');
      assert.deepEqual(await head(sha256, bytes.length), { status: 204, offset: 100_000, complete: '?0' });
      assert.ok(!(await storedBlobs()).includes(sha256), 'no blob is visible before the last byte');

      const stale = await patch(sha256, bytes.length, 0, bytes.subarray(0, 100_000));
      assert.equal(stale.status, 409);
      assert.equal(stale.headers.get('X-Error-Code'), 'OffsetMismatch');
      assert.equal(stale.headers.get('Upload-Offset'), '100000');

      const last = await patch(sha256, bytes.length, 100_000, bytes.subarray(100_000));
      assert.equal(last.status, 201);
      assert.deepEqual(await head(sha256, bytes.length), {
        status: 204,
        offset: bytes.length,
        complete: '?1',
      });
      assert.equal(sha256Hex(await zoo.stores.blobs.readAll(sha256 as Sha256Hex)), sha256);
      assert.deepEqual(await partials(), []);
    });

    /** A PATCH of all of `bytes` that sends only the first MiB and then goes silent, its connection left open. */
    const stalledPatch = (sha256: string, bytes: Uint8Array) => {
      const cut = httpRequest(new URL(`${zoo.url}/api/v1/uploads/${sha256}`), {
        method: 'PATCH',
        headers: {
          Authorization: `Bearer ${writer}`,
          'Content-Length': String(bytes.length),
          'Upload-Offset': '0',
          'Upload-Length': String(bytes.length),
        },
      });
      cut.on('error', () => {});
      const closed = new Promise((resolve) => cut.on('close', resolve));
      cut.write(bytes.subarray(0, 1 << 20));
      return closed;
    };

    it('keeps the bytes of a stalled PATCH, and a newer PATCH from the held offset takes over', async function () {
      // The object store keeps the bytes after its last full part only when a connection ends (see below).
      if (s3) this.skip();
      const bytes = new Uint8Array(randomBytes(4 << 20));
      const sha256 = await declared(bytes);
      const cutClosed = stalledPatch(sha256, bytes);
      let held = 0;
      while (held < 1 << 20) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        held = (await head(sha256, bytes.length)).offset;
      }
      const after = await head(sha256, bytes.length);
      assert.equal(after.offset, 1 << 20, 'exactly the bytes that arrived are held');
      // The first connection is still open (a client that gave up on it, a network that went silent).
      const rest = await patch(sha256, bytes.length, after.offset, bytes.subarray(after.offset));
      assert.equal(rest.status, 201);
      await cutClosed; // the server closed the stalled connection; this side never did
      assert.ok((await storedBlobs()).includes(sha256));
      assert.equal((await zoo.request('/api/v1/models')).status, 200, 'the server kept serving');
    });

    it('keeps the bytes of a stalled PATCH once a newer PATCH cuts it, and says where to continue', async function () {
      if (!s3) this.skip();
      const bytes = new Uint8Array(randomBytes(4 << 20));
      const sha256 = await declared(bytes);
      const cutClosed = stalledPatch(sha256, bytes);
      // Below one part, nothing is held while the connection stays open.
      assert.equal((await head(sha256, bytes.length)).offset, 0);
      await new Promise((resolve) => setTimeout(resolve, 500));
      const retried = await patch(sha256, bytes.length, 0, bytes);
      await cutClosed;
      // The stalled PATCH's bytes were kept when it was cut, so the server names the offset to continue from.
      assert.equal(retried.status, 409, await retried.clone().text());
      const held = Number(retried.headers.get('Upload-Offset'));
      assert.ok(held > 0 && held <= 1 << 20, `held ${held}`);
      assert.equal((await head(sha256, bytes.length)).offset, held);
      const rest = await patch(sha256, bytes.length, held, bytes.subarray(held));
      assert.equal(rest.status, 201);
      assert.equal(sha256Hex(await zoo.stores.blobs.readAll(sha256 as Sha256Hex)), sha256);
    });

    it('refuses a completed upload whose bytes do not hash to the declared sha256, keeping nothing', async () => {
      const bytes = new Uint8Array(randomBytes(50_000));
      const sha256 = await declared(bytes);
      assert.equal((await patch(sha256, bytes.length, 0, bytes.subarray(0, 20_000))).status, 204);
      const tampered = bytes.slice(20_000);
      tampered[0] ^= 1;
      const refused = await patch(sha256, bytes.length, 20_000, tampered);
      assert.equal(refused.status, 422);
      assert.equal(refused.headers.get('X-Error-Code'), 'DigestMismatch');
      assert.deepEqual(await head(sha256, bytes.length), { status: 204, offset: 0, complete: '?0' });
      assert.ok(!(await storedBlobs()).includes(sha256));
      const overrun = await patch(sha256, bytes.length, 0, new Uint8Array(bytes.length + 1));
      assert.equal(overrun.status, 422);
      assert.equal(overrun.headers.get('X-Error-Code'), 'SizeMismatch');
      assert.deepEqual(await partials(), []);
    });

    it('keeps fresh partial uploads at start-up, and removes week-old ones and those whose blob is stored', async function () {
      // The object store dates its objects itself: a week-old upload cannot be made here.
      if (s3) this.skip();
      const fresh = new Uint8Array(randomBytes(10_000));
      const stale = new Uint8Array(randomBytes(10_000));
      const done = new Uint8Array(randomBytes(10_000));
      for (const bytes of [fresh, stale, done]) {
        const sha256 = await declared(bytes);
        assert.equal((await patch(sha256, bytes.length, 0, bytes.subarray(0, 4000))).status, 204);
      }
      const weekAgo = new Date(Date.now() - 8 * 24 * 3600 * 1000);
      await utimes(join(zoo.dataDir, 'uploads', `${sha256Hex(stale)}-${stale.length}`), weekAgo, weekAgo);
      const put = await zoo.request(`/api/v1/uploads/${sha256Hex(done)}`, {
        method: 'PUT',
        token: writer,
        body: done,
      });
      assert.equal(put.status, 201);

      const report = await new BlobIntegrity(zoo.stores.blobs, zoo.stores.meta, () => {}).check({
        full: false,
      });
      assert.equal(report.incompleteRemoved, 2);
      assert.deepEqual(await partials(), [`${sha256Hex(fresh)}-${fresh.length}`]);
      assert.equal((await head(sha256Hex(fresh), fresh.length)).offset, 4000);
    });

    it('needs a write token, a declared size and the offset headers', async () => {
      const bytes = new Uint8Array(randomBytes(1000));
      const sha256 = await declared(bytes);
      const anonymous = await zoo.request(`/api/v1/uploads/${sha256}`, {
        method: 'HEAD',
        headers: { 'Upload-Length': '1000' },
      });
      assert.equal(anonymous.status, 401);
      assert.equal((await head(sha256, 999)).status, 422, 'a size other than the declared one');
      assert.equal((await head('a'.repeat(64), 5)).status, 404, 'an undeclared blob');
      const noOffset = await zoo.request(`/api/v1/uploads/${sha256}`, {
        method: 'PATCH',
        token: writer,
        headers: { 'Upload-Length': '1000' },
        body: bytes,
      });
      assert.equal(noOffset.status, 400);
      const noLength = await zoo.request(`/api/v1/uploads/${sha256}`, { method: 'HEAD', token: writer });
      assert.equal(noLength.status, 400);
    });
  });
}
