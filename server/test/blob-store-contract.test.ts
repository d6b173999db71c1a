import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Sha256Hex } from '../src/names.ts';
import { BlobCorruptError, BlobMismatchError, type BlobSpec } from '../src/storage/blob-store.ts';
import { BLOB_BACKENDS, type BlobStoreUnderTest } from './helpers/blob-backends.ts';

const MiB = 2 ** 20;
const specOf = (bytes: Uint8Array): BlobSpec => ({
  sha256: createHash('sha256').update(bytes).digest('hex') as Sha256Hex,
  sizeBytes: bytes.length,
});

/** A body that delivers `bytes` in chunks of `chunk` bytes, then fails (a dropped connection) if `thenFail`. */
function body(bytes: Uint8Array, options: { chunk?: number; thenFail?: boolean } = {}): Readable {
  const chunk = options.chunk ?? 256 * 1024;
  return Readable.from(
    (async function* () {
      for (let at = 0; at < bytes.length; at += chunk) yield Buffer.from(bytes.subarray(at, at + chunk));
      if (options.thenFail) throw new Error('connection reset');
    })(),
  );
}

async function readBack(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

async function listed(t: BlobStoreUnderTest): Promise<string[]> {
  const names: string[] = [];
  for await (const sha256 of t.store.list()) names.push(sha256);
  return names;
}

/**
 * The BlobStore contract, once per backend: a blob is visible only once complete and verified, nothing is kept of
 * a mismatch, resumable uploads survive failures and restarts, and reads fail before handing out changed bytes.
 * Sizes cross the object store's part boundaries (8 MiB parts, 5 MiB minimum but the last).
 */
for (const backend of BLOB_BACKENDS) {
  describe(`blob store contract: ${backend.name}`, function () {
    this.timeout(60_000);
    let t: BlobStoreUnderTest;

    beforeEach(async function () {
      const opened = await backend.open();
      if ('skip' in opened) {
        console.log(`      skipped: ${opened.skip}`);
        this.skip();
      }
      t = opened;
    });
    afterEach(async () => t?.close());

    it('stores a verified blob of several parts and reads back the same bytes, whole and by range', async () => {
      const bytes = randomBytes(9 * MiB + 5);
      const spec = specOf(bytes);
      assert.deepEqual(await t.store.putVerified(body(bytes), spec), { created: true });
      assert.equal((await t.store.stat(spec.sha256))?.sizeBytes, bytes.length);
      assert.deepEqual(await listed(t), [spec.sha256]);
      assert.ok((await readBack(t.store.readStream(spec.sha256))).equals(bytes));
      const range = { start: MiB - 3, end: 8 * MiB + 2 };
      assert.ok(
        (await readBack(t.store.readStream(spec.sha256, range))).equals(
          bytes.subarray(range.start, range.end + 1),
        ),
      );
      assert.deepEqual(await t.store.putVerified(body(bytes), spec), { created: false });
    });

    it('keeps nothing of an upload whose bytes do not match the declared sha256 or size', async () => {
      const bytes = randomBytes(9 * MiB);
      const spec = specOf(bytes);
      const other = Buffer.from(bytes);
      other[5] ^= 1;
      await assert.rejects(
        t.store.putVerified(body(other), spec),
        (e: BlobMismatchError) => e.kind === 'DigestMismatch',
      );
      await assert.rejects(
        t.store.putVerified(body(bytes.subarray(1)), spec),
        (e: BlobMismatchError) => e.kind === 'SizeMismatch',
      );
      await assert.rejects(
        t.store.putVerified(body(Buffer.concat([bytes, Buffer.from('x')])), spec),
        (e: BlobMismatchError) => e.kind === 'SizeMismatch',
      );
      assert.equal(await t.store.stat(spec.sha256), null);
      assert.deepEqual(await listed(t), []);
      assert.equal(await t.store.removeIncomplete(), 0);
    });

    it('stores the empty blob', async () => {
      const spec = specOf(Buffer.alloc(0));
      assert.deepEqual(await t.store.putVerified(body(Buffer.alloc(0)), spec), { created: true });
      assert.equal((await t.store.stat(spec.sha256))?.sizeBytes, 0);
      assert.equal((await readBack(t.store.readStream(spec.sha256))).length, 0);
    });

    it('takes a resumable upload in appends of any size, invisible until the last one verifies it', async () => {
      const bytes = randomBytes(11 * MiB + 7);
      const spec = specOf(bytes);
      const cuts = [1, 3 * MiB, 8 * MiB + 1, 9 * MiB, bytes.length];
      let offset = 0;
      for (const cut of cuts) {
        assert.equal(await t.store.partialLength(spec), offset);
        const progress = await t.store.appendPartial(body(bytes.subarray(offset, cut)), spec, offset);
        offset = cut;
        assert.equal(progress.offset, offset);
        assert.equal(progress.complete, offset === bytes.length);
        if (!progress.complete) assert.equal(await t.store.stat(spec.sha256), null);
      }
      assert.equal(await t.store.partialLength(spec), 0);
      assert.ok((await t.store.readAll(spec.sha256)).equals(bytes));
      assert.ok((await readBack(t.store.readStream(spec.sha256))).equals(bytes));
    });

    it('keeps the bytes of an append whose connection dropped, and continues after a restart', async () => {
      const bytes = randomBytes(12 * MiB + 3);
      const spec = specOf(bytes);
      const sent = 9 * MiB + 11;
      await assert.rejects(
        t.store.appendPartial(body(bytes.subarray(0, sent), { thenFail: true }), spec, 0),
        /connection reset/,
      );
      const restarted = await t.reopen();
      // A store may lose the chunk in flight when the connection dropped, no more.
      const held = await restarted.partialLength(spec);
      assert.ok(held > sent - 256 * 1024 && held <= sent, `${held} bytes held of ${sent} sent`);
      const done = await restarted.appendPartial(body(bytes.subarray(held)), spec, held);
      assert.deepEqual(done, { offset: bytes.length, complete: true, created: true });
      assert.ok((await restarted.readAll(spec.sha256)).equals(bytes));
    });

    it('discards a resumable upload whose completed bytes do not hash to its name', async () => {
      const bytes = randomBytes(10 * MiB);
      const spec = specOf(bytes);
      await t.store.appendPartial(body(bytes.subarray(0, 9 * MiB)), spec, 0);
      const wrong = Buffer.from(bytes.subarray(9 * MiB));
      wrong[0] ^= 1;
      await assert.rejects(t.store.appendPartial(body(wrong), spec, 9 * MiB), BlobMismatchError);
      assert.equal(await t.store.partialLength(spec), 0);
      assert.equal(await t.store.stat(spec.sha256), null);
      assert.equal(await t.store.removeIncomplete(), 0);
    });

    it('clears a resumable upload whose blob was stored meanwhile by another upload', async () => {
      const bytes = randomBytes(2 * MiB);
      const spec = specOf(bytes);
      await t.store.appendPartial(body(bytes.subarray(0, MiB)), spec, 0);
      await t.store.putVerified(body(bytes), spec);
      assert.equal(await t.store.removeIncomplete(), 1);
      assert.equal(await t.store.partialLength(spec), 0);
    });

    it('fails a read of changed bytes before handing out any, and quarantines on request', async () => {
      const bytes = randomBytes(3 * MiB);
      const spec = specOf(bytes);
      await t.store.putVerified(body(bytes), spec);
      const before = await t.store.stat(spec.sha256);
      const damaged = Buffer.from(bytes);
      damaged[2 * MiB + 1] ^= 0x40;
      await t.tamper(spec.sha256, damaged);
      assert.notEqual((await t.store.stat(spec.sha256))?.fingerprint, before?.fingerprint);
      const received: Buffer[] = [];
      await assert.rejects(
        (async () => {
          for await (const chunk of t.store.readStream(spec.sha256, { start: 2 * MiB, end: 3 * MiB - 1 }))
            received.push(chunk);
        })(),
        BlobCorruptError,
      );
      assert.deepEqual(received, []);
      assert.notEqual((await t.store.rehash(spec.sha256)).sha256, spec.sha256);
      await t.store.quarantine(spec.sha256);
      assert.equal(await t.store.stat(spec.sha256), null);
      assert.deepEqual(await listed(t), []);
    });

    it('renews the block sums of an unchanged blob on rehash, under the fingerprint it then has', async () => {
      const bytes = randomBytes(MiB + 1);
      const spec = specOf(bytes);
      await t.store.putVerified(body(bytes), spec);
      const rehashed = await t.store.rehash(spec.sha256);
      assert.equal(rehashed.sha256, spec.sha256);
      assert.equal(rehashed.fingerprint, (await t.store.stat(spec.sha256))?.fingerprint);
    });

    it('removes a blob', async () => {
      const bytes = randomBytes(1000);
      const spec = specOf(bytes);
      await t.store.putVerified(body(bytes), spec);
      await t.store.remove(spec.sha256);
      assert.equal(await t.store.stat(spec.sha256), null);
      await t.store.remove(spec.sha256);
    });
  });
}
