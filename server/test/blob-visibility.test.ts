import assert from 'node:assert/strict';
import { backboneRevision } from './helpers/backbone-files.ts';
import { BACKENDS, sha256Hex, startZoo, type ZooFixture } from './helpers/zoo-fixture.ts';

for (const backend of BACKENDS) {
  describe(`blobs by sha256 follow the visibility of the models that name them (${backend})`, () => {
    let zoo: ZooFixture;
    const { files, card } = backboneRevision();
    const bytes = (text: string) => new TextEncoder().encode(text);
    const publicOnly = bytes('weights of a public model');
    const privateOnly = bytes('weights of a private model');
    const shared = bytes('a config both models use');
    const blob = (content: Uint8Array, token?: string) =>
      zoo.request(`/api/v1/blobs/sha256/${sha256Hex(content)}`, token ? { token } : {});

    before(async () => {
      zoo = await startZoo({ backend });
      const writer = await zoo.token('write:acme', 'write:secret');
      await zoo.publish(
        'acme/open',
        { ...files, 'w.bin': publicOnly, 'c.json': shared },
        { token: writer, card },
      );
      await zoo.publish(
        'secret/closed',
        { ...files, 'w.bin': privateOnly, 'c.json': shared },
        { token: writer, card, private: true },
      );
    });
    after(() => zoo.close());

    it('serves a blob of a public model to anyone, cacheable by shared caches', async () => {
      const res = await blob(publicOnly);
      assert.equal(res.status, 200);
      assert.deepEqual(new Uint8Array(await res.arrayBuffer()), publicOnly);
      assert.equal(res.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    });

    it('answers a blob only a private model names with the 404 of a blob never stored', async () => {
      const never = await zoo.request(`/api/v1/blobs/sha256/${sha256Hex('never uploaded')}`);
      for (const token of [undefined, await zoo.token('read:acme'), await zoo.token('write:acme')]) {
        const res = await blob(privateOnly, token);
        assert.equal(res.status, 404);
        assert.equal(res.headers.get('x-error-code'), never.headers.get('x-error-code'));
        assert.equal(res.headers.get('x-error-code'), 'BlobNotFound');
      }
    });

    it('serves it to tokens that may read the namespace, as a private response', async () => {
      for (const token of [
        await zoo.token('read:secret'),
        await zoo.token('read:SECRET'),
        await zoo.token('read'),
        await zoo.token('admin'),
      ]) {
        const res = await blob(privateOnly, token);
        assert.equal(res.status, 200);
        assert.deepEqual(new Uint8Array(await res.arrayBuffer()), privateOnly);
        assert.equal(res.headers.get('cache-control'), 'private, max-age=31536000, immutable');
      }
    });

    it('serves a blob a public and a private model share to anyone, because the public one reveals it', async () => {
      const anonymous = await blob(shared);
      assert.equal(anonymous.status, 200);
      assert.equal(anonymous.headers.get('cache-control'), 'public, max-age=31536000, immutable');
      const reader = await blob(shared, await zoo.token('read:secret'));
      assert.equal(reader.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    });

    it('serves no blob that is uploaded but not yet committed, even to its uploader', async () => {
      const writer = await zoo.token('write:acme');
      const pending = bytes('uploaded, commit still to come');
      const sha256 = sha256Hex(pending);
      const declared = await zoo.request('/api/v1/models/acme/open/uploads', {
        method: 'POST',
        token: writer,
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ files: [{ path: 'p.bin', sha256, size: pending.length }] }),
      });
      assert.equal(declared.status, 200);
      const put = await zoo.request(`/api/v1/uploads/${sha256}`, {
        method: 'PUT',
        token: writer,
        body: pending,
      });
      assert.equal(put.status, 201);
      assert.equal((await blob(pending, writer)).status, 404);
      assert.equal((await blob(pending, await zoo.token('admin'))).status, 404);
    });

    it('serves private files by path with private caching too', async () => {
      const res = await zoo.request('/secret/closed/resolve/main/w.bin', {
        token: await zoo.token('read:secret'),
      });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('cache-control'), 'private, no-cache');
    });
  });
}
