/**
 * The zoo's schema in PostgreSQL, one step per release that changed it, applied in order and counted in
 * `zoo_schema`. Append only: a released step is never edited. Timestamps are the ISO 8601 UTC text the server
 * writes (as in SQLite), so both backends answer the same strings; JSON is kept as text so key order survives.
 */
export const POSTGRES_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE models (
    id bigserial PRIMARY KEY,
    namespace text NOT NULL,
    name text NOT NULL,
    private boolean NOT NULL,
    created_at text NOT NULL,
    head text NOT NULL
  );
  CREATE UNIQUE INDEX models_name ON models (lower(namespace), lower(name));
  CREATE TABLE revisions (
    id text PRIMARY KEY,
    model_id bigint NOT NULL REFERENCES models(id),
    parent text REFERENCES revisions(id),
    created_at text NOT NULL,
    message text NOT NULL,
    card text NOT NULL
  );
  CREATE TABLE blobs (
    sha256 text PRIMARY KEY,
    size bigint NOT NULL,
    fingerprint text NOT NULL,
    verified_at text NOT NULL
  );
  CREATE TABLE revision_files (
    revision text NOT NULL REFERENCES revisions(id),
    path text NOT NULL,
    sha256 text NOT NULL REFERENCES blobs(sha256),
    size bigint NOT NULL,
    PRIMARY KEY (revision, path)
  );
  CREATE INDEX revision_files_sha256 ON revision_files (sha256);
  CREATE TABLE refs (
    model_id bigint NOT NULL REFERENCES models(id),
    tag text NOT NULL,
    revision text NOT NULL REFERENCES revisions(id),
    updated_at text NOT NULL,
    PRIMARY KEY (model_id, tag)
  );
  CREATE TABLE upload_declarations (
    sha256 text NOT NULL,
    size bigint NOT NULL,
    declared_at text NOT NULL,
    PRIMARY KEY (sha256, size)
  );
  CREATE TABLE blob_uploaders (
    sha256 text NOT NULL,
    token_id text NOT NULL,
    uploaded_at text NOT NULL,
    PRIMARY KEY (sha256, token_id)
  );
  CREATE TABLE tokens (
    seq bigserial NOT NULL,
    id text PRIMARY KEY,
    secret_sha256 text NOT NULL UNIQUE,
    name text NOT NULL,
    scopes text NOT NULL,
    created_at text NOT NULL,
    revoked_at text,
    expires_at text
  );
  CREATE TABLE lb_benchmarks (
    id text PRIMARY KEY,
    spec text NOT NULL
  );
  CREATE TABLE lb_rows (
    seq bigserial NOT NULL,
    id text PRIMARY KEY,
    benchmark text NOT NULL REFERENCES lb_benchmarks(id),
    name text NOT NULL,
    model text,
    metrics text NOT NULL,
    status text NOT NULL CHECK (status IN ('verified', 'self-reported', 'baseline')),
    provenance text NOT NULL
  );
  CREATE INDEX lb_rows_benchmark ON lb_rows (benchmark, seq);
  CREATE INDEX lb_rows_model ON lb_rows (lower(model));
  CREATE TABLE lb_submissions (
    seq bigserial NOT NULL,
    id text PRIMARY KEY,
    benchmark text NOT NULL REFERENCES lb_benchmarks(id),
    name text NOT NULL,
    model text,
    submitted_by text NOT NULL,
    idempotency_key text,
    status text NOT NULL CHECK (status IN ('queued', 'scoring', 'verified', 'failed')),
    created_at text NOT NULL,
    updated_at text NOT NULL,
    metrics text,
    errors text NOT NULL,
    row_id text REFERENCES lb_rows(id),
    UNIQUE (submitted_by, idempotency_key)
  );
  CREATE INDEX lb_submissions_quota ON lb_submissions (submitted_by, benchmark, created_at);
  CREATE TABLE rate_limit_hits (
    key text PRIMARY KEY,
    hits integer NOT NULL,
    reset_at timestamptz NOT NULL
  );
  `,
  // Submission bodies and ground truth live in the blob store, held from gc by blob_holds; a scoring worker writes a
  // heartbeat per job, so a dead worker's job is retried within seconds instead of after its expiry.
  `
  CREATE TABLE blob_holds (
    holder text NOT NULL,
    sha256 text NOT NULL,
    held_at text NOT NULL,
    PRIMARY KEY (holder, sha256)
  );
  CREATE INDEX blob_holds_sha256 ON blob_holds (sha256);
  ALTER TABLE lb_submissions ADD COLUMN body_sha256 text;
  CREATE TABLE lb_ground_truth (
    benchmark text PRIMARY KEY REFERENCES lb_benchmarks(id),
    install_id text NOT NULL,
    files text NOT NULL,
    description text NOT NULL,
    installed_at text NOT NULL
  );
  CREATE TABLE scoring_heartbeats (
    job_id text PRIMARY KEY,
    submission_id text NOT NULL,
    beat_at timestamptz NOT NULL
  );
  `,
];
