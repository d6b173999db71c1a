import { readFile, rm, stat } from 'node:fs/promises';
import { type Manifest, type ManifestFile, parseManifest } from '../client/manifest.ts';
import { checkRevision, isRevisionId, type RepoId, type RevisionId } from '../client/names.ts';
import { placeFile, writeFileAtomic } from './atomic-file.ts';
import { CacheLayout } from './cache-layout.ts';
import { sha256File } from './hash-file.ts';

/** `damaged` blobs have already been deleted. */
export type BlobState = 'present' | 'absent' | 'damaged';

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}

/**
 * The on-disk cache: refs, immutable manifests, blobs named by sha256 and snapshot folders. Every write is a unique
 * temporary file renamed into place, so any number of processes may share one cache.
 */
export class ZooCache {
  readonly layout: CacheLayout;

  constructor(root: string) {
    this.layout = new CacheLayout(root);
  }

  /** The revision a tag pointed at when last resolved online, or null if never seen. */
  async readRef(repo: RepoId, tag: string): Promise<RevisionId | null> {
    const path = this.layout.ref(repo, checkRevision(tag, 'tag'));
    let text: string;
    try {
      text = (await readFile(path, 'utf8')).trim();
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
    if (!isRevisionId(text))
      throw new Error(`${path}: a ref file must hold one 40-hex revision id, found "${text.slice(0, 60)}"`);
    return text;
  }

  async writeRef(repo: RepoId, tag: string, revision: RevisionId): Promise<void> {
    await writeFileAtomic(this.layout.ref(repo, checkRevision(tag, 'tag')), `${revision}\n`);
  }

  async readManifest(repo: RepoId, revision: RevisionId): Promise<Manifest | null> {
    const path = this.layout.manifest(repo, revision);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new Error(`${path}: not valid JSON (${(error as Error).message}); delete it to fetch it again`);
    }
    const manifest = parseManifest(value, path);
    if (manifest.revision !== revision)
      throw new Error(`${path}: holds revision ${manifest.revision}, not ${revision}`);
    return manifest;
  }

  async writeManifest(repo: RepoId, manifest: Manifest): Promise<void> {
    await writeFileAtomic(this.layout.manifest(repo, manifest.revision), JSON.stringify(manifest, null, 2));
  }

  /**
   * Whether the blob is present with the right size. A wrong size can only mean damage (blobs appear by rename after
   * a full hash check), so such a file is removed and reported `damaged`; `rehash` also checks the bytes.
   */
  async blobState(repo: RepoId, file: ManifestFile, rehash = false): Promise<BlobState> {
    const path = this.layout.blob(repo, file.sha256);
    try {
      const info = await stat(path);
      if (info.size !== file.size || (rehash && (await sha256File(path)) !== file.sha256)) {
        await rm(path, { force: true });
        return 'damaged';
      }
      return 'present';
    } catch (error) {
      if (isMissing(error)) return 'absent';
      throw error;
    }
  }

  /**
   * Puts a cached blob at its snapshot path (a hard link, or a copy where links fail) unless the same file is already
   * there. A copy with the wrong size, or the wrong hash when `rehash`, is replaced and reported `replacedDamaged`.
   */
  async placeInSnapshot(
    repo: RepoId,
    revision: RevisionId,
    file: ManifestFile,
    rehash = false,
  ): Promise<{ path: string; replacedDamaged: boolean }> {
    const blob = this.layout.blob(repo, file.sha256);
    const path = this.layout.snapshotFile(repo, revision, file.path);
    const [source, existing] = await Promise.all([
      stat(blob),
      stat(path).catch((error: unknown) => {
        if (isMissing(error)) return null;
        throw error;
      }),
    ]);
    if (existing && existing.ino === source.ino && existing.dev === source.dev) {
      return { path, replacedDamaged: false };
    }
    if (existing?.size === file.size && (!rehash || (await sha256File(path)) === file.sha256)) {
      return { path, replacedDamaged: false };
    }
    await placeFile(blob, path);
    return { path, replacedDamaged: existing !== null };
  }
}
