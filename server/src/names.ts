import {
  isModelNamePart,
  isRevisionId,
  isSafeRepoPath,
  isSha256,
  isTagName,
  type Sha256Hex,
} from '@mim4d/zoo';
import { ProblemError } from './errors.ts';

export { isRevisionId, isSha256, type RevisionId, type Sha256Hex } from '@mim4d/zoo';

/** Namespaces the server's own routes use; a model there could not be addressed. */
const RESERVED_NAMESPACES = new Set(['api', 'docs', 'healthz']);

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
    if (!isModelNamePart(value)) {
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
  if (!isTagName(tag) || isRevisionId(tag)) {
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
  if (!isSafeRepoPath(path)) {
    throw new ProblemError(
      422,
      'InvalidCommit',
      `${field} "${path}" is not a safe relative path (segments of letters, digits and ._+=@-, none starting with ".", at most 512 characters)`,
    );
  }
}
