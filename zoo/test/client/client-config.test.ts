import assert from 'node:assert/strict';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEFAULT_ENDPOINT,
  defaultCacheDir,
  defaultConfigPath,
  readConfig,
  resolveSettings,
  writeConfig,
} from '../../src/client/client-config.ts';

describe('client settings and the saved login', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mim4d-zoo-config-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('saves the login readable by its owner only and reads it back', async () => {
    const path = join(dir, 'nested', 'zoo.json');
    await writeConfig(path, { endpoint: 'https://zoo.example', token: 'mzt_secret' });
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    assert.equal((await stat(join(dir, 'nested'))).mode & 0o777, 0o700);
    assert.deepEqual(readConfig(path), { endpoint: 'https://zoo.example', token: 'mzt_secret' });
  });

  it('takes options over the environment over the saved login over the defaults', async () => {
    const configPath = join(dir, 'zoo.json');
    await writeConfig(configPath, { endpoint: 'https://saved.example', token: 'saved' });
    const env = { MIM4D_ZOO_ENDPOINT: 'https://env.example', MIM4D_ZOO_TOKEN: 'env', MIM4D_ZOO_CACHE: '/c' };
    assert.deepEqual(resolveSettings({ configPath }, {}), {
      endpoint: 'https://saved.example',
      token: 'saved',
      cacheDir: defaultCacheDir({}),
      offline: false,
    });
    assert.deepEqual(resolveSettings({ configPath }, { ...env, MIM4D_ZOO_OFFLINE: '1' }), {
      endpoint: 'https://env.example',
      token: 'env',
      cacheDir: '/c',
      offline: true,
    });
    const explicit = resolveSettings(
      { configPath, endpoint: 'http://opt.example', token: 'opt', offline: false },
      env,
    );
    assert.equal(explicit.endpoint, 'http://opt.example');
    assert.equal(explicit.token, 'opt');
    assert.equal(explicit.offline, false);
    assert.equal(resolveSettings({ configPath: join(dir, 'none.json') }, {}).endpoint, DEFAULT_ENDPOINT);
  });

  it('documents where files go by default', () => {
    assert.equal(defaultConfigPath({ XDG_CONFIG_HOME: '/x' }), '/x/mim4d/zoo.json');
    assert.equal(defaultConfigPath({ MIM4D_ZOO_CONFIG: '/y.json', XDG_CONFIG_HOME: '/x' }), '/y.json');
    assert.equal(defaultCacheDir({ XDG_CACHE_HOME: '/c' }), '/c/mim4d/zoo');
  });

  it('names the file, field or variable behind bad settings', async () => {
    const path = join(dir, 'zoo.json');
    await writeFile(path, '{"token": 42}');
    assert.throws(() => readConfig(path), new RegExp(`${path}: field "token" must be a string`));
    await writeFile(path, '{"token": ');
    assert.throws(() => readConfig(path), /not valid JSON.*login again/);
    assert.throws(
      () => resolveSettings({ configPath: join(dir, 'none.json') }, { MIM4D_ZOO_ENDPOINT: 'ftp://x' }),
      /MIM4D_ZOO_ENDPOINT: "ftp:\/\/x" must be an http/,
    );
    assert.throws(
      () => resolveSettings({ configPath: join(dir, 'none.json'), endpoint: 'zoo' }),
      /endpoint option: "zoo" is not a URL/,
    );
  });
});
