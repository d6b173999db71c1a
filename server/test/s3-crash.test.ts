import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { BlobIntegrity } from '../src/blob-integrity.ts';
import type { Sha256Hex } from '../src/names.ts';
import { S3BlobStore } from '../src/storage/s3-blob-store.ts';
import { killServer, spawnServerWithWriter, startCutUpload, waitFor } from './helpers/spawned-server.ts';
import { type TestS3, testS3 } from './helpers/test-s3.ts';
import { sha256Hex, startZoo } from './helpers/zoo-fixture.ts';

const MiB = 2 ** 20;

describe('kill -9 of a server during an upload to S3', function () {
  this.timeout(120_000);
  let s3: TestS3;

  beforeEach(async function () {
    const found = await testS3();
    if ('skip' in found) {
      console.log(`      skipped: ${found.skip}`);
      this.skip();
    }
    s3 = found;
  });
  afterEach(async () => s3?.close());

  it('loses no uploaded part: a restarted server continues the resumable upload, and nothing was visible before', async () => {
    const { dataDir, token, child, url } = await spawnServerWithWriter(
      'mim4d-zoo-s3-crash-',
      ['--blob-store', s3.url],
      s3.env,
    );
    const big = randomBytes(20 * MiB);
    const bigSha = sha256Hex(big) as Sha256Hex;
    const spec = { sha256: bigSha, sizeBytes: big.length };
    const patch = await startCutUpload(url, token, big, 'PATCH', 12 * MiB);
    const observer = new S3BlobStore(s3.client, s3.location);
    await waitFor(async () => (await observer.partialLength(spec)) > 0, 'the first part in the object store');
    await killServer(child, patch);

    const zoo = await startZoo({ dataDir, blobs: new S3BlobStore(s3.client, s3.location) });
    try {
      assert.equal(zoo.running.startupCheck.incompleteRemoved, 0, 'the partial upload is kept for a resume');
      assert.equal(await observer.stat(bigSha), null);
      const held = await zoo.request(`/api/v1/uploads/${bigSha}`, {
        method: 'HEAD',
        token,
        headers: { 'Upload-Length': String(big.length) },
      });
      const offset = Number(held.headers.get('Upload-Offset'));
      assert.equal(offset, 8 * MiB, 'the part uploaded before the kill');
      const rest = await zoo.request(`/api/v1/uploads/${bigSha}`, {
        method: 'PATCH',
        token,
        headers: { 'Upload-Offset': String(offset), 'Upload-Length': String(big.length) },
        body: big.subarray(offset),
      });
      assert.equal(rest.status, 201);
      const fsck = await new BlobIntegrity(observer, zoo.stores.meta, () => {}).check({ full: true });
      assert.deepEqual([fsck.corrupt, fsck.missing], [[], []]);
      assert.ok((await observer.readAll(bigSha)).equals(big));
    } finally {
      await zoo.close();
    }
  });

  it('shows nothing of a plain upload cut by the kill, and takes the upload again', async () => {
    const { dataDir, token, child, url } = await spawnServerWithWriter(
      'mim4d-zoo-s3-crash-put-',
      ['--blob-store', s3.url],
      s3.env,
    );
    const big = randomBytes(10 * MiB);
    const bigSha = sha256Hex(big) as Sha256Hex;
    const put = await startCutUpload(url, token, big, 'PUT', 9 * MiB);
    const observer = new S3BlobStore(s3.client, s3.location);
    // The first part is in the unfinished multipart upload once the server asks for the rest of the body.
    await new Promise((r) => setTimeout(r, 500));
    await killServer(child, put);

    const zoo = await startZoo({ dataDir, blobs: new S3BlobStore(s3.client, s3.location) });
    try {
      assert.equal(await observer.stat(bigSha), null);
      const redo = await zoo.request(`/api/v1/uploads/${bigSha}`, { method: 'PUT', token, body: big });
      assert.equal(redo.status, 201);
      assert.ok((await observer.readAll(bigSha)).equals(big));
    } finally {
      await zoo.close();
    }
  });
});
