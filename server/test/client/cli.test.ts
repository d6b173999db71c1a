import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runZooCli as zoo } from '../helpers/cli-runner.ts';
import { type ClientWorld, revisionWithWeights, startClientWorld } from './client-fixture.ts';

const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

describe('mim4d-zoo client commands', () => {
  let world: ClientWorld;
  let env: Record<string, string>;
  before(async () => {
    world = await startClientWorld();
    const home = await world.tempDir();
    env = {
      MIM4D_ZOO_CONFIG: join(home, 'zoo.json'),
      MIM4D_ZOO_CACHE: join(home, 'cache'),
      MIM4D_ZOO_TOKEN: '',
    };
  });
  after(() => world.close());

  it('logs in, pushes a folder, lists it and pulls it into another folder with equal bytes', async () => {
    const login = await zoo(env, 'login', '--token', world.writeToken, '--endpoint', world.endpoint);
    assert.equal(login.code, 0, login.stderr);
    assert.equal((await stat(env.MIM4D_ZOO_CONFIG)).mode & 0o777, 0o600);

    const { files, card } = revisionWithWeights(100_000);
    const dir = join(await world.tempDir(), 'model');
    await mkdir(join(dir, 'extra'), { recursive: true });
    for (const [path, bytes] of Object.entries(files)) await writeFile(join(dir, path), bytes);
    await writeFile(join(dir, 'extra', 'notes.txt'), 'trained on synthetic clips');
    await writeFile(join(dir, 'card.json'), JSON.stringify(card));
    const push = await zoo(env, 'push', 'org/cli', dir, '--tag', 'main', 'v1', '-m', 'first');
    assert.equal(push.code, 0, push.stderr);
    const revision = push.stdout.trim();
    assert.match(revision, /^[0-9a-f]{40}$/);
    assert.match(push.stderr, /4 file\(s\) uploaded, 0 already on the server; tags main, v1/);

    const ls = await zoo(env, 'ls', 'cli');
    assert.equal(ls.stdout.split('\t')[0], 'org/cli');
    assert.equal(ls.stdout.split('\t')[1], revision);

    const out = join(await world.tempDir(), 'pulled');
    const pull = await zoo(env, 'pull', 'org/cli@v1', '--out', out);
    assert.equal(pull.code, 0, pull.stderr);
    assert.equal(pull.stdout.trim(), out);
    assert.match(pull.stderr, new RegExp(`org/cli@v1 -> revision ${revision}`));
    for (const [path, bytes] of Object.entries(files)) {
      assert.equal(sha256(await readFile(join(out, path))), sha256(bytes), path);
    }
    assert.equal(await readFile(join(out, 'extra', 'notes.txt'), 'utf8'), 'trained on synthetic clips');
    // The card push read from card.json comes back as card.json, so the folder can be pushed again as it is.
    assert.deepEqual(JSON.parse(await readFile(join(out, 'card.json'), 'utf8')), card);

    const offline = await zoo(env, 'pull', 'org/cli@v1', '--offline', '--path', 'config.json');
    assert.equal(offline.code, 0, offline.stderr);
    assert.match(offline.stderr, /1 from the cache/);
  });

  it('fails with one line naming the problem and exit code 1', async () => {
    const missing = await zoo(env, 'pull', 'org/absent');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^mim4d-zoo: manifest of org\/absent@main: 404 RepoNotFound/);
    const badName = await zoo(env, 'pull', 'org/--x');
    assert.equal(badName.code, 1);
    assert.match(badName.stderr, /model name "--x"/);
    const noCard = await zoo(env, 'push', 'org/cli', await world.tempDir());
    assert.equal(noCard.code, 1);
    assert.match(noCard.stderr, /card\.json: cannot read the model card/);
    const withCard = await world.tempDir();
    await writeFile(join(withCard, 'card.json'), '{}');
    await writeFile(join(withCard, 'weights.bin'), 'w');
    const badParent = await zoo(env, 'push', 'org/cli', withCard, '--parent', 'main');
    assert.equal(badParent.code, 1);
    assert.match(badParent.stderr, /--parent "main" must be a 40-hex revision id or "none"/);
    const none = await zoo(env, 'ls', 'no-such-model');
    assert.equal(none.code, 0);
    assert.equal(none.stdout, '');
    assert.match(none.stderr, /no models matching "no-such-model"/);
    const badToken = await zoo({ ...env, MIM4D_ZOO_TOKEN: 'mzt_wrong' }, 'ls');
    assert.equal(badToken.code, 1);
    assert.match(badToken.stderr, /401 Unauthorized/);
  });
});
