import type Database from 'better-sqlite3';
import type { Scope } from '../auth/scopes.ts';
import type { RevisionId, Sha256Hex } from '../names.ts';
import { isRevisionId } from '../names.ts';
import { openZooDatabase } from '../zoo-database.ts';
import { unrecordedHold } from './blob-holds.ts';
import type {
  BlobRecord,
  CommitOutcome,
  FileEntry,
  MetadataStore,
  ModelListPage,
  ModelRecord,
  ModelRef,
  NewCommit,
  RevisionRecord,
  TokenRecord,
  Visibility,
  VisibleBlob,
} from './metadata-store.ts';
import { MIGRATIONS } from './migrations.ts';
import { revisionId } from './revision-id.ts';
import { type BlobRow, type TokenRow, toBlob, toToken } from './stored-rows.ts';

interface ModelRow {
  id: number;
  namespace: string;
  name: string;
  private: number;
  created_at: string;
  head: string;
}

const toModel = (row: ModelRow): ModelRecord => ({
  namespace: row.namespace,
  name: row.name,
  private: row.private === 1,
  createdAt: row.created_at,
  head: row.head as RevisionId,
});

/** A WHERE condition on `models` that keeps the models `visibility` lets the caller see, with its parameters. */
function visibleModels(visibility: Visibility): { sql: string; params: string[] } {
  if (visibility.all) return { sql: '1', params: [] };
  const { namespaces } = visibility;
  if (namespaces.length === 0) return { sql: 'models.private = 0', params: [] };
  return {
    sql: `(models.private = 0 OR models.namespace COLLATE NOCASE IN (${namespaces.map(() => '?').join(',')}))`,
    params: namespaces,
  };
}

/** SQLite in WAL mode; every multi-row change runs in one transaction, so a crash keeps the last commit or none. */
export class SqliteMetadataStore implements MetadataStore {
  private readonly db: Database.Database;
  // Preparing is most of the cost of a small query; each distinct SQL text is prepared once.
  private readonly statements = new Map<string, Database.Statement>();
  // Revisions are immutable, so a cached one never goes stale.
  private readonly revisions = new Map<RevisionId, RevisionRecord>();
  private static readonly REVISION_CACHE_SIZE = 2048;

  constructor(file: string) {
    this.db = openZooDatabase(file);
    this.migrate();
  }

  private stmt(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private migrate(): void {
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version > MIGRATIONS.length) {
      throw new Error(
        `metadata database schema v${version} is newer than this server (v${MIGRATIONS.length})`,
      );
    }
    for (let step = version; step < MIGRATIONS.length; step++) {
      this.db.transaction(() => {
        this.db.exec(MIGRATIONS[step]);
        this.db.pragma(`user_version = ${step + 1}`);
      })();
    }
  }

  private modelRow(model: ModelRef): ModelRow | undefined {
    return this.stmt(
      'SELECT * FROM models WHERE namespace = ? COLLATE NOCASE AND name = ? COLLATE NOCASE',
    ).get(model.namespace, model.name) as ModelRow | undefined;
  }

  async getModel(model: ModelRef): Promise<ModelRecord | null> {
    const row = this.modelRow(model);
    return row ? toModel(row) : null;
  }

  async listModels(query: {
    q?: string;
    after?: string;
    limit: number;
    visibility: Visibility;
  }): Promise<ModelListPage> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.q) {
      where.push(`(namespace || '/' || name) LIKE ? ESCAPE '\\'`);
      params.push(`%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    }
    if (query.after !== undefined) {
      where.push(`(namespace || '/' || name) > ?`);
      params.push(query.after);
    }
    if (!query.visibility.all) {
      const visible = visibleModels(query.visibility);
      where.push(visible.sql);
      params.push(...visible.params);
    }
    const sql = `SELECT * FROM models ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY namespace || '/' || name LIMIT ?`;
    const rows = this.stmt(sql).all(...params, query.limit + 1) as ModelRow[];
    const page = rows.slice(0, query.limit).map(toModel);
    const last = page.at(-1);
    return {
      models: page,
      next: rows.length > query.limit && last ? `${last.namespace}/${last.name}` : null,
    };
  }

  async getRefs(model: ModelRef): Promise<Record<string, RevisionId>> {
    const rows = this.stmt(
      `SELECT tag, revision FROM refs JOIN models ON models.id = refs.model_id
         WHERE namespace = ? COLLATE NOCASE AND name = ? COLLATE NOCASE ORDER BY tag`,
    ).all(model.namespace, model.name) as { tag: string; revision: RevisionId }[];
    return Object.fromEntries(rows.map((r) => [r.tag, r.revision]));
  }

  async resolveRevision(model: ModelRef, rev: string): Promise<RevisionId | null> {
    const row = this.modelRow(model);
    if (!row) return null;
    if (isRevisionId(rev)) {
      const hit = this.stmt('SELECT id FROM revisions WHERE id = ? AND model_id = ?').get(rev, row.id);
      return hit ? rev : null;
    }
    const ref = this.stmt('SELECT revision FROM refs WHERE model_id = ? AND tag = ?').get(row.id, rev) as
      | { revision: RevisionId }
      | undefined;
    return ref?.revision ?? null;
  }

  async getRevision(id: RevisionId): Promise<RevisionRecord | null> {
    const cached = this.revisions.get(id);
    if (cached) return cached;
    const revision = this.readRevision(id);
    if (revision) {
      if (this.revisions.size >= SqliteMetadataStore.REVISION_CACHE_SIZE) {
        this.revisions.delete(this.revisions.keys().next().value as RevisionId);
      }
      this.revisions.set(id, revision);
    }
    return revision;
  }

  private readRevision(id: RevisionId): RevisionRecord | null {
    const row = this.stmt(
      `SELECT revisions.*, models.namespace, models.name FROM revisions
         JOIN models ON models.id = revisions.model_id WHERE revisions.id = ?`,
    ).get(id) as
      | {
          id: RevisionId;
          parent: RevisionId | null;
          created_at: string;
          message: string;
          card: string;
          namespace: string;
          name: string;
        }
      | undefined;
    if (!row) return null;
    const files = this.stmt(
      'SELECT path, sha256, size FROM revision_files WHERE revision = ? ORDER BY path',
    ).all(id) as { path: string; sha256: Sha256Hex; size: number }[];
    return {
      id: row.id,
      model: { namespace: row.namespace, name: row.name },
      parent: row.parent,
      createdAt: row.created_at,
      message: row.message,
      card: JSON.parse(row.card),
      files: files.map((f): FileEntry => ({ path: f.path, sha256: f.sha256, sizeBytes: f.size })),
    };
  }

  async commit(commit: NewCommit): Promise<CommitOutcome> {
    return this.db.transaction((): CommitOutcome => {
      const existing = this.modelRow(commit.model);
      if (!existing && commit.parent !== null) return { ok: false, reason: 'ModelNotFound' };
      if (existing && existing.head !== commit.parent) {
        return { ok: false, reason: 'StaleParent', head: existing.head as RevisionId };
      }
      const blob = this.stmt('SELECT size FROM blobs WHERE sha256 = ?');
      const missing = commit.files
        .filter((f) => (blob.get(f.sha256) as { size: number } | undefined)?.size !== f.sizeBytes)
        .map((f) => f.path);
      if (missing.length > 0) return { ok: false, reason: 'MissingBlob', paths: missing };

      const now = new Date().toISOString();
      const id = revisionId(commit, now);
      let modelId: number;
      if (existing) {
        modelId = existing.id;
        this.stmt('UPDATE models SET head = ? WHERE id = ?').run(id, modelId);
      } else {
        // The revision row references the model and the model's head references the revision: insert the model
        // with the new id as head first; foreign keys on head are not declared, so the order is free.
        modelId = Number(
          this.stmt(
            'INSERT INTO models (namespace, name, private, created_at, head) VALUES (?, ?, ?, ?, ?)',
          ).run(commit.model.namespace, commit.model.name, commit.private ? 1 : 0, now, id).lastInsertRowid,
        );
      }
      this.stmt(
        'INSERT INTO revisions (id, model_id, parent, created_at, message, card) VALUES (?, ?, ?, ?, ?, ?)',
      ).run(id, modelId, commit.parent, now, commit.message, JSON.stringify(commit.card));
      const file = this.stmt('INSERT INTO revision_files (revision, path, sha256, size) VALUES (?, ?, ?, ?)');
      for (const f of commit.files) file.run(id, f.path, f.sha256, f.sizeBytes);
      const tag = this.stmt(
        `INSERT INTO refs (model_id, tag, revision, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (model_id, tag) DO UPDATE SET revision = excluded.revision, updated_at = excluded.updated_at`,
      );
      for (const t of commit.tags) tag.run(modelId, t, id, now);
      return { ok: true, revision: id };
    })();
  }

  async setTag(model: ModelRef, tag: string, revision: RevisionId): Promise<void> {
    const row = this.modelRow(model);
    if (!row) throw new Error(`no model ${model.namespace}/${model.name}`);
    this.stmt(
      `INSERT INTO refs (model_id, tag, revision, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (model_id, tag) DO UPDATE SET revision = excluded.revision, updated_at = excluded.updated_at`,
    ).run(row.id, tag, revision, new Date().toISOString());
  }

  async getBlob(sha256: Sha256Hex): Promise<BlobRecord | null> {
    const row = this.stmt('SELECT * FROM blobs WHERE sha256 = ?').get(sha256) as BlobRow | undefined;
    return row ? toBlob(row) : null;
  }

  async findVisibleBlob(sha256: Sha256Hex, visibility: Visibility): Promise<VisibleBlob | null> {
    const visible = visibleModels(visibility);
    // revision_files_sha256 finds the revisions naming the blob; the joins are primary-key lookups. MIN(private) is
    // 0 as soon as one of the visible models is public.
    const row = this.stmt(
      `SELECT MIN(models.private) AS private FROM revision_files
         JOIN revisions ON revisions.id = revision_files.revision
         JOIN models ON models.id = revisions.model_id
         WHERE revision_files.sha256 = ? AND ${visible.sql}`,
    ).get(sha256, ...visible.params) as { private: number | null };
    if (row.private === null) return null;
    const blob = await this.getBlob(sha256);
    return blob ? { blob, public: row.private === 0 } : null;
  }

  async recordBlob(blob: BlobRecord): Promise<void> {
    this.stmt(
      `INSERT INTO blobs (sha256, size, fingerprint, verified_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (sha256) DO UPDATE SET fingerprint = excluded.fingerprint, verified_at = excluded.verified_at`,
    ).run(blob.sha256, blob.sizeBytes, blob.fingerprint, blob.verifiedAt);
  }

  async listBlobs(): Promise<BlobRecord[]> {
    const rows = this.stmt('SELECT * FROM blobs ORDER BY sha256').all() as BlobRow[];
    return rows.map(toBlob);
  }

  async referencedBlobs(): Promise<Sha256Hex[]> {
    return (
      this.stmt(
        'SELECT sha256 FROM revision_files UNION SELECT sha256 FROM blob_holds ORDER BY sha256',
      ).all() as {
        sha256: Sha256Hex;
      }[]
    ).map((r) => r.sha256);
  }

  async holdBlobs(holder: string, sha256s: readonly Sha256Hex[]): Promise<void> {
    const wanted = [...new Set(sha256s)];
    const recorded = this.stmt('SELECT sha256 FROM blobs WHERE sha256 = ?');
    const hold = this.stmt('INSERT OR IGNORE INTO blob_holds (holder, sha256, held_at) VALUES (?, ?, ?)');
    const now = new Date().toISOString();
    this.db.transaction(() => {
      const found = wanted.flatMap(
        (sha256) => (recorded.get(sha256) as { sha256: string } | undefined) ?? [],
      );
      if (found.length !== wanted.length) throw unrecordedHold(holder, wanted, found);
      for (const sha256 of wanted) hold.run(holder, sha256, now);
    })();
  }

  async releaseBlobs(holder: string): Promise<void> {
    this.stmt('DELETE FROM blob_holds WHERE holder = ?').run(holder);
  }

  async forgetUnreferencedBlob(sha256: Sha256Hex): Promise<boolean> {
    return this.db.transaction(() => {
      const deleted = this.stmt(
        `DELETE FROM blobs WHERE sha256 = ? AND NOT EXISTS (SELECT 1 FROM revision_files WHERE sha256 = ?)
           AND NOT EXISTS (SELECT 1 FROM blob_holds WHERE sha256 = ?)`,
      ).run(sha256, sha256, sha256).changes;
      if (deleted > 0) {
        this.stmt('DELETE FROM blob_uploaders WHERE sha256 = ?').run(sha256);
        this.stmt('DELETE FROM upload_declarations WHERE sha256 = ?').run(sha256);
      }
      return deleted > 0;
    })();
  }

  async recordUploader(sha256: Sha256Hex, tokenId: string): Promise<void> {
    this.stmt('INSERT OR IGNORE INTO blob_uploaders (sha256, token_id, uploaded_at) VALUES (?, ?, ?)').run(
      sha256,
      tokenId,
      new Date().toISOString(),
    );
  }

  async hasUploaded(sha256: Sha256Hex, tokenId: string): Promise<boolean> {
    return (
      this.stmt('SELECT 1 FROM blob_uploaders WHERE sha256 = ? AND token_id = ?').get(sha256, tokenId) !==
      undefined
    );
  }

  async declareUpload(sha256: Sha256Hex, sizeBytes: number): Promise<void> {
    this.stmt('INSERT OR IGNORE INTO upload_declarations (sha256, size, declared_at) VALUES (?, ?, ?)').run(
      sha256,
      sizeBytes,
      new Date().toISOString(),
    );
  }

  async isUploadDeclared(sha256: Sha256Hex, sizeBytes: number): Promise<boolean> {
    return (await this.declaredSizes(sha256)).includes(sizeBytes);
  }

  async declaredSizes(sha256: Sha256Hex): Promise<number[]> {
    return (
      this.stmt('SELECT size FROM upload_declarations WHERE sha256 = ?').all(sha256) as {
        size: number;
      }[]
    ).map((r) => r.size);
  }

  async createToken(token: {
    id: string;
    secretSha256: string;
    name: string;
    scopes: Scope[];
    expiresAt?: string;
  }): Promise<TokenRecord> {
    const createdAt = new Date().toISOString();
    this.stmt(
      'INSERT INTO tokens (id, secret_sha256, name, scopes, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)',
    ).run(
      token.id,
      token.secretSha256,
      token.name,
      JSON.stringify(token.scopes),
      createdAt,
      token.expiresAt ?? null,
    );
    return {
      id: token.id,
      name: token.name,
      scopes: token.scopes,
      createdAt,
      ...(token.expiresAt ? { expiresAt: token.expiresAt } : {}),
    };
  }

  async findTokenBySecretSha256(secretSha256: string): Promise<TokenRecord | null> {
    const row = this.stmt('SELECT * FROM tokens WHERE secret_sha256 = ? AND revoked_at IS NULL').get(
      secretSha256,
    ) as TokenRow | undefined;
    return row ? toToken(row) : null;
  }

  async getToken(id: string): Promise<TokenRecord | null> {
    const row = this.stmt('SELECT * FROM tokens WHERE id = ?').get(id) as TokenRow | undefined;
    return row ? toToken(row) : null;
  }

  async listTokens(): Promise<TokenRecord[]> {
    return (this.stmt('SELECT * FROM tokens ORDER BY created_at, rowid').all() as TokenRow[]).map(toToken);
  }

  async revokeToken(id: string): Promise<TokenRecord | null> {
    this.stmt('UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(
      new Date().toISOString(),
      id,
    );
    return this.getToken(id);
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
