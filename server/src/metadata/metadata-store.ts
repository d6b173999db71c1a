import type { ModelCard } from '@mim4d/zoo';
import type { Scope } from '../auth/scopes.ts';
import type { RevisionId, Sha256Hex } from '../names.ts';

export interface ModelRef {
  namespace: string;
  name: string;
}

export interface ModelRecord extends ModelRef {
  private: boolean;
  createdAt: string;
  /** The latest revision: the parent the next commit must name. */
  head: RevisionId;
}

export interface FileEntry {
  path: string;
  sha256: Sha256Hex;
  sizeBytes: number;
}

export interface RevisionRecord {
  id: RevisionId;
  model: ModelRef;
  parent: RevisionId | null;
  createdAt: string;
  message: string;
  card: ModelCard;
  files: FileEntry[];
}

export interface BlobRecord {
  sha256: Sha256Hex;
  sizeBytes: number;
  /** The store's fingerprint when the bytes last hashed to `sha256`. */
  fingerprint: string;
  verifiedAt: string;
}

export interface TokenRecord {
  id: string;
  name: string;
  scopes: Scope[];
  createdAt: string;
  /** Set once revoked; a revoked token no longer authenticates. */
  revokedAt?: string;
  /** From then on (ISO 8601) the token no longer authenticates; absent: it never expires. */
  expiresAt?: string;
}

export interface NewCommit {
  model: ModelRef;
  parent: RevisionId | null;
  /** Only read when the commit creates the model. */
  private: boolean;
  card: ModelCard;
  files: FileEntry[];
  message: string;
  tags: string[];
}

export type CommitOutcome =
  | { ok: true; revision: RevisionId }
  | { ok: false; reason: 'StaleParent'; head: RevisionId | null }
  | { ok: false; reason: 'ModelNotFound' }
  | { ok: false; reason: 'MissingBlob'; paths: string[] };

export interface ModelListPage {
  models: ModelRecord[];
  /** Pass back as `after` for the next page; null on the last one. */
  next: string | null;
}

/** Which private models a caller may see. */
export type Visibility = { all: true } | { all: false; namespaces: string[] };

/** A blob some visible model refers to; `public` when at least one of those models is public. */
export interface VisibleBlob {
  blob: BlobRecord;
  public: boolean;
}

/**
 * Models, revisions, tags, blob records, upload declarations and tokens. Every call is asynchronous so that a
 * networked database fits behind it: SQLite implements it for the embedded server; a PostgreSQL implementation can
 * replace it without touching routes. Leaderboards will get their own
 * interface next to this one (benchmarks, submissions), sharing the same database and migration list.
 */
export interface MetadataStore {
  getModel(model: ModelRef): Promise<ModelRecord | null>;
  listModels(query: {
    q?: string;
    after?: string;
    limit: number;
    visibility: Visibility;
  }): Promise<ModelListPage>;
  getRefs(model: ModelRef): Promise<Record<string, RevisionId>>;
  /** A 40-hex id or a tag, resolved within the model. */
  resolveRevision(model: ModelRef, rev: string): Promise<RevisionId | null>;
  getRevision(id: RevisionId): Promise<RevisionRecord | null>;
  /**
   * Atomically checks the parent against the head, checks every file's blob is recorded with its size, writes the
   * revision and moves the tags.
   */
  commit(commit: NewCommit): Promise<CommitOutcome>;
  setTag(model: ModelRef, tag: string, revision: RevisionId): Promise<void>;

  getBlob(sha256: Sha256Hex): Promise<BlobRecord | null>;
  /**
   * The blob, if a revision of a model within `visibility` (public, or private in a visible namespace) contains it;
   * null for a blob no such revision names, stored or not, so the answer reveals nothing about private models.
   */
  findVisibleBlob(sha256: Sha256Hex, visibility: Visibility): Promise<VisibleBlob | null>;
  recordBlob(blob: BlobRecord): Promise<void>;
  listBlobs(): Promise<BlobRecord[]>;
  /** Blobs some revision refers to or some holder holds. */
  referencedBlobs(): Promise<Sha256Hex[]>;
  /**
   * Deletes the record of a blob (who uploaded and declared it too) if no revision names it and nothing holds it,
   * atomically, so a commit naming it at the same time either lands first (and the blob stays) or fails with
   * MissingBlob. True when deleted.
   */
  forgetUnreferencedBlob(sha256: Sha256Hex): Promise<boolean>;
  /**
   * Keeps recorded blobs from garbage collection for `holder` (a name such as `submission/<id>`): what the
   * leaderboards store in the blob store besides checkpoints. Holding a blob twice is a no-op.
   */
  holdBlobs(holder: string, sha256s: readonly Sha256Hex[]): Promise<void>;
  /** Ends every hold of `holder`; its blobs become garbage unless something else names them. */
  releaseBlobs(holder: string): Promise<void>;

  /** Records that the token sent the blob's bytes (so it may commit the blob without seeing a model naming it). */
  recordUploader(sha256: Sha256Hex, tokenId: string): Promise<void>;
  hasUploaded(sha256: Sha256Hex, tokenId: string): Promise<boolean>;

  /**
   * Lets uploads of (sha256, size) in. A declaration outlives the first completed upload: others who declared the
   * same blob must still be able to send their bytes (a stored blob they may not reuse needs them); gc clears it.
   */
  declareUpload(sha256: Sha256Hex, sizeBytes: number): Promise<void>;
  isUploadDeclared(sha256: Sha256Hex, sizeBytes: number): Promise<boolean>;
  declaredSizes(sha256: Sha256Hex): Promise<number[]>;

  createToken(token: {
    id: string;
    secretSha256: string;
    name: string;
    scopes: Scope[];
    expiresAt?: string;
  }): Promise<TokenRecord>;
  /** A token that is not revoked (expired ones included: the caller says why it refuses them). */
  findTokenBySecretSha256(secretSha256: string): Promise<TokenRecord | null>;
  getToken(id: string): Promise<TokenRecord | null>;
  /** Every token, revoked ones included, oldest first. */
  listTokens(): Promise<TokenRecord[]>;
  /** Revokes the token (a no-op if it already is); null if there is no such token. */
  revokeToken(id: string): Promise<TokenRecord | null>;

  close(): Promise<void>;
}
