import assert from 'node:assert/strict';
import { backboneRevision } from './helpers/backbone-files.ts';
import { BACKENDS, startZoo, type ZooFixture } from './helpers/zoo-fixture.ts';

for (const backend of BACKENDS) {
  describe(`tokens, scopes, private models and rate limits (${backend})`, () => {
    let zoo: ZooFixture;
    let admin: string;
    let revision: string;
    const { files, card } = backboneRevision();

    before(async () => {
      zoo = await startZoo({ backend });
      admin = await zoo.token('admin');
      revision = await zoo.publish('secret/model', files, { token: admin, card, private: true });
      await zoo.publish('open/model', files, { token: admin, card });
    });
    after(() => zoo.close());

    it('answers a missing, malformed or unknown token on a write with 401 and a bearer challenge', async () => {
      const body = JSON.stringify({ files: [] });
      const headers = { 'Content-Type': 'application/json' };
      const anonymous = await zoo.request('/api/v1/models/open/model/uploads', {
        method: 'POST',
        headers,
        body,
      });
      assert.equal(anonymous.status, 401);
      for (const authorization of [
        'Bearer mzt_not-a-real-token',
        'Basic dXNlcjpwYXNz',
        'Bearer',
        `Bearer ${admin} extra`,
      ]) {
        const res = await zoo.request('/api/v1/models', { headers: { Authorization: authorization } });
        assert.equal(res.status, 401, authorization);
        assert.equal(res.headers.get('x-error-code'), 'Unauthorized');
        assert.equal(res.headers.get('www-authenticate'), 'Bearer realm="mim4d-zoo"');
      }
    });

    it('lets admin list and revoke any token, and any other token only itself', async () => {
      const own = await zoo.token('read');
      const bystander = await zoo.token('read');
      const list = async (token: string) =>
        ((await (await zoo.request('/api/v1/tokens', { token })).json()) as { tokens: { id: string }[] })
          .tokens;
      const [self] = await list(own);
      assert.equal((await list(own)).length, 1, 'a plain token sees only itself');
      assert.ok((await list(admin)).some((t) => t.id === self.id));
      assert.equal((await zoo.request('/api/v1/tokens')).status, 401);

      const [other] = await list(bystander);
      const foreign = await zoo.request(`/api/v1/tokens/${other.id}`, { method: 'DELETE', token: own });
      assert.equal(foreign.status, 404);
      assert.equal(foreign.headers.get('x-error-code'), 'TokenNotFound');

      const selfRevoked = await zoo.request(`/api/v1/tokens/${self.id}`, { method: 'DELETE', token: own });
      assert.equal(selfRevoked.status, 200);
      assert.match(((await selfRevoked.json()) as { revokedAt: string }).revokedAt, /^\d{4}-/);
      assert.equal((await zoo.request('/api/v1/models', { token: own })).status, 401);

      const byAdmin = await zoo.request(`/api/v1/tokens/${other.id}`, { method: 'DELETE', token: admin });
      assert.equal(byAdmin.status, 200);
      assert.equal((await zoo.request('/api/v1/models', { token: bystander })).status, 401);
      assert.equal((await zoo.request('/api/v1/models', { token: admin })).status, 200);
    });

    it('answers a token without the namespace scope with 403', async () => {
      const other = await zoo.token('write:elsewhere', 'read');
      const res = await zoo.request('/api/v1/models/open/model/uploads', {
        method: 'POST',
        token: other,
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ files: [] }),
      });
      assert.equal(res.status, 403);
      assert.equal(res.headers.get('x-error-code'), 'Forbidden');
      const reader = await zoo.token('read');
      const put = await zoo.request(`/api/v1/uploads/${'a'.repeat(64)}`, {
        method: 'PUT',
        token: reader,
        body: 'x',
      });
      assert.equal(put.status, 403);
    });

    it('hides a private model behind 404 from everyone without a read scope for its namespace', async () => {
      const paths = [
        '/api/v1/models/secret/model',
        '/api/models/secret/model',
        `/secret/model/resolve/${revision}/config.json`,
        `/api/v1/models/secret/model/revisions/${revision}/manifest`,
      ];
      const outsiders = [undefined, await zoo.token('read:open'), await zoo.token('write:open')];
      for (const token of outsiders) {
        for (const path of paths) {
          const res = await zoo.request(path, token ? { token } : {});
          assert.equal(res.status, 404, `${path} with ${token ?? 'no token'}`);
          assert.equal(res.headers.get('x-error-code'), 'RepoNotFound');
        }
        const list = (await (await zoo.request('/api/v1/models', token ? { token } : {})).json()) as {
          models: { id: string }[];
        };
        assert.deepEqual(
          list.models.map((m) => m.id),
          ['open/model'],
        );
      }
      for (const token of [
        await zoo.token('read:secret'),
        await zoo.token('read'),
        await zoo.token('write:secret'),
        admin,
      ]) {
        for (const path of paths) assert.equal((await zoo.request(path, { token })).status, 200, path);
        const list = (await (await zoo.request('/api/v1/models', { token })).json()) as {
          models: { id: string }[];
        };
        assert.deepEqual(
          list.models.map((m) => m.id),
          ['open/model', 'secret/model'],
        );
      }
    });

    it('gives every response a request id, echoing a well-formed one', async () => {
      const mine = await zoo.request('/api/v1/models', { headers: { 'X-Request-Id': 'trace-42' } });
      assert.equal(mine.headers.get('x-request-id'), 'trace-42');
      const hostile = await zoo.request('/nope', { headers: { 'X-Request-Id': 'a b\tc' } });
      assert.match(hostile.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
      const problem = (await hostile.json()) as { code: string; requestId: string };
      assert.equal(problem.code, 'RouteNotFound');
      assert.equal(problem.requestId, hostile.headers.get('x-request-id'));
    });

    it('sends helmet headers and serves its OpenAPI document', async () => {
      const res = await zoo.request('/api/v1/openapi.json');
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(res.headers.get('x-powered-by'), null);
      const doc = (await res.json()) as { openapi: string; paths: Record<string, unknown> };
      assert.equal(doc.openapi, '3.1.0');
      for (const path of [
        '/{ns}/{name}/resolve/{rev}/{path}',
        '/api/v1/uploads/{sha256}',
        '/api/v1/models/{ns}/{name}/commits',
      ]) {
        assert.ok(doc.paths[path], path);
      }
    });
  });

  describe(`rate limits (${backend})`, () => {
    let zoo: ZooFixture;
    before(async () => {
      zoo = await startZoo({ backend, rateLimits: { windowMs: 60_000, api: 3, files: 100, uploads: 100 } });
    });
    after(() => zoo.close());

    it('counts each client per bucket, advertises the budget and answers 429 with Retry-After', async () => {
      const seen = [];
      for (let i = 0; i < 4; i++) seen.push(await zoo.request('/api/v1/models'));
      assert.deepEqual(
        seen.map((r) => r.status),
        [200, 200, 200, 429],
      );
      assert.match(seen[0].headers.get('ratelimit-policy') ?? '', /q=3; w=60/);
      assert.match(seen[0].headers.get('ratelimit') ?? '', /r=2/);
      const limited = seen[3];
      assert.equal(limited.headers.get('x-error-code'), 'RateLimited');
      assert.ok(Number(limited.headers.get('retry-after')) > 0);
      // Another token is another client; file downloads are another bucket.
      assert.equal((await zoo.request('/api/v1/models', { token: await zoo.token('read') })).status, 200);
      assert.equal(
        (await zoo.request('/acme/x/resolve/main/a.bin')).headers.get('x-error-code'),
        'RepoNotFound',
      );
    });

    it('counts failed tokens against the caller, so guessing tokens is throttled too', async () => {
      const fresh = await startZoo({
        backend,
        rateLimits: { windowMs: 60_000, api: 3, files: 100, uploads: 100 },
      });
      try {
        const guesses = [];
        for (let i = 0; i < 4; i++) {
          guesses.push(
            await fresh.request('/api/v1/models/acme/x', {
              headers: { Authorization: `Bearer mzt_guess${i}` },
            }),
          );
        }
        assert.deepEqual(
          guesses.map((r) => r.status),
          [401, 401, 401, 429],
        );
      } finally {
        await fresh.close();
      }
    });
  });
}
