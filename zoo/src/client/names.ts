import { isModelNamePart, isRevisionId, isSafeRepoPath, isTagName } from '../names.ts';

export { isRevisionId, isSha256, type RevisionId, type Sha256Hex } from '../names.ts';

/** A model on the zoo, `namespace/name`. */
export interface RepoId {
  readonly namespace: string;
  readonly name: string;
}

/** A tag name or revision id usable in a URL and as a file name under `refs/`; throws naming `field`. */
export function checkRevision(value: string, field = 'revision'): string {
  if (isRevisionId(value) || isTagName(value)) return value;
  throw new Error(
    `${field} "${value}" is neither a 40-hex revision id nor a tag (letters, digits, ".", "_", "-")`,
  );
}

/** Parses `ns/name` or `ns/name@rev`. */
export function parseRepoRef(text: string): { repo: RepoId; revision?: string } {
  const at = text.indexOf('@');
  const id = at < 0 ? text : text.slice(0, at);
  const parts = id.split('/');
  if (parts.length !== 2)
    throw new Error(`"${text}" is not a model id; use namespace/name or namespace/name@revision`);
  const [namespace, name] = parts;
  for (const [what, value] of [
    ['namespace', namespace],
    ['model name', name],
  ] as const) {
    if (!isModelNamePart(value)) {
      throw new Error(
        `"${text}": ${what} "${value}" must be 1-96 letters, digits, ".", "_" or "-", start and end with a letter or digit, without "--" or ".."`,
      );
    }
  }
  if (at < 0) return { repo: { namespace, name } };
  return { repo: { namespace, name }, revision: checkRevision(text.slice(at + 1), `"${text}": revision`) };
}

export function repoString(repo: RepoId): string {
  return `${repo.namespace}/${repo.name}`;
}

/** A file path inside a revision, checked before it becomes a path on disk: relative, no "..", no hidden segments. */
export function checkRepoPath(path: string, field: string): string {
  if (!isSafeRepoPath(path)) {
    throw new Error(
      `${field} "${path}" is not a safe relative path (segments of letters, digits and ._+=@-, none starting with ".")`,
    );
  }
  return path;
}
