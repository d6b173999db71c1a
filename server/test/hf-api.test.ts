import assert from 'node:assert/strict';
import { backboneRevision } from './helpers/backbone-files.ts';
import { BACKENDS, startZoo, type ZooFixture } from './helpers/zoo-fixture.ts';

/** The shapes huggingface_hub reads for list_repo_refs and list_repo_commits, checked without Python. */
for (const backend of BACKENDS) {
  describe(`Hugging Face refs and commits routes (${backend})`, () => {
    let zoo: ZooFixture;
    const revisions: string[] = [];
    before(async () => {
      zoo = await startZoo({ backend });
      const writer = await zoo.token('write:acme');
      for (let i = 0; i < 52; i++) {
        const { files, card } = backboneRevision({ depth: i });
        revisions.push(
          await zoo.publish('acme/long', files, {
            token: writer,
            card,
            parentRevision: revisions.at(-1) ?? null,
            tags: i === 0 ? ['main', 'v0'] : ['main'],
          }),
        );
      }
    });
    after(() => zoo.close());

    it('lists every tag as a branch with its target commit', async () => {
      const refs = (await (await zoo.request('/api/models/acme/long/refs')).json()) as {
        branches: { name: string; ref: string; targetCommit: string }[];
        tags: unknown[];
      };
      assert.deepEqual(refs.branches, [
        { name: 'main', ref: 'refs/heads/main', targetCommit: revisions[51] },
        { name: 'v0', ref: 'refs/heads/v0', targetCommit: revisions[0] },
      ]);
      assert.deepEqual(refs.tags, []);
    });

    it('pages the history newest first, linking each page to the next', async () => {
      const first = await zoo.request('/api/models/acme/long/commits/main');
      const page1 = (await first.json()) as { id: string }[];
      assert.deepEqual(
        page1.map((c) => c.id),
        revisions.slice(2).reverse(),
      );
      const next = /<([^>]+)>; rel="next"/.exec(first.headers.get('link') ?? '')?.[1];
      assert.ok(next, 'a Link header to the next page');
      const second = await fetch(next);
      assert.deepEqual(
        ((await second.json()) as { id: string }[]).map((c) => c.id),
        [revisions[1], revisions[0]],
      );
      assert.equal(second.headers.get('link'), null);
      const missing = await zoo.request('/api/models/acme/long/commits/no-such-tag');
      assert.equal(missing.headers.get('x-error-code'), 'RevisionNotFound');
    });
  });
}
