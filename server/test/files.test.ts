import assert from 'node:assert/strict';
import { backboneRevision } from './helpers/backbone-files.ts';
import { rawRequest } from './helpers/raw-http.ts';
import { BACKENDS, sha256Hex, startZoo, type ZooFixture } from './helpers/zoo-fixture.ts';

for (const backend of BACKENDS) {
  describe(`file downloads (${backend})`, () => {
    let zoo: ZooFixture;
    let revision: string;
    const { files, card } = backboneRevision();
    const onnx = files['backbone.onnx'];
    const digest = sha256Hex(onnx);
    const size = onnx.length;

    before(async () => {
      zoo = await startZoo({ backend });
      revision = await zoo.publish(
        'acme/bev',
        { ...files, 'empty.txt': new Uint8Array() },
        {
          token: await zoo.token('write:acme'),
          card,
        },
      );
    });
    after(() => zoo.close());

    it('serves a file by revision id with its sha256 as strong ETag and immutable caching', async () => {
      const res = await zoo.request(`/acme/bev/resolve/${revision}/backbone.onnx`);
      assert.equal(res.status, 200);
      assert.deepEqual(new Uint8Array(await res.arrayBuffer()), onnx);
      assert.equal(res.headers.get('etag'), `"${digest}"`);
      assert.equal(res.headers.get('x-linked-etag'), `"${digest}"`);
      assert.equal(res.headers.get('x-linked-size'), String(size));
      assert.equal(res.headers.get('x-zoo-sha256'), digest);
      assert.equal(
        res.headers.get('repr-digest'),
        `sha-256=:${Buffer.from(digest, 'hex').toString('base64')}:`,
      );
      assert.equal(res.headers.get('x-zoo-revision'), revision);
      assert.equal(res.headers.get('x-repo-commit'), revision);
      assert.equal(res.headers.get('accept-ranges'), 'bytes');
      assert.equal(res.headers.get('cache-control'), 'public, max-age=31536000, immutable');
      assert.equal(res.headers.get('content-disposition'), 'attachment; filename=backbone.onnx');
      assert.equal(res.headers.get('content-type'), 'application/octet-stream');
      assert.equal(res.headers.get('content-encoding'), null);
      assert.ok(res.headers.get('x-request-id'));
    });

    it('serves a tag directly, naming the revision it resolved to and asking caches to revalidate', async () => {
      const res = await zoo.request('/acme/bev/resolve/main/backbone.onnx', { method: 'HEAD' });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('x-repo-commit'), revision);
      assert.equal(res.headers.get('cache-control'), 'no-cache');
      assert.equal(res.headers.get('content-length'), String(size));
      assert.equal(res.headers.get('etag'), `"${digest}"`);
    });

    it('answers one range with 206, several with the whole file and an unsatisfiable one with 416', async () => {
      const part = await zoo.request(`/acme/bev/resolve/${revision}/backbone.onnx`, {
        headers: { Range: 'bytes=4-9' },
      });
      assert.equal(part.status, 206);
      assert.equal(part.headers.get('content-range'), `bytes 4-9/${size}`);
      assert.deepEqual(new Uint8Array(await part.arrayBuffer()), onnx.subarray(4, 10));

      const several = await zoo.request(`/acme/bev/resolve/${revision}/backbone.onnx`, {
        headers: { Range: 'bytes=0-1,5-6' },
      });
      assert.equal(several.status, 200);
      assert.equal((await several.arrayBuffer()).byteLength, size);

      const beyond = await zoo.request(`/acme/bev/resolve/${revision}/backbone.onnx`, {
        headers: { Range: `bytes=${size + 10}-` },
      });
      assert.equal(beyond.status, 416);
      assert.equal(beyond.headers.get('content-range'), `bytes */${size}`);
      assert.equal(beyond.headers.get('x-error-code'), 'InvalidRange');
    });

    it('ignores malformed Range headers and sends the whole file, as RFC 9110 allows', async () => {
      for (const range of ['bytes=abc', 'bytes=9-2', 'lines=1-2', 'bytes=--1', 'bytes=']) {
        const res = await rawRequest(zoo.url, 'GET', `/acme/bev/resolve/${revision}/backbone.onnx`, {
          Range: range,
        });
        assert.ok(res.status === 200 || res.status === 416, `${range}: ${res.status}`);
        if (res.status === 200) assert.equal(res.body.length, size, range);
      }
      const after = await zoo.request(`/acme/bev/resolve/${revision}/backbone.onnx`);
      assert.equal(after.status, 200, 'still serving');
    });

    it('resumes only when If-Range still names the same bytes', async () => {
      const same = await zoo.request(`/acme/bev/resolve/main/backbone.onnx`, {
        headers: { Range: 'bytes=10-', 'If-Range': `"${digest}"` },
      });
      assert.equal(same.status, 206);
      assert.deepEqual(new Uint8Array(await same.arrayBuffer()), onnx.subarray(10));
      const changed = await zoo.request(`/acme/bev/resolve/main/backbone.onnx`, {
        headers: { Range: 'bytes=10-', 'If-Range': `"${'0'.repeat(64)}"` },
      });
      assert.equal(changed.status, 200);
      assert.equal((await changed.arrayBuffer()).byteLength, size);
    });

    // fetch() adds `Cache-Control: no-cache` to conditional requests, which rightly defeats a 304; raw HTTP does not.
    it('answers If-None-Match with 304 and a failed If-Match with 412', async () => {
      const path = `/acme/bev/resolve/${revision}/backbone.onnx`;
      const fresh = await rawRequest(zoo.url, 'GET', path, { 'If-None-Match': `"${digest}"` });
      assert.equal(fresh.status, 304);
      assert.equal(fresh.body.length, 0);
      const stale = await rawRequest(zoo.url, 'GET', path, { 'If-Match': '"other"' });
      assert.equal(stale.status, 412);
      assert.equal(stale.headers['x-error-code'], 'PreconditionFailed');
      assert.equal((await rawRequest(zoo.url, 'GET', path, { 'If-Match': `"${digest}"` })).status, 200);
    });

    it('serves blobs by sha256 and refuses names that are not one', async () => {
      const res = await zoo.request(`/api/v1/blobs/sha256/${digest}`, { headers: { Range: 'bytes=0-3' } });
      assert.equal(res.status, 206);
      assert.equal(res.headers.get('cache-control'), 'public, max-age=31536000, immutable');
      assert.equal(
        (await zoo.request(`/api/v1/blobs/sha256/${'a'.repeat(64)}`)).headers.get('x-error-code'),
        'BlobNotFound',
      );
      assert.equal((await zoo.request('/api/v1/blobs/sha256/..%2F..%2Fzoo.sqlite')).status, 400);
    });

    it('names what is missing: model, revision or file, each with its HF error code', async () => {
      const cases: [string, string][] = [
        ['/acme/nothing/resolve/main/backbone.onnx', 'RepoNotFound'],
        ['/acme/bev/resolve/v9/backbone.onnx', 'RevisionNotFound'],
        [`/acme/bev/resolve/${'f'.repeat(40)}/backbone.onnx`, 'RevisionNotFound'],
        ['/acme/bev/resolve/main/weights.pth', 'EntryNotFound'],
      ];
      for (const [path, code] of cases) {
        const res = await zoo.request(path);
        assert.equal(res.status, 404, path);
        assert.equal(res.headers.get('x-error-code'), code, path);
        assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
        const body = (await res.json()) as {
          code: string;
          status: number;
          type: string;
          title: string;
          detail: string;
        };
        assert.equal(body.code, code);
        assert.equal(body.status, 404);
        assert.ok(body.detail.length > 0 && body.type.includes(code));
      }
    });

    it('never reaches outside the store with a crafted path', async () => {
      const paths = [
        `/acme/bev/resolve/${revision}/../../../../etc/passwd`,
        `/acme/bev/resolve/${revision}/..%2F..%2Fzoo.sqlite`,
        `/acme/bev/resolve/${revision}/%2e%2e/%2e%2e/zoo.sqlite`,
        `/acme/bev/resolve/${revision}/blobs%2Fsha256%2F${digest}`,
        `/..%2F..%2F/bev/resolve/${revision}/backbone.onnx`,
        `/acme/bev/resolve/${revision}/backbone.onnx%00.txt`,
      ];
      for (const path of paths) {
        const res = await rawRequest(zoo.url, 'GET', path);
        assert.ok([400, 404].includes(res.status), `${path}: ${res.status}`);
        assert.ok(!res.body.includes('SQLite format'), path);
        assert.ok(!res.body.includes('root:'), path);
      }
      assert.equal(
        (await zoo.request(`/acme/bev/resolve/${revision}/config.json`)).status,
        200,
        'still serving',
      );
    });

    it('answers HEAD with a range with the 206 headers and no body, and ignores an If-Range date', async () => {
      const path = `/acme/bev/resolve/${revision}/backbone.onnx`;
      const head = await rawRequest(zoo.url, 'HEAD', path, { Range: 'bytes=0-9' });
      assert.equal(head.status, 206);
      assert.equal(head.headers['content-length'], '10');
      assert.equal(head.body.length, 0);
      const dated = await rawRequest(zoo.url, 'GET', path, {
        Range: 'bytes=0-9',
        'If-Range': new Date().toUTCString(),
      });
      assert.equal(dated.status, 200, 'no Last-Modified is sent, so a date never validates a range');
      assert.equal(dated.body.length, size);
    });

    it('serves an empty file, and refuses any range of it with 416', async () => {
      const res = await rawRequest(zoo.url, 'GET', `/acme/bev/resolve/${revision}/empty.txt`);
      assert.equal(res.status, 200);
      assert.equal(res.headers['content-length'], '0');
      assert.equal(res.headers.etag, `"${sha256Hex(new Uint8Array())}"`);
      const ranged = await rawRequest(zoo.url, 'GET', `/acme/bev/resolve/${revision}/empty.txt`, {
        Range: 'bytes=0-',
      });
      assert.equal(ranged.status, 416);
      assert.equal(ranged.headers['content-range'], 'bytes */0');
    });

    it('keeps serving after clients hang up in the middle of downloads', async () => {
      const big = new Uint8Array(4 << 20).map((_, i) => i % 249);
      const rev = await zoo.publish(
        'acme/hangup',
        { 'big.bin': big },
        {
          token: await zoo.token('write:acme'),
          card: { ...card, artifacts: [{ path: 'big.bin', format: 'other', role: 'weights' }] },
        },
      );
      for (let i = 0; i < 5; i++) {
        const controller = new AbortController();
        const res = await zoo.request(`/acme/hangup/resolve/${rev}/big.bin`, { signal: controller.signal });
        const reader = res.body?.getReader();
        await reader?.read();
        controller.abort();
      }
      const whole = await zoo.request(`/acme/hangup/resolve/${rev}/big.bin`);
      assert.equal(sha256Hex(new Uint8Array(await whole.arrayBuffer())), sha256Hex(big));
    });
  });
}
