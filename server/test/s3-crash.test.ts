import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createToken } from '../src/auth/tokens.ts';
import { BlobIntegrity } from '../src/blob-integrity.ts';
import { openEmbeddedStores } from '../src/embedded-stores.ts';
import type { Sha256Hex } from '../src/names.ts';
import { S3BlobStore } from '../src/storage/s3-blob-store.ts';
import { spawnServer, waitFor } from './helpers/spawned-server.ts';
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
    const dataDir = await mkdtemp(join(tmpdir(), 'mim4d-zoo-s3-crash-'));
    const stores = await openEmbeddedStores(dataDir);
    const { secret: token, stored } = createToken(stores.meta, 'crash', ['write:acme']);
    await stored;
    await stores.meta.close();
    const { child, url } = await spawnServer(dataDir, ['--blob-store', s3.url], s3.env);

    const big = randomBytes(20 * MiB);
    const bigSha = sha256Hex(big) as Sha256Hex;
    const spec = { sha256: bigSha, sizeBytes: big.length };
    await fetch(`${url}/api/v1/models/acme/crash/uploads`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ files: [{ path: 'big.bin', sha256: bigSha, size: big.length }] }),
    });
    const patch = httpRequest(`${url}/api/v1/uploads/${bigSha}`, {
      method: 'PATCH',
      headers: {
        Authorization: `Bearer ${token}`,
        'Content-Length': String(big.length),
        'Upload-Offset': '0',
        'Upload-Length': String(big.length),
      },
    });
    patch.on('error', () => {});
    patch.write(big.subarray(0, 12 * MiB));
    const observer = new S3BlobStore(s3.client, s3.location);
    await waitFor(async () => (await observer.partialLength(spec)) > 0, 'the first part in the object store');
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    patch.destroy();

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
    const dataDir = await mkdtemp(join(tmpdir(), 'mim4d-zoo-s3-crash-put-'));
    const stores = await openEmbeddedStores(dataDir);
    const { secret: token, stored } = createToken(stores.meta, 'crash', ['write:acme']);
    await stored;
    await stores.meta.close();
    const { child, url } = await spawnServer(dataDir, ['--blob-store', s3.url], s3.env);

    const big = randomBytes(10 * MiB);
    const bigSha = sha256Hex(big) as Sha256Hex;
    await fetch(`${url}/api/v1/models/acme/crash/uploads`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ files: [{ path: 'big.bin', sha256: bigSha, size: big.length }] }),
    });
    const put = httpRequest(`${url}/api/v1/uploads/${bigSha}`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${token}`, 'Content-Length': String(big.length) },
    });
    put.on('error', () => {});
    put.write(big.subarray(0, 9 * MiB));
    const observer = new S3BlobStore(s3.client, s3.location);
    // The first part is in the unfinished multipart upload once the server asks for the rest of the body.
    await new Promise((r) => setTimeout(r, 500));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    put.destroy();

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
