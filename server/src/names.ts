import { ProblemError } from './errors.ts';

/** A revision id: 40 lowercase hex characters, the shape of a git commit so Hugging Face clients accept it. */
export type RevisionId = string & { readonly __brand: 'RevisionId' };
/** Hex sha256 of a blob's bytes. */
export type Sha256Hex = string & { readonly __brand: 'Sha256Hex' };

export const REVISION_ID = /^[0-9a-f]{40}$/;
export const SHA256_HEX = /^[0-9a-f]{64}$/;
// Namespace and model names follow the HF Hub's repo-id rules so `ns/name` works as a huggingface_hub repo_id.
const NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,94}[A-Za-z0-9])?$/;
const TAG = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,62}[A-Za-z0-9])?$/;
const PATH_SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._+=@-]*$/;
/** Namespaces the server's own routes use; a model there could not be addressed. */
const RESERVED_NAMESPACES = new Set(['api', 'docs', 'healthz']);

export function isRevisionId(value: string): value is RevisionId {
  return REVISION_ID.test(value);
}

export function isSha256(value: string): value is Sha256Hex {
  return SHA256_HEX.test(value);
}

export function checkSha256(value: unknown, field: string): Sha256Hex {
  if (typeof value !== 'string' || !isSha256(value)) {
    throw new ProblemError(400, 'BadRequest', `${field} must be 64 lowercase hex characters (a sha256)`);
  }
  return value;
}

export function checkModelName(ns: string, name: string): void {
  for (const [what, value] of [
    ['namespace', ns],
    ['model name', name],
  ] as const) {
    if (!NAME.test(value) || value.includes('--') || value.includes('..')) {
      throw new ProblemError(
        400,
        'InvalidName',
        `${what} "${value}" must be 1-96 letters, digits, ".", "_" or "-", start and end with a letter or digit, without "--" or ".."`,
      );
    }
  }
  if (RESERVED_NAMESPACES.has(ns.toLowerCase())) {
    throw new ProblemError(400, 'InvalidName', `namespace "${ns}" is reserved`);
  }
}

/** Tags must not look like revision ids, or `resolve/{rev}` would be ambiguous. */
export function checkTag(tag: string): void {
  if (!TAG.test(tag) || isRevisionId(tag)) {
    throw new ProblemError(
      400,
      'InvalidName',
      `tag "${tag}" must be 1-64 letters, digits, ".", "_" or "-", start and end with a letter or digit, and not be 40 hex characters`,
    );
  }
}

/**
 * A file path inside a revision: relative, "/"-separated, no empty, "." or ".." segments, no leading dot per segment
 * and no characters that need quoting. Paths never touch the filesystem (files are looked up by sha256), but
 * clients write them to disk, so traversal is refused at publish time.
 */
export function checkRepoPath(path: string, field: string): void {
  const segments = path.split('/');
  if (
    path.length === 0 ||
    path.length > 512 ||
    segments.length > 16 ||
    !segments.every((s) => PATH_SEGMENT.test(s))
  ) {
    throw new ProblemError(
      422,
      'InvalidCommit',
      `${field} "${path}" is not a safe relative path (segments of letters, digits and ._+=@-, none starting with ".", at most 512 characters)`,
    );
  }
}
