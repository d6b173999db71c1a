/** Hex sha256 of a file's bytes: the name of its blob in the cache and its strong ETag on the server. */
export type Sha256Hex = string & { readonly __brand: 'Sha256Hex' };
/** An immutable revision id (40 lowercase hex); tags such as `main` point at one. */
export type RevisionId = string & { readonly __brand: 'RevisionId' };
/** A model on the zoo, `namespace/name`. */
export interface RepoId {
  readonly namespace: string;
  readonly name: string;
}

// The server's rules (server/src/names.ts), repeated here because the client writes these names to disk and must
// not trust a server, a config file or a user to have checked them.
const NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,94}[A-Za-z0-9])?$/;
const TAG = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,62}[A-Za-z0-9])?$/;
const PATH_SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._+=@-]*$/;

export function isSha256(value: string): value is Sha256Hex {
  return /^[0-9a-f]{64}$/.test(value);
}

export function isRevisionId(value: string): value is RevisionId {
  return /^[0-9a-f]{40}$/.test(value);
}

/** A tag name or revision id usable in a URL and as a file name under `refs/`; throws naming `field`. */
export function checkRevision(value: string, field = 'revision'): string {
  if (isRevisionId(value) || TAG.test(value)) return value;
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
    if (!NAME.test(value) || value.includes('--') || value.includes('..')) {
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
  const segments = path.split('/');
  if (
    path.length === 0 ||
    path.length > 512 ||
    segments.length > 16 ||
    !segments.every((s) => PATH_SEGMENT.test(s))
  ) {
    throw new Error(
      `${field} "${path}" is not a safe relative path (segments of letters, digits and ._+=@-, none starting with ".")`,
    );
  }
  return path;
}
