import assert from 'node:assert/strict';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { BlobIntegrity } from '../src/blob-integrity.ts';
import { backboneRevision } from './helpers/backbone-files.ts';
import { killServer, spawnServerWithWriter, startCutUpload, waitFor } from './helpers/spawned-server.ts';
import { publishTo, sha256Hex, startZoo } from './helpers/zoo-fixture.ts';

describe('kill -9 during an upload', () => {
  it('leaves a store with no partial blob, intact revisions, and an upload that can be redone', async () => {
    const { dataDir, token, child, url } = await spawnServerWithWriter('mim4d-zoo-crash-');
    const request = (path: string, init: RequestInit & { token?: string } = {}) =>
      fetch(`${url}${path}`, {
        ...init,
        headers: { Authorization: `Bearer ${init.token}`, ...init.headers },
      });
    const { files, card } = backboneRevision();
    const revision = await publishTo(request, 'acme/crash', files, { token, card });

    const big = new Uint8Array(8 << 20).map((_, i) => i % 253);
    const bigSha = sha256Hex(big);
    const put = await startCutUpload(url, token, big, 'PUT', 3 << 20);
    const tmp = join(dataDir, 'tmp');
    await waitFor(async () => {
      const names = await readdir(tmp);
      return names.length > 0 && (await stat(join(tmp, names[0]))).size > 0;
    }, 'the partial upload to reach the disk');
    await killServer(child, put);

    const zoo = await startZoo({ dataDir });
    try {
      assert.equal(zoo.running.startupCheck.incompleteRemoved, 1);
      assert.deepEqual(await readdir(tmp), []);
      assert.ok(!(await readdir(join(dataDir, 'blobs', 'sha256'))).includes(bigSha));
      for (const [path, bytes] of Object.entries(files)) {
        const res = await zoo.request(`/acme/crash/resolve/${revision}/${path}`);
        assert.equal(res.status, 200, path);
        assert.equal(sha256Hex(new Uint8Array(await res.arrayBuffer())), sha256Hex(bytes));
      }
      const fsck = await new BlobIntegrity(zoo.stores.blobs, zoo.stores.meta, () => {}).check({ full: true });
      assert.deepEqual([fsck.corrupt, fsck.missing, fsck.adopted], [[], [], []]);
      const redo = await zoo.request(`/api/v1/uploads/${bigSha}`, { method: 'PUT', token, body: big });
      assert.equal(redo.status, 201);
    } finally {
      await zoo.close();
    }
  });

  it('keeps the bytes a resumable upload had received, never as a visible blob, and lets the upload continue', async () => {
    const { dataDir, token, child, url } = await spawnServerWithWriter('mim4d-zoo-crash-resume-');
    const big = new Uint8Array(8 << 20).map((_, i) => (i * 7) % 251);
    const bigSha = sha256Hex(big);
    const patch = await startCutUpload(url, token, big, 'PATCH', 3 << 20);
    const partial = join(dataDir, 'uploads', `${bigSha}-${big.length}`);
    await waitFor(async () => (await stat(partial).catch(() => null))?.size === 3 << 20, 'the bytes on disk');
    await killServer(child, patch);

    const zoo = await startZoo({ dataDir });
    try {
      assert.equal(zoo.running.startupCheck.incompleteRemoved, 0, 'the partial upload is kept for a resume');
      assert.ok(!(await readdir(join(dataDir, 'blobs', 'sha256'))).includes(bigSha));
      const held = await zoo.request(`/api/v1/uploads/${bigSha}`, {
        method: 'HEAD',
        token,
        headers: { 'Upload-Length': String(big.length) },
      });
      const offset = Number(held.headers.get('Upload-Offset'));
      assert.equal(offset, 3 << 20);
      const rest = await zoo.request(`/api/v1/uploads/${bigSha}`, {
        method: 'PATCH',
        token,
        headers: { 'Upload-Offset': String(offset), 'Upload-Length': String(big.length) },
        body: big.subarray(offset),
      });
      assert.equal(rest.status, 201);
      const fsck = await new BlobIntegrity(zoo.stores.blobs, zoo.stores.meta, () => {}).check({ full: true });
      assert.deepEqual([fsck.corrupt, fsck.missing], [[], []]);
    } finally {
      await zoo.close();
    }
  });
});
