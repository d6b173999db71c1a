import assert from 'node:assert/strict';
import { chmod, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BlobIntegrity } from '../src/blob-integrity.ts';
import { backboneRevision } from './helpers/backbone-files.ts';
import { sha256Hex, startZoo, type ZooFixture } from './helpers/zoo-fixture.ts';

/** Overwrites a stored blob in place, same size, as bit rot or a careless operator would. */
async function tamper(zoo: ZooFixture, sha: string, bytes: Uint8Array): Promise<void> {
  const path = join(zoo.dataDir, 'blobs', 'sha256', sha);
  await chmod(path, 0o644);
  const flipped = Uint8Array.from(bytes);
  flipped[flipped.length - 1] ^= 0xff;
  await writeFile(path, flipped);
}

describe('blob integrity', () => {
  let zoo: ZooFixture;
  let writer: string;
  const { files, card } = backboneRevision();
  const config = files['config.json'];
  const configSha = sha256Hex(config);
  let revision: string;

  beforeEach(async () => {
    zoo = await startZoo();
    writer = zoo.token('write:acme');
    revision = await zoo.publish('acme/rot', files, { token: writer, card });
  });
  afterEach(() => zoo.close());

  it('refuses to serve a blob whose bytes changed on disk, quarantines it, and heals on re-upload', async () => {
    await tamper(zoo, configSha, config);
    const res = await zoo.request(`/acme/rot/resolve/${revision}/config.json`);
    assert.equal(res.status, 500);
    assert.equal(res.headers.get('x-error-code'), 'BlobCorrupt');
    assert.equal(res.headers.get('etag'), null, 'no validator for bytes that were not sent');
    assert.equal((await readdir(join(zoo.dataDir, 'quarantine'))).length, 1);

    const again = await zoo.request(`/api/v1/blobs/sha256/${configSha}`);
    assert.equal(again.headers.get('x-error-code'), 'BlobCorrupt');
    // The revision still names the blob, so re-uploading the right bytes brings the file back.
    await zoo.publish('acme/rot', files, { token: writer, card, parentRevision: revision });
    const healed = await zoo.request(`/acme/rot/resolve/${revision}/config.json`);
    assert.equal(healed.status, 200);
    assert.deepEqual(new Uint8Array(await healed.arrayBuffer()), config);
  });

  it('re-hashes a blob that was touched but not changed, and serves it', async () => {
    const path = join(zoo.dataDir, 'blobs', 'sha256', configSha);
    await chmod(path, 0o644);
    await writeFile(path, config);
    const res = await zoo.request(`/acme/rot/resolve/${revision}/config.json`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('etag'), `"${configSha}"`);
  });

  it('fsck finds a corrupt blob even when its file metadata looks untouched, and a missing one', async () => {
    const integrity = new BlobIntegrity(zoo.stores.blobs, zoo.stores.meta, () => {});
    const clean = await integrity.check({ full: true });
    assert.deepEqual([clean.corrupt, clean.missing, clean.rehashed], [[], [], 2]);

    const onnxSha = sha256Hex(files['backbone.onnx']);
    await tamper(zoo, onnxSha, files['backbone.onnx']);
    // Pretend the change slipped past the fingerprint: record the tampered file's stat as verified.
    const stat = await zoo.stores.blobs.stat(onnxSha as never);
    await zoo.stores.meta.recordBlob({
      sha256: onnxSha as never,
      sizeBytes: stat?.sizeBytes ?? 0,
      fingerprint: stat?.fingerprint ?? '',
      verifiedAt: '',
    });
    const quick = await integrity.check({ full: false });
    assert.deepEqual(quick.corrupt, [], 'a quick check trusts fingerprints');
    await rm(join(zoo.dataDir, 'blobs', 'sha256', configSha), { force: true });
    const full = await integrity.check({ full: true });
    assert.deepEqual(full.corrupt, [onnxSha]);
    assert.deepEqual(full.missing, [configSha]);
  });

  it('adopts a verified blob stored just before a crash and quarantines an unrecorded one that does not match', async () => {
    const good = new TextEncoder().encode('linked, then the process died');
    const bad = new TextEncoder().encode('bytes under the wrong name');
    const dir = join(zoo.dataDir, 'blobs', 'sha256');
    await writeFile(join(dir, sha256Hex(good)), good);
    await writeFile(join(dir, sha256Hex('something else')), bad);
    const report = await new BlobIntegrity(zoo.stores.blobs, zoo.stores.meta, () => {}).check({
      full: false,
    });
    assert.deepEqual(report.adopted, [sha256Hex(good)]);
    assert.deepEqual(report.corrupt, [sha256Hex('something else')]);
    // Adopted means recorded: a commit can name it without uploading the bytes again.
    await zoo.publish('acme/adopted', { ...files, 'good.bin': good }, { token: writer, card });
    const served = await zoo.request('/acme/adopted/resolve/main/good.bin');
    assert.deepEqual(new Uint8Array(await served.arrayBuffer()), good);
  });
});
