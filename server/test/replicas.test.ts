import assert from 'node:assert/strict';
import { backboneRevision } from './helpers/backbone-files.ts';
import { sha256Hex, startZoo, type ZooFixture } from './helpers/zoo-fixture.ts';

/** Two `serve` processes' worth of server (two apps, two connection pools) on one PostgreSQL schema. */
describe('two replicas on one PostgreSQL database behave as one server', () => {
  let a: ZooFixture;
  let b: ZooFixture;
  let writer: string;

  before(async () => {
    const limits = { windowMs: 60_000, api: 1000, files: 1000, uploads: 1000 };
    a = await startZoo({ backend: 'postgres', rateLimits: limits });
    b = await startZoo({ replicaOf: a, rateLimits: limits });
    writer = await a.token('write:acme');
  });
  after(async () => {
    await b.close();
    await a.close();
  });

  /** Posts a commit of already uploaded `files` on `parent` to `replica`. */
  function commit(replica: ZooFixture, model: string, parent: string | null, message: string) {
    const { files, card } = backboneRevision();
    return replica.request(`/api/v1/models/${model}/commits`, {
      method: 'POST',
      token: writer,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        parentRevision: parent,
        card,
        message,
        files: Object.entries(files).map(([path, bytes]) => ({
          path,
          sha256: sha256Hex(bytes),
          size: bytes.length,
        })),
      }),
    });
  }

  it('lets exactly one of many concurrent commits on one parent win, across both replicas', async () => {
    const { files, card } = backboneRevision();
    const base = await a.publish('acme/contested', files, { token: writer, card });
    const answers = await Promise.all(
      Array.from({ length: 24 }, (_, i) => commit(i % 2 ? b : a, 'acme/contested', base, `attempt ${i}`)),
    );
    const won = answers.filter((r) => r.status === 201);
    assert.equal(won.length, 1);
    assert.equal(answers.filter((r) => r.status === 409).length, 23);
    const winner = ((await won[0].json()) as { revision: string }).revision;
    for (const replica of [a, b]) {
      const model = (await (await replica.request('/api/v1/models/acme/contested')).json()) as {
        head: string;
      };
      assert.equal(model.head, winner);
    }
    const losers = answers.filter((r) => r.status === 409);
    for (const loser of losers) assert.equal(((await loser.json()) as { head: string }).head, winner);
  });

  it('creates a new model once when first commits race on both replicas', async () => {
    const { files, card } = backboneRevision();
    // The blobs exist from an earlier model; this one does not exist yet.
    await a.publish('acme/seed', files, { token: writer, card });
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) => commit(i % 2 ? b : a, 'acme/newborn', null, `first ${i}`)),
    );
    assert.deepEqual(answers.map((r) => r.status).sort(), [201, ...Array(11).fill(409)]);
  });

  it('refuses a token on the other replica as soon as one revokes it', async () => {
    const reader = await a.token('read');
    const listed = (await (await b.request('/api/v1/tokens', { token: reader })).json()) as {
      tokens: { id: string }[];
    };
    const id = listed.tokens[0].id;
    assert.equal((await b.request('/api/v1/models', { token: reader })).status, 200);
    const admin = await a.token('admin');
    const revoke = await a.request(`/api/v1/tokens/${id}`, { method: 'DELETE', token: admin });
    assert.equal(revoke.status, 200);
    assert.equal((await b.request('/api/v1/models', { token: reader })).status, 401);
  });
});

describe('rate limits shared by replicas', () => {
  let a: ZooFixture;
  let b: ZooFixture;

  before(async () => {
    const limits = { windowMs: 60_000, api: 3, files: 100, uploads: 100 };
    a = await startZoo({ backend: 'postgres', rateLimits: limits });
    b = await startZoo({ replicaOf: a, rateLimits: limits });
  });
  after(async () => {
    await b.close();
    await a.close();
  });

  it('counts a client once across replicas: its fourth call answers 429 on either', async () => {
    const statuses = [];
    for (const replica of [a, b, a, b]) statuses.push((await replica.request('/api/v1/models')).status);
    assert.deepEqual(statuses, [200, 200, 200, 429]);
  });
});

describe('submission quotas shared by replicas', () => {
  let a: ZooFixture;
  let b: ZooFixture;

  before(async () => {
    const boards = { quota: { max: 2, windowMs: 3_600_000 } };
    a = await startZoo({ backend: 'postgres', boards });
    b = await startZoo({ replicaOf: a, boards });
  });
  after(async () => {
    await b.close();
    await a.close();
  });

  it('lets a token take its quota once, however its concurrent reports spread over the replicas', async () => {
    const writer = await a.token('write:team');
    const { files, card } = backboneRevision();
    await a.publish('team/run', files, { token: writer, card });
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        (i % 2 ? b : a).request('/api/v1/benchmarks/nuscenes-detection@v1/self-reported', {
          method: 'POST',
          token: writer,
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ model: 'team/run', name: `run ${i}`, source: 'log', metrics: { NDS: 0.5 } }),
        }),
      ),
    );
    const statuses = answers.map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 201).length, 2);
    assert.equal(statuses.filter((s) => s === 429).length, 38);
  });
});
