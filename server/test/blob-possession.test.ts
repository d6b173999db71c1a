import assert from 'node:assert/strict';
import { backboneRevision } from './helpers/backbone-files.ts';
import { BACKENDS, sha256Hex, startZoo, type ZooFixture } from './helpers/zoo-fixture.ts';

/**
 * A blob's sha256 is no capability: knowing the hash and size of someone else's private weights must neither reveal
 * that the server holds them nor let a commit publish them. Only a caller who may read a model naming the blob, or
 * who uploaded its bytes, may use it without sending them.
 */
for (const backend of BACKENDS) {
  describe(`using a stored blob needs read access to a model naming it, or its bytes (${backend})`, () => {
    let zoo: ZooFixture;
    const { files, card } = backboneRevision();
    const secretWeights = new TextEncoder().encode('weights of a private model');
    const spec = { path: 'w.bin', sha256: sha256Hex(secretWeights), size: secretWeights.length };
    const json = { 'Content-Type': 'application/json' };
    const declare = (model: string, token: string) =>
      zoo.request(`/api/v1/models/${model}/uploads`, {
        method: 'POST',
        token,
        headers: json,
        body: JSON.stringify({ files: [spec] }),
      });
    const commitWithSecret = (model: string, token: string) =>
      zoo.request(`/api/v1/models/${model}/commits`, {
        method: 'POST',
        token,
        headers: json,
        body: JSON.stringify({
          parentRevision: null,
          card: { ...card, artifacts: [{ path: 'w.bin', format: 'other', role: 'weights' }] },
          files: [spec],
        }),
      });

    beforeEach(async () => {
      zoo = await startZoo({ backend });
      const owner = await zoo.token('write:secret');
      await zoo.publish(
        'secret/closed',
        { ...files, 'w.bin': secretWeights },
        { token: owner, card, private: true },
      );
    });
    afterEach(() => zoo.close());

    it('answers an outsider declaring a private blob as it would a blob never stored', async () => {
      const res = await declare('mallory/copy', await zoo.token('write:mallory'));
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), {
        files: [{ ...spec, exists: false, uploadUrl: `/api/v1/uploads/${spec.sha256}` }],
      });
    });

    it('refuses a commit naming a private blob the caller neither uploaded nor may read', async () => {
      const mallory = await zoo.token('write:mallory');
      await declare('mallory/copy', mallory);
      const res = await commitWithSecret('mallory/copy', mallory);
      assert.equal(res.status, 422);
      assert.equal(res.headers.get('x-error-code'), 'MissingBlob');
      assert.deepEqual(((await res.json()) as { paths: string[] }).paths, ['w.bin']);
      assert.equal((await zoo.request('/mallory/copy/resolve/main/w.bin')).status, 404);
    });

    it('does not take an upload it did not read: the bytes must hash to the name', async () => {
      const mallory = await zoo.token('write:mallory');
      await declare('mallory/copy', mallory);
      const head = await zoo.request(`/api/v1/uploads/${spec.sha256}`, {
        method: 'HEAD',
        token: mallory,
        headers: { 'Upload-Length': String(spec.size) },
      });
      assert.equal(head.headers.get('upload-offset'), '0');
      assert.equal(head.headers.get('upload-complete'), '?0');
      const forged = await zoo.request(`/api/v1/uploads/${spec.sha256}`, {
        method: 'PUT',
        token: mallory,
        body: new Uint8Array(spec.size),
      });
      assert.equal(forged.status, 422);
      assert.equal(forged.headers.get('x-error-code'), 'DigestMismatch');
      assert.equal((await commitWithSecret('mallory/copy', mallory)).status, 422);
    });

    it('lets a caller who sends the bytes use the blob: sending them proves possession', async () => {
      const other = await zoo.token('write:other');
      await declare('other/same', other);
      const put = await zoo.request(`/api/v1/uploads/${spec.sha256}`, {
        method: 'PUT',
        token: other,
        body: secretWeights,
      });
      assert.equal(put.status, 200);
      assert.deepEqual(await put.json(), { sha256: spec.sha256, size: spec.size, created: false });
      assert.equal((await commitWithSecret('other/same', other)).status, 201);
      const again = (await (await declare('other/same', other)).json()) as { files: { exists: boolean }[] };
      assert.equal(again.files[0].exists, true);
    });

    it('lets a token that may read a model naming the blob skip the upload', async () => {
      const insider = await zoo.token('write:secret');
      const res = (await (await declare('secret/fork', insider)).json()) as { files: { exists: boolean }[] };
      assert.equal(res.files[0].exists, true);
      assert.equal((await commitWithSecret('secret/fork', insider)).status, 201);
    });

    it('takes the bytes of a second uploader who declared the blob before the first upload finished', async () => {
      const fresh = new TextEncoder().encode('the same config two teams push at once');
      const file = { path: 'c.bin', sha256: sha256Hex(fresh), size: fresh.length };
      const [first, second] = [await zoo.token('write:one'), await zoo.token('write:two')];
      for (const [token, model] of [
        [first, 'one/m'],
        [second, 'two/m'],
      ]) {
        const declared = await zoo.request(`/api/v1/models/${model}/uploads`, {
          method: 'POST',
          token,
          headers: json,
          body: JSON.stringify({ files: [file] }),
        });
        assert.equal(((await declared.json()) as { files: { exists: boolean }[] }).files[0].exists, false);
      }
      const put = (token: string) =>
        zoo.request(`/api/v1/uploads/${file.sha256}`, { method: 'PUT', token, body: fresh });
      assert.equal((await put(first)).status, 201);
      const late = await put(second);
      assert.equal(late.status, 200, await late.clone().text());
      assert.deepEqual(await late.json(), { sha256: file.sha256, size: file.size, created: false });
    });
  });
}
