/**
 * The zoo's naming rules, shared by the server (which refuses bad names in requests) and the client (which writes
 * names to disk and so must not trust a server, a config file or a user to have checked them).
 */

/** Hex sha256 of a file's bytes: the name of its blob and its strong ETag. */
export type Sha256Hex = string & { readonly __brand: 'Sha256Hex' };
/** An immutable revision id: 40 lowercase hex characters, the shape of a git commit so Hugging Face clients accept it. */
export type RevisionId = string & { readonly __brand: 'RevisionId' };

// Namespace and model names follow the HF Hub's repo-id rules so `ns/name` works as a huggingface_hub repo_id.
const NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,94}[A-Za-z0-9])?$/;
const TAG = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,62}[A-Za-z0-9])?$/;
const PATH_SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._+=@-]*$/;

export function isSha256(value: string): value is Sha256Hex {
  return /^[0-9a-f]{64}$/.test(value);
}

export function isRevisionId(value: string): value is RevisionId {
  return /^[0-9a-f]{40}$/.test(value);
}

/** A namespace or a model name. */
export function isModelNamePart(value: string): boolean {
  return NAME.test(value) && !value.includes('--') && !value.includes('..');
}

/** A tag's spelling; whether it may also look like a revision id is the caller's rule. */
export function isTagName(value: string): boolean {
  return TAG.test(value);
}

/** A file path inside a revision: relative, "/"-separated, no empty, "." or ".." segments, no hidden segments. */
export function isSafeRepoPath(path: string): boolean {
  const segments = path.split('/');
  return (
    path.length > 0 &&
    path.length <= 512 &&
    segments.length <= 16 &&
    segments.every((s) => PATH_SEGMENT.test(s))
  );
}
