import assert from 'node:assert/strict';
import { encodeTinyModel, exampleCard } from '@mim4d/zoo/testing';
import { backboneRevision } from './helpers/backbone-files.ts';
import { BACKENDS, sha256Hex, startZoo, type ZooFixture } from './helpers/zoo-fixture.ts';

interface Problem {
  code: string;
  detail: string;
  errors?: { path: string; message: string }[];
  mismatches?: { path: string; problems: string[] }[];
  head?: string;
}

for (const backend of BACKENDS) {
  describe(`publishing revisions (${backend})`, () => {
    let zoo: ZooFixture;
    let writer: string;

    /** Uploads the files, then posts the commit body as given, returning the raw response. */
    async function commitRaw(
      model: string,
      files: Record<string, Uint8Array>,
      body: Record<string, unknown>,
    ) {
      const list = Object.entries(files).map(([path, bytes]) => ({
        path,
        sha256: sha256Hex(bytes),
        size: bytes.length,
      }));
      const declared = await zoo.request(`/api/v1/models/${model}/uploads`, {
        method: 'POST',
        token: writer,
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ files: list }),
      });
      for (const f of ((await declared.json()) as { files: { path: string; uploadUrl?: string }[] }).files) {
        if (f.uploadUrl)
          await zoo.request(f.uploadUrl, { method: 'PUT', token: writer, body: files[f.path] });
      }
      return zoo.request(`/api/v1/models/${model}/commits`, {
        method: 'POST',
        token: writer,
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ parentRevision: null, files: list, ...body }),
      });
    }

    before(async () => {
      zoo = await startZoo({ backend });
      writer = await zoo.token('write:acme');
    });
    after(() => zoo.close());

    it('creates a model, chains revisions on their parent and moves main', async () => {
      const v1 = backboneRevision({ depth: 50 });
      const first = await zoo.publish('acme/chain', v1.files, {
        token: writer,
        card: v1.card,
        tags: ['main', 'v1'],
      });
      const v2 = backboneRevision({ depth: 101 });
      const second = await zoo.publish('acme/chain', v2.files, {
        token: writer,
        card: v2.card,
        parentRevision: first,
      });
      const refs = await (await zoo.request('/api/v1/models/acme/chain/refs')).json();
      assert.deepEqual(refs, { head: second, refs: { main: second, v1: first } });

      const manifest = await zoo.request(`/api/v1/models/acme/chain/revisions/${second}/manifest`);
      assert.equal(manifest.headers.get('cache-control'), 'public, max-age=31536000, immutable');
      assert.match(manifest.headers.get('etag') ?? '', /^"[0-9a-f]{64}"$/);
      const body = (await manifest.json()) as { revision: string; parent: string; files: unknown[] };
      assert.equal(body.revision, second);
      assert.equal(body.parent, first);
      assert.deepEqual(body.files, [
        {
          path: 'backbone.onnx',
          size: v2.files['backbone.onnx'].length,
          sha256: sha256Hex(v2.files['backbone.onnx']),
        },
        {
          path: 'config.json',
          size: v2.files['config.json'].length,
          sha256: sha256Hex(v2.files['config.json']),
        },
      ]);
      const byTag = await zoo.request('/api/v1/models/acme/chain/revisions/v1/manifest');
      assert.equal(byTag.headers.get('cache-control'), 'no-cache');
      assert.equal(((await byTag.json()) as { revision: string }).revision, first);

      const old = await zoo.request(`/acme/chain/resolve/v1/config.json`);
      assert.deepEqual(JSON.parse(await old.text()), { depth: 50 });
      const info = (await (await zoo.request('/api/v1/models/acme/chain')).json()) as {
        card: unknown;
        revision: string;
      };
      assert.equal(info.revision, second);
      assert.deepEqual(info.card, v2.card);
    });

    it('refuses a commit on a stale parent with 409 and the current head', async () => {
      const { files, card } = backboneRevision();
      const first = await zoo.publish('acme/race', files, { token: writer, card });
      await zoo.publish('acme/race', files, { token: writer, card, parentRevision: first });
      const stale = await commitRaw('acme/race', files, { parentRevision: first, card });
      assert.equal(stale.status, 409);
      const problem = (await stale.json()) as Problem;
      assert.equal(problem.code, 'StaleParent');
      assert.notEqual(problem.head, first);
      const recreate = await commitRaw('acme/race', files, { parentRevision: null, card });
      assert.equal(recreate.status, 409);
    });

    it('lets exactly one of two racing commits on the same parent win', async () => {
      const { files, card } = backboneRevision();
      const base = await zoo.publish('acme/racing', files, { token: writer, card });
      const results = await Promise.all([
        commitRaw('acme/racing', files, { parentRevision: base, card, message: 'a' }),
        commitRaw('acme/racing', files, { parentRevision: base, card, message: 'b' }),
      ]);
      assert.deepEqual(results.map((r) => r.status).sort(), [201, 409]);
    });

    it('answers a malformed card with 422 InvalidCard and every schema error by JSON Pointer', async () => {
      const { files } = backboneRevision();
      const card = exampleCard() as unknown as Record<string, unknown>;
      delete card.license;
      (card.architecture as Record<string, unknown>).params = 'many';
      const res = await commitRaw('acme/badcard', files, { card });
      assert.equal(res.status, 422);
      const problem = (await res.json()) as Problem;
      assert.equal(problem.code, 'InvalidCard');
      assert.deepEqual(problem.errors?.map((e) => e.path).sort(), ['/architecture/params', '/license']);
      assert.equal((await zoo.request('/api/v1/models/acme/badcard')).status, 404, 'nothing was created');
    });

    it('requires the card to cover the files: every artifact committed, every ONNX file described', async () => {
      const { files, card } = backboneRevision();
      const { 'config.json': _config, ...onlyOnnx } = files;
      const res = await commitRaw('acme/cover', onlyOnnx, { card });
      assert.equal(res.status, 422);
      assert.deepEqual(((await res.json()) as Problem).errors, [
        { path: '/artifacts/1/path', message: '"config.json" is not among the committed files' },
      ]);
      const extraOnnx = await commitRaw('acme/cover', { ...files, 'head.onnx': encodeTinyModel() }, { card });
      assert.equal(extraOnnx.status, 422);
      assert.match(JSON.stringify(await extraOnnx.json()), /head\.onnx.*without an onnx artifact entry/);
    });

    it('parses each ONNX file and rejects a graph that differs from its card with 422 OnnxMismatch', async () => {
      const { files, card } = backboneRevision();
      const wrong = {
        ...files,
        'backbone.onnx': encodeTinyModel({ first: { name: 'x', shape: ['batch', 4] } }),
      };
      const res = await commitRaw('acme/onnx', wrong, { card });
      assert.equal(res.status, 422);
      const problem = (await res.json()) as Problem;
      assert.equal(problem.code, 'OnnxMismatch');
      assert.deepEqual(problem.mismatches, [
        {
          path: 'backbone.onnx',
          problems: ['input "x": shape ["batch", 3] in the card, ["batch", 4] in the model'],
        },
      ]);
      const garbage = {
        ...files,
        'backbone.onnx': new TextEncoder().encode('not a protobuf at all \u00ff\u00ff'),
      };
      const invalid = await commitRaw('acme/onnx', garbage, { card });
      assert.equal(invalid.status, 422);
      assert.equal(((await invalid.json()) as Problem).code, 'InvalidOnnx');
    });

    it('refuses to publish files whose blobs were never uploaded (422 MissingBlob)', async () => {
      const { files, card } = backboneRevision({ never: 'uploaded' });
      const list = Object.entries(files).map(([path, bytes]) => ({
        path,
        sha256: sha256Hex(bytes),
        size: bytes.length,
      }));
      list[1].sha256 = sha256Hex('a config nobody uploaded');
      const res = await zoo.request('/api/v1/models/acme/missing/commits', {
        method: 'POST',
        token: writer,
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ parentRevision: null, card, files: list }),
      });
      assert.equal(res.status, 422);
      const problem = (await res.json()) as Problem & { paths: string[] };
      assert.equal(problem.code, 'MissingBlob');
      assert.ok(problem.paths.includes('config.json'));
    });

    it('moves a tag to an existing revision only', async () => {
      const { files, card } = backboneRevision();
      const rev = await zoo.publish('acme/tags', files, { token: writer, card, tags: [] });
      const post = (tag: string, revision: string) =>
        zoo.request(`/api/v1/models/acme/tags/tags/${tag}`, {
          method: 'POST',
          token: writer,
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ revision }),
        });
      assert.equal((await zoo.request('/acme/tags/resolve/main/config.json')).status, 404);
      assert.equal((await post('stable', rev)).status, 200);
      assert.equal(
        (await zoo.request('/acme/tags/resolve/stable/config.json')).headers.get('x-repo-commit'),
        rev,
      );
      assert.equal((await post('stable', 'f'.repeat(40))).status, 404);
      assert.equal((await post('a'.repeat(40), rev)).status, 400, 'a tag may not look like a revision id');
    });

    it('lists models page by page with a cursor and a Link header, filtered by q', async () => {
      const { files, card } = backboneRevision();
      for (const n of ['list-a', 'list-b', 'list-c'])
        await zoo.publish(`acme/${n}`, files, { token: writer, card });
      const first = await zoo.request('/api/v1/models?q=list-&limit=2');
      const page1 = (await first.json()) as { models: { id: string }[]; nextCursor: string };
      assert.deepEqual(
        page1.models.map((m) => m.id),
        ['acme/list-a', 'acme/list-b'],
      );
      assert.match(first.headers.get('link') ?? '', /rel="next"/);
      const page2 = (await (
        await zoo.request(`/api/v1/models?q=list-&limit=2&cursor=${page1.nextCursor}`)
      ).json()) as {
        models: { id: string }[];
        nextCursor: string | null;
      };
      assert.deepEqual(
        page2.models.map((m) => m.id),
        ['acme/list-c'],
      );
      assert.equal(page2.nextCursor, null);
      assert.equal((await zoo.request('/api/v1/models?limit=0')).status, 400);
      assert.equal((await zoo.request('/api/v1/models?cursor=%%%')).status, 400);
    });

    it('answers the Hugging Face model_info and tree routes in their shapes', async () => {
      const { files, card } = backboneRevision();
      const rev = await zoo.publish(
        'acme/hf',
        { ...files, 'sub/dir/extra.json': new TextEncoder().encode('{}') },
        {
          token: writer,
          card,
        },
      );
      const info = (await (await zoo.request('/api/models/acme/hf/revision/main')).json()) as Record<
        string,
        unknown
      >;
      assert.equal(info.id, 'acme/hf');
      assert.equal(info.sha, rev);
      assert.equal(info.private, false);
      const sha = sha256Hex(files['backbone.onnx']);
      assert.deepEqual((info.siblings as unknown[])[0], {
        rfilename: 'backbone.onnx',
        size: files['backbone.onnx'].length,
        blobId: sha,
        lfs: { sha256: sha, size: files['backbone.onnx'].length, pointerSize: 134 },
      });
      const tree = (await (await zoo.request(`/api/models/acme/hf/tree/${rev}?recursive=true`)).json()) as {
        path: string;
      }[];
      assert.deepEqual(
        tree.map((e) => e.path),
        ['backbone.onnx', 'config.json', 'sub/dir/extra.json'],
      );
      const top = (await (await zoo.request(`/api/models/acme/hf/tree/${rev}`)).json()) as {
        path: string;
        type: string;
      }[];
      assert.deepEqual(
        top.map((e) => `${e.type}:${e.path}`),
        ['directory:sub', 'file:backbone.onnx', 'file:config.json'],
      );
      assert.equal((await zoo.request(`/api/models/acme/hf/tree/${rev}/nope`)).status, 404);
    });
  });
}
