import assert from 'node:assert/strict';
import { WIRE_SCHEMAS } from '@mim4d/zoo';
import { assertWireShape } from '@mim4d/zoo/testing';
import { backboneRevision } from './helpers/backbone-files.ts';
import { sha256Hex, startZoo, type ZooFixture } from './helpers/zoo-fixture.ts';

interface Problem {
  code: string;
  detail: string;
  errors?: { path: string; message: string }[];
}

/** Every `$ref` in a JSON value. */
function refsIn(value: unknown): string[] {
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, v]) =>
    key === '$ref' && typeof v === 'string' ? [v] : refsIn(v),
  );
}

describe('the wire contract on the server', () => {
  let zoo: ZooFixture;
  let writer: string;
  before(async () => {
    zoo = await startZoo({ boards: {} });
    writer = await zoo.token('write:team');
  });
  after(() => zoo.close());

  it("serves the contract's schemas, unchanged, as the OpenAPI document's components", async () => {
    const doc = (await (await zoo.request('/api/v1/openapi.json')).json()) as {
      components: { schemas: Record<string, unknown> };
    };
    for (const [name, schema] of Object.entries(WIRE_SCHEMAS)) {
      assert.deepEqual(doc.components.schemas[name], JSON.parse(JSON.stringify(schema)), name);
    }
  });

  it('refers only to components the document has, by name or by $id', async () => {
    const doc = (await (await zoo.request('/api/v1/openapi.json')).json()) as {
      components: { schemas: Record<string, { $id?: string }> };
    };
    const ids = new Set(Object.values(doc.components.schemas).flatMap((s) => (s.$id ? [s.$id] : [])));
    const names = new Set(Object.keys(doc.components.schemas).map((n) => `#/components/schemas/${n}`));
    const dangling = refsIn(doc).filter((ref) => !names.has(ref) && !ids.has(ref));
    assert.deepEqual(dangling, []);
  });

  it("answers publishing's declarations and manifests in the contract's shapes", async () => {
    const { files, card } = backboneRevision({ depth: 34 });
    const declared = Object.entries(files).map(([path, bytes]) => ({
      path,
      sha256: sha256Hex(bytes),
      size: bytes.length,
    }));
    const plan = await zoo.request('/api/v1/models/team/shapes/uploads', {
      method: 'POST',
      token: writer,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ files: declared }),
    });
    assert.equal(plan.status, 200);
    assertWireShape('UploadPlan', await plan.json());
    const revision = await zoo.publish('team/shapes', files, { token: writer, card });
    const manifest = await zoo.request(`/api/v1/models/team/shapes/revisions/${revision}/manifest`);
    assertWireShape('Manifest', await manifest.json());
  });

  it('refuses a tag body that breaks its schema with 400, naming the field', async () => {
    const { files, card } = backboneRevision();
    await zoo.publish('team/tagged', files, { token: writer, card });
    const res = await zoo.request('/api/v1/models/team/tagged/tags/v1', {
      method: 'POST',
      token: writer,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ revision: 'main' }),
    });
    assert.equal(res.status, 400);
    const problem = (await res.json()) as Problem;
    assert.equal(problem.code, 'BadRequest');
    assert.deepEqual(
      problem.errors?.map((e) => e.path),
      ['/revision'],
    );
    assert.match(problem.detail, /\/revision must match pattern/);
  });

  it('refuses a self-reported row that breaks its schema with 422, naming every field', async () => {
    const res = await zoo.request('/api/v1/benchmarks/nuscenes-detection@v1/self-reported', {
      method: 'POST',
      token: writer,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ source: 7, metrics: { NDS: 'high' } }),
    });
    assert.equal(res.status, 422);
    const problem = (await res.json()) as Problem;
    assert.equal(problem.code, 'InvalidSubmission');
    assert.deepEqual(problem.errors?.map((e) => e.path).sort(), ['/metrics/NDS', '/model', '/source']);
    assert.ok(problem.errors?.every((e) => e.message.length > 0));
  });
});
