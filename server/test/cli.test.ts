import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseScopes } from '../src/auth/scopes.ts';
import { backboneRevision } from './helpers/backbone-files.ts';
import { sha256Hex, startZoo } from './helpers/zoo-fixture.ts';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'mim4d-zoo.js');
const exec = promisify(execFile);

async function zooCli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [BIN, ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('parseScopes', () => {
  it('accepts read, admin and per-namespace scopes, and names a bad one', () => {
    assert.deepEqual(parseScopes('read, write:acme,admin read:open'), [
      'read',
      'write:acme',
      'admin',
      'read:open',
    ]);
    assert.throws(() => parseScopes('write:*'), /"write:\*" is not a scope/);
    assert.throws(() => parseScopes('write'), /"write" is not a scope/);
    assert.throws(() => parseScopes(' , '), /at least one scope/);
  });
});

describe('mim4d-zoo token create and fsck', () => {
  it('creates a working token, and fsck reports a corrupt blob with exit code 1', async () => {
    const zoo = await startZoo();
    try {
      const created = await zooCli(
        'token',
        'create',
        '--scopes',
        'write:acme',
        '--name',
        'ci',
        '--data',
        zoo.dataDir,
      );
      assert.equal(created.code, 0, created.stderr);
      const token = created.stdout.trim();
      assert.match(token, /^mzt_[A-Za-z0-9_-]{43}$/);
      assert.match(created.stderr, /"ci" with scopes write:acme/);
      const { files, card } = backboneRevision();
      await zoo.publish('acme/cli', files, { token, card });

      const configSha = sha256Hex(files['config.json']);
      const blob = join(zoo.dataDir, 'blobs', 'sha256', configSha);
      await chmod(blob, 0o644);
      await writeFile(blob, '{"depth":51}');
      const fsck = await zooCli('fsck', '--data', zoo.dataDir);
      assert.equal(fsck.code, 1);
      assert.match(fsck.stdout, new RegExp(`CORRUPT blob ${configSha}`));
    } finally {
      await zoo.close();
    }
  });
});
