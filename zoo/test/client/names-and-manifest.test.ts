import assert from 'node:assert/strict';
import { parseManifest } from '../../src/client/manifest.ts';
import { checkRepoPath, parseRepoRef } from '../../src/client/names.ts';

const rev = 'a'.repeat(40);
const sha = 'b'.repeat(64);

describe('model references', () => {
  it('reads namespace/name with an optional tag or revision id', () => {
    assert.deepEqual(parseRepoRef('org/backbone'), { repo: { namespace: 'org', name: 'backbone' } });
    assert.deepEqual(parseRepoRef('org/backbone@v1.2'), {
      repo: { namespace: 'org', name: 'backbone' },
      revision: 'v1.2',
    });
    assert.equal(parseRepoRef(`org/backbone@${rev}`).revision, rev);
  });

  it('refuses ids that would be ambiguous or unsafe on disk, naming the part at fault', () => {
    assert.throws(() => parseRepoRef('backbone'), /not a model id/);
    assert.throws(() => parseRepoRef('a/b/c'), /not a model id/);
    assert.throws(() => parseRepoRef('org/a--b'), /model name "a--b"/);
    assert.throws(() => parseRepoRef('../b'), /namespace "\.\."/);
    assert.throws(() => parseRepoRef('org/b@../../etc'), /revision "\.\.\/\.\.\/etc"/);
  });

  it('accepts only relative repository paths without traversal or hidden segments', () => {
    assert.equal(checkRepoPath('heads/det/model.onnx', 'path'), 'heads/det/model.onnx');
    for (const bad of ['../x', '/etc/passwd', 'a//b', '.git/config', 'a/./b', '', 'a\\b']) {
      assert.throws(() => checkRepoPath(bad, 'path'), /is not a safe relative path/, bad);
    }
  });
});

describe('parseManifest', () => {
  const good = {
    revision: rev,
    parent: null,
    createdAt: '2025-01-01T00:00:00Z',
    files: [{ path: 'm.onnx', size: 3, sha256: sha }],
  };

  it('keeps a well-formed manifest', () => {
    assert.deepEqual(parseManifest(good, 'test'), good);
  });

  it('names the source and the field of the first problem', () => {
    const cases: [unknown, RegExp][] = [
      [[], /src: manifest is not a JSON object/],
      [{ ...good, revision: 'main' }, /field "revision"/],
      [
        { ...good, files: [{ path: '../m', size: 3, sha256: sha }] },
        /files\[0\]\.path "\.\.\/m" is not a safe/,
      ],
      [{ ...good, files: [{ path: 'm', size: -1, sha256: sha }] }, /files\[0\]\.size is not a byte count/],
      [{ ...good, files: [{ path: 'm', size: 1, sha256: 'B'.repeat(64) }] }, /files\[0\]\.sha256/],
      [{ ...good, files: [good.files[0], good.files[0]] }, /files\[1\]\.path "m\.onnx" is listed twice/],
    ];
    for (const [value, message] of cases) assert.throws(() => parseManifest(value, 'src'), message);
  });
});
