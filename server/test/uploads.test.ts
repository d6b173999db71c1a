import assert from 'node:assert/strict';
import type { Sha256Hex } from '../src/names.ts';
import { backboneRevision } from './helpers/backbone-files.ts';
import { rawRequest } from './helpers/raw-http.ts';
import { type StoredState, storedState } from './helpers/stored-state.ts';
import { type TestS3, testS3 } from './helpers/test-s3.ts';
import { STORAGE_SETUPS, sha256Hex, startZoo, type ZooFixture } from './helpers/zoo-fixture.ts';

async function declare(
  zoo: ZooFixture,
  token: string,
  files: { path: string; sha256: string; size: number }[],
) {
  return zoo.request('/api/v1/models/acme/upl/uploads', {
    method: 'POST',
    token,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ files }),
  });
}

for (const { backend, blobs } of STORAGE_SETUPS) {
  describe(`uploads (${backend}, ${blobs})`, () => {
    let zoo: ZooFixture;
    let writer: string;
    let s3: TestS3 | undefined;
    let stored: StoredState;
    const storedBlobs = () => stored.blobs();
    const tempFiles = () => stored.unfinishedWrites();

    before(async function () {
      if (blobs === 's3') {
        const found = await testS3();
        if ('skip' in found) this.skip();
        s3 = found as TestS3;
      }
      zoo = await startZoo({
        backend,
        maxUploadBytes: 1 << 20,
        maxJsonBytes: 64 << 10,
        ...(s3 ? { s3 } : {}),
      });
      stored = storedState(zoo, s3);
      writer = await zoo.token('write:acme');
    });
    after(async () => {
      await zoo?.close();
      await s3?.close();
    });

    it('tells which blobs are new, stores a verified upload, then reports it as existing', async () => {
      const bytes = new TextEncoder().encode('weights v1');
      const spec = { path: 'w.bin', sha256: sha256Hex(bytes), size: bytes.length };
      const first = await declare(zoo, writer, [spec]);
      assert.equal(first.status, 200);
      assert.deepEqual(await first.json(), {
        files: [{ ...spec, exists: false, uploadUrl: `/api/v1/uploads/${spec.sha256}` }],
      });
      const put = await zoo.request(`/api/v1/uploads/${spec.sha256}`, {
        method: 'PUT',
        token: writer,
        body: bytes,
      });
      assert.equal(put.status, 201);
      assert.deepEqual(await put.json(), { sha256: spec.sha256, size: bytes.length, created: true });
      assert.deepEqual(
        ((await (await declare(zoo, writer, [spec])).json()) as { files: { exists: boolean }[] }).files[0]
          .exists,
        true,
      );
      assert.ok((await storedBlobs()).includes(spec.sha256));
    });

    it('rejects bytes that do not hash to the declared sha256 with 422 and keeps nothing', async () => {
      const declared = new TextEncoder().encode('the real checkpoint');
      const tampered = new TextEncoder().encode('the fake checkpoint');
      const sha = sha256Hex(declared);
      await declare(zoo, writer, [{ path: 'c.bin', sha256: sha, size: declared.length }]);
      const res = await zoo.request(`/api/v1/uploads/${sha}`, {
        method: 'PUT',
        token: writer,
        body: tampered,
      });
      assert.equal(res.status, 422);
      assert.equal(res.headers.get('x-error-code'), 'DigestMismatch');
      assert.match(((await res.json()) as { detail: string }).detail, new RegExp(sha256Hex(tampered)));
      assert.ok(!(await storedBlobs()).includes(sha));
      assert.deepEqual(await tempFiles(), []);
      const blob = await zoo.request(`/api/v1/blobs/sha256/${sha}`);
      assert.equal(blob.status, 404);
    });

    it('rejects a Content-Length other than the declared size, and undeclared or unsized uploads', async () => {
      const bytes = new TextEncoder().encode('sized');
      const sha = sha256Hex(bytes);
      await declare(zoo, writer, [{ path: 's.bin', sha256: sha, size: bytes.length }]);
      const longer = await zoo.request(`/api/v1/uploads/${sha}`, {
        method: 'PUT',
        token: writer,
        body: new Uint8Array(9),
      });
      assert.equal(longer.status, 422);
      assert.equal(longer.headers.get('x-error-code'), 'SizeMismatch');
      const other = sha256Hex('never declared');
      const undeclared = await zoo.request(`/api/v1/uploads/${other}`, {
        method: 'PUT',
        token: writer,
        body: bytes,
      });
      assert.equal(undeclared.status, 404);
      assert.equal(undeclared.headers.get('x-error-code'), 'UploadNotDeclared');
      const chunked = await rawRequest(
        zoo.url,
        'PUT',
        `/api/v1/uploads/${sha}`,
        {
          Authorization: `Bearer ${writer}`,
          'Transfer-Encoding': 'chunked',
        },
        Buffer.from(bytes),
      );
      assert.equal(chunked.status, 411);
      assert.deepEqual(await tempFiles(), []);
    });

    it('answers oversized declarations, uploads and JSON bodies with 413', async () => {
      const big = await declare(zoo, writer, [
        { path: 'big.bin', sha256: sha256Hex('x'), size: (1 << 20) + 1 },
      ]);
      assert.equal(big.status, 413);
      assert.equal(big.headers.get('x-error-code'), 'PayloadTooLarge');
      const put = await zoo
        .request(`/api/v1/uploads/${sha256Hex('y')}`, {
          method: 'PUT',
          token: writer,
          body: new Uint8Array((1 << 20) + 1),
        })
        .catch((error: Error) => error);
      // The server answers before reading the body and closes the connection; fetch may see either.
      if (put instanceof Response) assert.equal(put.status, 413);
      const hugeJson = await zoo.request('/api/v1/models/acme/upl/commits', {
        method: 'POST',
        token: writer,
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ padding: 'x'.repeat(70 << 10) }),
      });
      assert.equal(hugeJson.status, 413);
      assert.equal((await zoo.request('/api/v1/models')).status, 200, 'still serving');
    });

    it('rejects malformed declarations with the index of the bad entry', async () => {
      const cases: [unknown, number, RegExp][] = [
        [[{ path: '../etc/passwd', sha256: sha256Hex('a'), size: 1 }], 422, /files\[0\]\.path/],
        [[{ path: 'ok.bin', sha256: 'XYZ', size: 1 }], 400, /files\[0\]\.sha256/],
        [
          [
            { path: 'a.bin', sha256: sha256Hex('a'), size: 1 },
            { path: 'a.bin', sha256: sha256Hex('a'), size: 1 },
          ],
          422,
          /listed twice/,
        ],
        [[{ path: 'n.bin', sha256: sha256Hex('a'), size: -1 }], 422, /files\[0\]\.size/],
        [[], 422, /files must be/],
      ];
      for (const [files, status, detail] of cases) {
        const res = await declare(zoo, writer, files as never);
        assert.equal(res.status, status, JSON.stringify(files));
        assert.match(((await res.json()) as { detail: string }).detail, detail);
      }
      const notJson = await zoo.request('/api/v1/models/acme/upl/uploads', {
        method: 'POST',
        token: writer,
        headers: { 'Content-Type': 'application/json' },
        body: '{"files": [',
      });
      assert.equal(notJson.status, 400);
      assert.equal(notJson.headers.get('x-error-code'), 'MalformedJson');
    });

    it('stores one blob when many clients upload it at once, while others download the model', async () => {
      const { files, card } = backboneRevision({ depth: 101 });
      const revision = await zoo.publish('acme/shared', files, { token: writer, card });
      const payload = new Uint8Array(256 << 10).map((_, i) => (i * 31) % 251);
      const sha = sha256Hex(payload);
      await declare(zoo, writer, [{ path: 'big.bin', sha256: sha, size: payload.length }]);
      const uploads = Array.from({ length: 6 }, () =>
        zoo.request(`/api/v1/uploads/${sha}`, { method: 'PUT', token: writer, body: payload }),
      );
      const downloads = Array.from({ length: 12 }, () =>
        zoo.request(`/acme/shared/resolve/${revision}/backbone.onnx`),
      );
      const [up, down] = await Promise.all([Promise.all(uploads), Promise.all(downloads)]);
      assert.ok(
        up.every((r) => r.status === 200 || r.status === 201),
        up.map((r) => r.status).join(),
      );
      assert.ok(up.some((r) => r.status === 201));
      for (const r of down) {
        assert.equal(r.status, 200);
        assert.equal(sha256Hex(new Uint8Array(await r.arrayBuffer())), sha256Hex(files['backbone.onnx']));
      }
      assert.equal(sha256Hex(await zoo.stores.blobs.readAll(sha as Sha256Hex)), sha);
      assert.deepEqual(await tempFiles(), []);
    });
  });
}
