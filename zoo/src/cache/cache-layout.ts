import { join } from 'node:path';
import type { RepoId, RevisionId, Sha256Hex } from '../client/names.ts';

/**
 * Where everything lives in a cache root (documented in zoo/README.md). Names are checked before they get here:
 * namespaces and names never contain "--", so `models--ns--name` is unambiguous.
 */
export class CacheLayout {
  constructor(readonly root: string) {}

  modelDir(repo: RepoId): string {
    return join(this.root, `models--${repo.namespace}--${repo.name}`);
  }

  /** The verified bytes of a file, named by their sha256. */
  blob(repo: RepoId, sha256: Sha256Hex): string {
    return join(this.modelDir(repo), 'blobs', sha256);
  }

  /** A download in progress or interrupted; only the holder of the blob's lock appends to it. */
  incomplete(repo: RepoId, sha256: Sha256Hex): string {
    return `${this.blob(repo, sha256)}.incomplete`;
  }

  lock(repo: RepoId, sha256: Sha256Hex): string {
    return `${this.blob(repo, sha256)}.lock`;
  }

  /** A text file holding the revision id a tag pointed at when last seen online. */
  ref(repo: RepoId, tag: string): string {
    return join(this.modelDir(repo), 'refs', tag);
  }

  /** The manifest of an immutable revision: final once written. */
  manifest(repo: RepoId, revision: RevisionId): string {
    return join(this.modelDir(repo), 'manifests', `${revision}.json`);
  }

  snapshotDir(repo: RepoId, revision: RevisionId): string {
    return join(this.modelDir(repo), 'snapshots', revision);
  }

  snapshotFile(repo: RepoId, revision: RevisionId, path: string): string {
    return join(this.snapshotDir(repo, revision), ...path.split('/'));
  }
}
