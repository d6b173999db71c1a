import { checkRepoPath, isRevisionId, isSha256, type RevisionId, type Sha256Hex } from './names.ts';
import { ZooError } from './zoo-error.ts';

export interface ManifestFile {
  path: string;
  /** Bytes. */
  size: number;
  sha256: Sha256Hex;
}

/** The files of one immutable revision, as `GET .../revisions/{rev}/manifest` returns them. */
export interface Manifest {
  revision: RevisionId;
  parent: RevisionId | null;
  createdAt: string;
  message?: string;
  files: ManifestFile[];
  /** The model card the revision was committed with (absent in manifests cached from older servers). */
  card?: Record<string, unknown>;
}

/**
 * Checks a manifest from the server or the cache before any of its paths or hashes is used; `source` (a URL or a
 * file) is named in every error.
 */
export function parseManifest(value: unknown, source: string): Manifest {
  const fail = (what: string): never => {
    throw new Error(`${source}: manifest ${what}`);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('is not a JSON object');
  const m = value as Record<string, unknown>;
  if (typeof m.revision !== 'string' || !isRevisionId(m.revision))
    fail('field "revision" is not a 40-hex revision id');
  if (m.parent !== null && (typeof m.parent !== 'string' || !isRevisionId(m.parent)))
    fail('field "parent" is neither null nor a revision id');
  if (typeof m.createdAt !== 'string') fail('field "createdAt" is not a string');
  if (m.message !== undefined && typeof m.message !== 'string') fail('field "message" is not a string');
  if (!Array.isArray(m.files)) fail('field "files" is not a list');
  if (m.card !== undefined && (typeof m.card !== 'object' || m.card === null || Array.isArray(m.card)))
    fail('field "card" is not a JSON object');
  const seen = new Set<string>();
  const files = (m.files as unknown[]).map((entry, i): ManifestFile => {
    const f = (entry ?? {}) as Record<string, unknown>;
    if (typeof f.path !== 'string') fail(`files[${i}].path is not a string`);
    const path = checkRepoPath(f.path as string, `${source}: manifest files[${i}].path`);
    if (seen.has(path)) fail(`files[${i}].path "${path}" is listed twice`);
    seen.add(path);
    if (typeof f.size !== 'number' || !Number.isSafeInteger(f.size) || f.size < 0)
      fail(`files[${i}].size is not a byte count`);
    if (typeof f.sha256 !== 'string' || !isSha256(f.sha256))
      fail(`files[${i}].sha256 is not a lowercase hex sha256`);
    return { path, size: f.size as number, sha256: f.sha256 as Sha256Hex };
  });
  return {
    revision: m.revision as RevisionId,
    parent: (m.parent as RevisionId | null) ?? null,
    createdAt: m.createdAt as string,
    ...(m.message !== undefined ? { message: m.message as string } : {}),
    files,
    ...(m.card !== undefined ? { card: m.card as Record<string, unknown> } : {}),
  };
}

export function findFile(manifest: Manifest, path: string, repo: string): ManifestFile {
  const file = manifest.files.find((f) => f.path === path);
  if (!file) throw new ZooError('EntryNotFound', `${repo}@${manifest.revision} has no file "${path}"`);
  return file;
}
