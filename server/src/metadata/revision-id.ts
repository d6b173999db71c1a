import { createHash } from 'node:crypto';
import type { RevisionId } from '../names.ts';
import type { NewCommit } from './metadata-store.ts';

/** A revision id is the sha1 of everything the revision says, like a git commit id. */
export function revisionId(commit: NewCommit, createdAt: string): RevisionId {
  const files = [...commit.files].sort((a, b) => (a.path < b.path ? -1 : 1));
  const body = JSON.stringify([commit.model, commit.parent, createdAt, commit.message, files, commit.card]);
  return createHash('sha1').update(body).digest('hex') as RevisionId;
}
