import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ZooClient, ZooError } from '@mim4d/zoo';
import { type ClientWorld, revisionWithWeights, startClientWorld } from './client-fixture.ts';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const run = promisify(execFile);

async function rejection(promise: Promise<unknown>): Promise<ZooError> {
  const error = await promise.then(
    () => assert.fail('expected the call to fail'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof ZooError, `expected a ZooError, got ${error}`);
  return error;
}

const noNetwork: typeof fetch = () => {
  throw new Error('this client must not use the network');
};

describe('zoo client publishing, pinning and offline use (against a real server)', () => {
  let world: ClientWorld;
  before(async () => {
    world = await startClientWorld();
  });
  after(() => world.close());

  it('publishes files from disk and pulls them back with equal sha256, sending shared blobs once', async () => {
    const { files, card } = revisionWithWeights(256 * 1024);
    const dir = await world.tempDir();
    const onDisk: Record<string, string> = {};
    for (const [path, bytes] of Object.entries(files)) {
      onDisk[path] = join(dir, path);
      await writeFile(onDisk[path], bytes);
    }
    const publisher = await world.client({ token: world.writeToken });
    const first = await publisher.publish('org/roundtrip', onDisk, card, { message: 'first' });
    assert.deepEqual(first.uploaded.sort(), ['backbone.onnx', 'config.json', 'weights.bin']);
    const puller = await world.client();
    const snapshot = await puller.snapshot('org/roundtrip');
    assert.equal(snapshot.revision, first.revision);
    for (const [path, bytes] of Object.entries(files)) {
      assert.equal(sha256(await readFile(join(snapshot.dir, path))), sha256(bytes), path);
    }
    const second = await publisher.publish(
      'org/roundtrip',
      { ...files, 'config.json': Buffer.from('{"depth":18}') },
      card,
    );
    assert.deepEqual(second.uploaded, ['config.json']);
    assert.deepEqual(second.deduplicated.sort(), ['backbone.onnx', 'weights.bin']);
    assert.equal((await puller.manifest('org/roundtrip', second.revision)).parent, first.revision);
  });

  it('keeps a pinned revision without asking the server again, while a tag follows new publishes', async () => {
    const { files, card } = revisionWithWeights(1024);
    const publisher = await world.client({ token: world.writeToken });
    const v1 = (await publisher.publish('org/pinned', files, card)).revision;
    let requests = 0;
    const counting: typeof fetch = (input, init) => {
      requests++;
      return fetch(input, init);
    };
    const reader = await world.client({ fetch: counting });
    await reader.snapshot(`org/pinned`, { revision: v1 });
    const v2 = (
      await publisher.publish('org/pinned', { ...files, 'config.json': Buffer.from('{"depth":34}') }, card)
    ).revision;
    requests = 0;
    const pinned = await reader.snapshot('org/pinned', { revision: v1 });
    assert.equal(requests, 0, 'a cached immutable revision needs no request');
    assert.equal(pinned.revision, v1);
    const latest = await reader.snapshot('org/pinned');
    assert.equal(latest.revision, v2);
    assert.deepEqual(JSON.parse(await readFile(join(latest.dir, 'config.json'), 'utf8')), { depth: 34 });
  });

  it('works offline from the cache: tags from refs, revisions from cached manifests, never the network', async () => {
    const { files, card } = revisionWithWeights(4096);
    const publisher = await world.client({ token: world.writeToken });
    const { revision } = await publisher.publish('org/offline', files, card);
    const online = await world.client();
    await online.download('org/offline', 'weights.bin');
    const offline = new ZooClient({
      ...online.settings,
      offline: true,
      configPath: '/nonexistent/zoo.json',
      fetch: noNetwork,
    });

    const byTag = await offline.download('org/offline', 'weights.bin');
    assert.equal(byTag.status, 'cached');
    assert.equal(sha256(await readFile(byTag.localPath)), sha256(files['weights.bin']));
    assert.equal((await offline.manifest('org/offline', revision)).revision, revision);
    assert.equal((await rejection(offline.download('org/offline', 'config.json'))).code, 'NotCached');
    assert.equal((await rejection(offline.manifest('org/offline', 'v2'))).code, 'NotCached');
    assert.equal((await rejection(offline.listModels())).code, 'Offline');
  });

  it('lets exactly one of two concurrent publishes on the same parent win; the other gets StaleParent', async () => {
    const { files, card } = revisionWithWeights(64 * 1024);
    const a = await world.client({ token: world.writeToken });
    const b = await world.client({ token: world.writeToken });
    const outcomes = await Promise.allSettled([
      a.publish('org/race', files, card, { parentRevision: null }),
      b.publish('org/race', { ...files, 'config.json': Buffer.from('{"depth":152}') }, card, {
        parentRevision: null,
      }),
    ]);
    const won = outcomes.filter((o) => o.status === 'fulfilled');
    const lost = outcomes.filter((o) => o.status === 'rejected');
    assert.equal(won.length, 1);
    assert.equal(lost.length, 1);
    assert.equal((lost[0].reason as ZooError).code, 'StaleParent');
    assert.equal((lost[0].reason as ZooError).status, 409);
    const info = await a.modelInfo('org/race');
    assert.equal(info.head, (won[0] as PromiseFulfilledResult<{ revision: string }>).value.revision);
  });

  it('downloads a model while it is being published again and always gets a whole revision', async () => {
    const { files, card } = revisionWithWeights(512 * 1024);
    const publisher = await world.client({ token: world.writeToken });
    const v1 = (await publisher.publish('org/busy', files, card)).revision;
    const readers = await Promise.all([1, 2, 3].map(() => world.client()));
    const [v2, ...snapshots] = await Promise.all([
      publisher.publish('org/busy', { ...files, 'weights.bin': new Uint8Array(512 * 1024).fill(7) }, card),
      ...readers.map((r) => r.snapshot('org/busy')),
    ]);
    for (const s of snapshots as Awaited<ReturnType<ZooClient['snapshot']>>[]) {
      assert.ok([v1, (v2 as { revision: string }).revision].includes(s.revision));
      for (const f of s.files) assert.equal(sha256(await readFile(f.localPath)), f.sha256, f.path);
    }
  });

  it('shares one cache between two processes pulling the same model at once', async () => {
    const { files, card } = revisionWithWeights(2 * 2 ** 20);
    await world.zoo.publish('org/twoproc', files, { token: world.writeToken, card });
    const shared = join(await world.tempDir(), 'cache');
    const configPath = join(await world.tempDir(), 'none.json');
    const child = run(
      process.execPath,
      [
        '--import',
        'tsx',
        join(import.meta.dirname, 'pull-in-child.ts'),
        world.endpoint,
        shared,
        configPath,
        'org/twoproc',
      ],
      { env: { ...process.env, MIM4D_ZOO_TOKEN: '' } },
    );
    const here = new ZooClient({ endpoint: world.endpoint, cacheDir: shared, configPath });
    const mine = await here.snapshot('org/twoproc');
    const theirs = JSON.parse((await child).stdout) as { path: string; bytes: number }[];
    for (const f of mine.files) assert.equal(sha256(await readFile(f.localPath)), f.sha256, f.path);
    const weightsBytes = mine.files.find((f) => f.path === 'weights.bin')?.bytesTransferred ?? 0;
    const theirBytes = theirs.find((f) => f.path === 'weights.bin')?.bytes ?? 0;
    assert.ok(weightsBytes + theirBytes >= 2 * 2 ** 20, 'the file was transferred at least once');
    assert.ok(weightsBytes + theirBytes <= 2 * 2 * 2 ** 20, 'and at most once per process');
  });

  it('reports a bad or under-scoped token with the server code', async () => {
    const bogus = await world.client({ token: 'mzt_not-a-real-token' });
    const unauthorized = await rejection(bogus.listModels());
    assert.equal(unauthorized.code, 'Unauthorized');
    assert.equal(unauthorized.status, 401);
    const reader = await world.client({ token: await world.zoo.token('read') });
    const { files, card } = revisionWithWeights(1024);
    const forbidden = await rejection(reader.publish('org/nope', files, card));
    assert.equal(forbidden.code, 'Forbidden');
    assert.equal(forbidden.status, 403);
  });

  it('sees a private model only with a token that may read its namespace', async () => {
    const { files, card } = revisionWithWeights(1024);
    const publisher = await world.client({ token: world.writeToken });
    await publisher.publish('org/secret', files, card, { private: true });
    const anonymous = await world.client();
    assert.equal((await rejection(anonymous.snapshot('org/secret'))).code, 'RepoNotFound');
    const reader = await world.client({ token: await world.zoo.token('read:org') });
    const snapshot = await reader.snapshot('org/secret');
    assert.equal(sha256(await readFile(join(snapshot.dir, 'weights.bin'))), sha256(files['weights.bin']));
    assert.deepEqual(
      (await reader.listModels({ q: 'secret' })).models.map((m) => [m.id, m.private]),
      [['org/secret', true]],
    );
  });

  it('logs in only with a token the server accepts, saving it readable by the owner only', async () => {
    const configPath = join(await world.tempDir(), 'conf', 'zoo.json');
    await assert.rejects(
      ZooClient.login({ token: 'mzt_wrong', endpoint: world.endpoint, configPath }),
      (e: unknown) => e instanceof ZooError && e.code === 'Unauthorized',
    );
    await assert.rejects(stat(configPath), { code: 'ENOENT' });
    const token = await world.zoo.token('write:org');
    assert.equal(await ZooClient.login({ token, endpoint: world.endpoint, configPath }), configPath);
    assert.equal((await stat(configPath)).mode & 0o777, 0o600);
    const client = new ZooClient({ configPath, cacheDir: await world.tempDir() });
    assert.equal(client.settings.endpoint, world.endpoint);
    assert.equal(client.settings.token, token);
  });
});
