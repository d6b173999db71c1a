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

describe('mim4d-zoo token list and revoke', () => {
  it('lists tokens without secrets, and a revoked token answers 401 while the others keep working', async () => {
    const zoo = await startZoo();
    try {
      const kept = await zoo.token('read');
      const doomed = await zoo.token('write:acme');
      const before = await zooCli('token', 'list', '--data', zoo.dataDir);
      assert.equal(before.code, 0, before.stderr);
      const lines = before.stdout.trim().split('\n');
      assert.equal(lines.length, 2);
      assert.doesNotMatch(before.stdout, /mzt_/, 'secrets are never shown');
      assert.match(lines[1], /^tok_[0-9a-f]{12}\ttest\twrite:acme\t\S+\tactive$/);
      const id = lines[1].split('\t')[0];

      const revoked = await zooCli('token', 'revoke', id, '--data', zoo.dataDir);
      assert.equal(revoked.code, 0, revoked.stderr);
      assert.match(revoked.stdout, new RegExp(`revoked ${id} "test" at `));
      const after = await zooCli('token', 'list', '--data', zoo.dataDir);
      assert.match(after.stdout, new RegExp(`${id}\t.*\trevoked \\d{4}-`));

      const refused = await zoo.request('/api/v1/models', { token: doomed });
      assert.equal(refused.status, 401);
      assert.equal(refused.headers.get('x-error-code'), 'Unauthorized');
      assert.equal((await zoo.request('/api/v1/models', { token: kept })).status, 200);

      const unknown = await zooCli('token', 'revoke', 'tok_000000000000', '--data', zoo.dataDir);
      assert.notEqual(unknown.code, 0);
      assert.match(unknown.stderr, /no token tok_000000000000/);
    } finally {
      await zoo.close();
    }
  });
});
