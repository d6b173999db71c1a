import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ZooError } from '@mim4d/zoo';
import { type ClientWorld, revisionWithWeights, startClientWorld } from './client-fixture.ts';

/** A push whose card the server would refuse must not upload anything first (it would leave orphaned blobs). */
describe('zoo client: the card and ONNX I/O are checked before any upload', () => {
  let world: ClientWorld;
  const storedBlobs = async () => (await readdir(join(world.zoo.dataDir, 'blobs', 'sha256'))).length;

  before(async () => {
    world = await startClientWorld();
  });
  after(() => world.close());

  const refused = async (card: unknown, files = revisionWithWeights(1024).files) => {
    const before = await storedBlobs();
    const client = await world.client({ token: world.writeToken });
    const error = await client.publish('org/checked', files, card).then(
      () => assert.fail('the publish should fail'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof ZooError, `expected a ZooError, got ${error}`);
    assert.equal(await storedBlobs(), before, 'no blob was uploaded');
    return error;
  };

  it('refuses a card that breaks the schema, naming the field', async () => {
    const { card } = revisionWithWeights(1024);
    const error = await refused({ ...card, license: 42 });
    assert.equal(error.code, 'InvalidCard');
    assert.match(error.message, /\/license/);
  });

  it('refuses a card whose artifacts are not among the files', async () => {
    const { card } = revisionWithWeights(1024);
    const error = await refused({
      ...card,
      artifacts: [...card.artifacts, { path: 'missing.bin', format: 'other', role: 'weights' }],
    });
    assert.equal(error.code, 'InvalidCard');
    assert.match(error.message, /missing\.bin/);
  });

  it('refuses ONNX inputs and outputs that differ from the card', async () => {
    const { card, files } = revisionWithWeights(1024);
    const artifacts = card.artifacts.map((a) =>
      a.format === 'onnx' && a.io
        ? { ...a, io: { ...a.io, inputs: a.io.inputs.map((t) => ({ ...t, name: `${t.name}_renamed` })) } }
        : a,
    );
    const error = await refused({ ...card, artifacts }, files);
    assert.equal(error.code, 'OnnxMismatch');
  });
});
