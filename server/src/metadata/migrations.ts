/**
 * Schema migrations, applied in order and recorded in SQLite's `user_version`. Append only: a released step is
 * never edited, so every database reaches the same schema.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE models (
    id INTEGER PRIMARY KEY,
    namespace TEXT NOT NULL,
    name TEXT NOT NULL,
    private INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    head TEXT NOT NULL,
    UNIQUE (namespace COLLATE NOCASE, name COLLATE NOCASE)
  );
  CREATE TABLE revisions (
    id TEXT PRIMARY KEY,
    model_id INTEGER NOT NULL REFERENCES models(id),
    parent TEXT REFERENCES revisions(id),
    created_at TEXT NOT NULL,
    message TEXT NOT NULL,
    card TEXT NOT NULL
  );
  CREATE TABLE blobs (
    sha256 TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    fingerprint TEXT NOT NULL,
    verified_at TEXT NOT NULL
  );
  CREATE TABLE revision_files (
    revision TEXT NOT NULL REFERENCES revisions(id),
    path TEXT NOT NULL,
    sha256 TEXT NOT NULL REFERENCES blobs(sha256),
    size INTEGER NOT NULL,
    PRIMARY KEY (revision, path)
  );
  CREATE INDEX revision_files_sha256 ON revision_files (sha256);
  CREATE TABLE refs (
    model_id INTEGER NOT NULL REFERENCES models(id),
    tag TEXT NOT NULL,
    revision TEXT NOT NULL REFERENCES revisions(id),
    updated_at TEXT NOT NULL,
    PRIMARY KEY (model_id, tag)
  );
  CREATE TABLE upload_declarations (
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    declared_at TEXT NOT NULL,
    PRIMARY KEY (sha256, size)
  );
  CREATE TABLE tokens (
    id TEXT PRIMARY KEY,
    secret_sha256 TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    scopes TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  `,
  // Revoked tokens are kept (submissions and rows name their token id) but no longer authenticate.
  `
  ALTER TABLE tokens ADD COLUMN revoked_at TEXT;
  `,
  // Who proved possession of a blob by uploading its bytes: a hash alone must not let anyone else use it.
  `
  CREATE TABLE blob_uploaders (
    sha256 TEXT NOT NULL,
    token_id TEXT NOT NULL,
    uploaded_at TEXT NOT NULL,
    PRIMARY KEY (sha256, token_id)
  );
  `,
  // Tokens may expire: an expired token answers 401 like a revoked one.
  `
  ALTER TABLE tokens ADD COLUMN expires_at TEXT;
  `,
  // Blobs that something besides a revision keeps (a submission's body, a benchmark's ground truth): gc leaves them.
  `
  CREATE TABLE blob_holds (
    holder TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    held_at TEXT NOT NULL,
    PRIMARY KEY (holder, sha256)
  );
  CREATE INDEX blob_holds_sha256 ON blob_holds (sha256);
  `,
];
