/** Tags: POST /api/v1/models/{ns}/{name}/tags/{tag} points a tag at a revision. */
import type { Tag, TagRequest } from '../wire/tags.ts';
import { type RepoId, repoString } from './names.ts';
import { encodePath, type ZooHttp } from './zoo-http.ts';

export function setTag(http: ZooHttp, repo: RepoId, tag: string, revision: string): Promise<Tag> {
  const body: TagRequest = { revision };
  return http.json<Tag>(
    `api/v1/models/${encodePath(repo.namespace, repo.name)}/tags/${encodeURIComponent(tag)}`,
    {
      what: `tag ${repoString(repo)}@${revision} as ${tag}`,
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    },
  );
}
