import type { Scope } from '../auth/scopes.ts';
import type { RevisionId, Sha256Hex } from '../names.ts';
import { isRevisionId } from '../names.ts';
import type { Queryable, ZooPostgres } from '../postgres/zoo-postgres.ts';
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
import { revisionId } from './revision-id.ts';
import { type BlobRow, type TokenRow, toBlob, toToken } from './stored-rows.ts';

interface ModelRow {
  id: number;
  namespace: string;
  name: string;
  private: boolean;
  created_at: string;
  head: string;
}

const toModel = (row: ModelRow): ModelRecord => ({
  namespace: row.namespace,
  name: row.name,
  private: row.private,
  createdAt: row.created_at,
  head: row.head as RevisionId,
});

// Names compare case-insensitively, as in SQLite's NOCASE; the unique index models_name is on the same expressions.
const SAME_MODEL = 'lower(namespace) = lower($1) AND lower(name) = lower($2)';
// Listing order and `after` cursors compare bytes, as SQLite's default collation does, whatever the database's locale.
const LISTED_NAME = `(namespace || '/' || name) COLLATE "C"`;

/** A WHERE condition on `models` keeping what `visibility` lets the caller see; its parameters start at `$first`. */
function visibleModels(visibility: Visibility, first: number): { sql: string; params: unknown[] } {
  if (visibility.all) return { sql: 'true', params: [] };
  if (visibility.namespaces.length === 0) return { sql: 'NOT models.private', params: [] };
  return {
    sql: `(NOT models.private OR lower(models.namespace) = ANY($${first}::text[]))`,
    params: [visibility.namespaces.map((n) => n.toLowerCase())],
  };
}

/**
 * Models, revisions, blobs and tokens in PostgreSQL, for servers that share one database. A commit locks its
 * model's row (or races to insert it) so that, on any number of replicas, exactly one commit wins per parent.
 */
export class PostgresMetadataStore implements MetadataStore {
  // Revisions are immutable, so a cached one never goes stale on any replica.
  private readonly revisions = new Map<RevisionId, RevisionRecord>();
  private static readonly REVISION_CACHE_SIZE = 2048;

  constructor(private readonly db: ZooPostgres) {}

  private async modelRow(model: ModelRef, on: Queryable = this.db, lock = ''): Promise<ModelRow | undefined> {
    const result = await on.query<ModelRow>(`SELECT * FROM models WHERE ${SAME_MODEL} ${lock}`, [
      model.namespace,
      model.name,
    ]);
    return result.rows[0];
  }

  async getModel(model: ModelRef): Promise<ModelRecord | null> {
    const row = await this.modelRow(model);
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
      params.push(`%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      // ILIKE: SQLite's LIKE, which the embedded server uses, ignores ASCII case too.
      where.push(`(namespace || '/' || name) ILIKE $${params.length}`);
    }
    if (query.after !== undefined) {
      params.push(query.after);
      where.push(`${LISTED_NAME} > $${params.length}`);
    }
    if (!query.visibility.all) {
      const visible = visibleModels(query.visibility, params.length + 1);
      where.push(visible.sql);
      params.push(...visible.params);
    }
    params.push(query.limit + 1);
    const rows = (
      await this.db.query<ModelRow>(
        `SELECT * FROM models ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY ${LISTED_NAME} LIMIT $${params.length}`,
        params,
      )
    ).rows;
    const page = rows.slice(0, query.limit).map(toModel);
    const last = page.at(-1);
    return {
      models: page,
      next: rows.length > query.limit && last ? `${last.namespace}/${last.name}` : null,
    };
  }

  async getRefs(model: ModelRef): Promise<Record<string, RevisionId>> {
    const rows = (
      await this.db.query<{ tag: string; revision: RevisionId }>(
        `SELECT tag, revision FROM refs JOIN models ON models.id = refs.model_id
           WHERE ${SAME_MODEL} ORDER BY tag COLLATE "C"`,
        [model.namespace, model.name],
      )
    ).rows;
    return Object.fromEntries(rows.map((r) => [r.tag, r.revision]));
  }

  // One round trip each: the model is found by name in the same query.
  async resolveRevision(model: ModelRef, rev: string): Promise<RevisionId | null> {
    const found = isRevisionId(rev)
      ? await this.db.query<{ revision: RevisionId }>(
          `SELECT revisions.id AS revision FROM revisions JOIN models ON models.id = revisions.model_id
             WHERE ${SAME_MODEL} AND revisions.id = $3`,
          [model.namespace, model.name, rev],
        )
      : await this.db.query<{ revision: RevisionId }>(
          `SELECT refs.revision FROM refs JOIN models ON models.id = refs.model_id
             WHERE ${SAME_MODEL} AND refs.tag = $3`,
          [model.namespace, model.name, rev],
        );
    return found.rows[0]?.revision ?? null;
  }

  async getRevision(id: RevisionId): Promise<RevisionRecord | null> {
    const cached = this.revisions.get(id);
    if (cached) return cached;
    const revision = await this.readRevision(id);
    if (revision) {
      if (this.revisions.size >= PostgresMetadataStore.REVISION_CACHE_SIZE) {
        this.revisions.delete(this.revisions.keys().next().value as RevisionId);
      }
      this.revisions.set(id, revision);
    }
    return revision;
  }

  private async readRevision(id: RevisionId): Promise<RevisionRecord | null> {
    const row = (
      await this.db.query<{
        id: RevisionId;
        parent: RevisionId | null;
        created_at: string;
        message: string;
        card: string;
        namespace: string;
        name: string;
      }>(
        `SELECT revisions.*, models.namespace, models.name FROM revisions
           JOIN models ON models.id = revisions.model_id WHERE revisions.id = $1`,
        [id],
      )
    ).rows[0];
    if (!row) return null;
    const files = (
      await this.db.query<{ path: string; sha256: Sha256Hex; size: number }>(
        'SELECT path, sha256, size FROM revision_files WHERE revision = $1 ORDER BY path COLLATE "C"',
        [id],
      )
    ).rows;
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
    return this.db.transaction(async (client): Promise<CommitOutcome> => {
      // FOR UPDATE makes concurrent commits to one model (from any replica) wait here; the loser then reads the
      // winner's head and gets StaleParent.
      const existing = await this.modelRow(commit.model, client, 'FOR UPDATE');
      if (!existing && commit.parent !== null) return { ok: false, reason: 'ModelNotFound' };
      if (existing && existing.head !== commit.parent) {
        return { ok: false, reason: 'StaleParent', head: existing.head as RevisionId };
      }
      // FOR SHARE holds the blobs until the revision naming them is committed: gc's delete waits, then sees it.
      const stored = new Map(
        (
          await client.query<{ sha256: string; size: number }>(
            'SELECT sha256, size FROM blobs WHERE sha256 = ANY($1::text[]) FOR SHARE',
            [[...new Set(commit.files.map((f) => f.sha256))]],
          )
        ).rows.map((r) => [r.sha256, r.size]),
      );
      const missing = commit.files.filter((f) => stored.get(f.sha256) !== f.sizeBytes).map((f) => f.path);
      if (missing.length > 0) return { ok: false, reason: 'MissingBlob', paths: missing };

      const now = new Date().toISOString();
      const id = revisionId(commit, now);
      let modelId: number;
      if (existing) {
        modelId = existing.id;
        await client.query('UPDATE models SET head = $1 WHERE id = $2', [id, modelId]);
      } else {
        // Two first commits racing: the second insert waits for the first transaction, then conflicts and inserts
        // nothing; that commit lost like any other stale parent.
        const inserted = await client.query<{ id: number }>(
          `INSERT INTO models (namespace, name, private, created_at, head) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT DO NOTHING RETURNING id`,
          [commit.model.namespace, commit.model.name, commit.private, now, id],
        );
        if (inserted.rowCount === 0) {
          const winner = await this.modelRow(commit.model, client);
          return { ok: false, reason: 'StaleParent', head: (winner?.head ?? null) as RevisionId | null };
        }
        modelId = inserted.rows[0].id;
      }
      await client.query(
        'INSERT INTO revisions (id, model_id, parent, created_at, message, card) VALUES ($1, $2, $3, $4, $5, $6)',
        [id, modelId, commit.parent, now, commit.message, JSON.stringify(commit.card)],
      );
      if (commit.files.length > 0) {
        await client.query(
          `INSERT INTO revision_files (revision, path, sha256, size)
             SELECT $1, * FROM unnest($2::text[], $3::text[], $4::bigint[])`,
          [
            id,
            commit.files.map((f) => f.path),
            commit.files.map((f) => f.sha256),
            commit.files.map((f) => f.sizeBytes),
          ],
        );
      }
      for (const tag of commit.tags) await this.upsertTag(client, modelId, tag, id, now);
      return { ok: true, revision: id };
    });
  }

  private async upsertTag(
    on: Queryable,
    modelId: number,
    tag: string,
    revision: RevisionId,
    now: string,
  ): Promise<void> {
    await on.query(
      `INSERT INTO refs (model_id, tag, revision, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (model_id, tag) DO UPDATE SET revision = excluded.revision, updated_at = excluded.updated_at`,
      [modelId, tag, revision, now],
    );
  }

  async setTag(model: ModelRef, tag: string, revision: RevisionId): Promise<void> {
    const row = await this.modelRow(model);
    if (!row) throw new Error(`no model ${model.namespace}/${model.name}`);
    await this.upsertTag(this.db, row.id, tag, revision, new Date().toISOString());
  }

  async getBlob(sha256: Sha256Hex): Promise<BlobRecord | null> {
    const row = (await this.db.query<BlobRow>('SELECT * FROM blobs WHERE sha256 = $1', [sha256])).rows[0];
    return row ? toBlob(row) : null;
  }

  async findVisibleBlob(sha256: Sha256Hex, visibility: Visibility): Promise<VisibleBlob | null> {
    const visible = visibleModels(visibility, 2);
    // bool_and(private) is false as soon as one of the visible models naming the blob is public.
    const row = (
      await this.db.query<{ private: boolean | null }>(
        `SELECT bool_and(models.private) AS private FROM revision_files
           JOIN revisions ON revisions.id = revision_files.revision
           JOIN models ON models.id = revisions.model_id
           WHERE revision_files.sha256 = $1 AND ${visible.sql}`,
        [sha256, ...visible.params],
      )
    ).rows[0];
    if (row.private === null) return null;
    const blob = await this.getBlob(sha256);
    return blob ? { blob, public: !row.private } : null;
  }

  async recordBlob(blob: BlobRecord): Promise<void> {
    await this.db.query(
      `INSERT INTO blobs (sha256, size, fingerprint, verified_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (sha256) DO UPDATE SET fingerprint = excluded.fingerprint, verified_at = excluded.verified_at`,
      [blob.sha256, blob.sizeBytes, blob.fingerprint, blob.verifiedAt],
    );
  }

  async listBlobs(): Promise<BlobRecord[]> {
    return (await this.db.query<BlobRow>('SELECT * FROM blobs ORDER BY sha256')).rows.map(toBlob);
  }

  async referencedBlobs(): Promise<Sha256Hex[]> {
    const rows = (
      await this.db.query<{ sha256: Sha256Hex }>(
        'SELECT sha256 FROM revision_files UNION SELECT sha256 FROM blob_holds ORDER BY sha256',
      )
    ).rows;
    return rows.map((r) => r.sha256);
  }

  async holdBlobs(holder: string, sha256s: readonly Sha256Hex[]): Promise<void> {
    const wanted = [...new Set(sha256s)];
    await this.db.transaction(async (client) => {
      // FOR SHARE makes a gc deleting one of these records wait, and then see the hold (as commits do).
      const recorded = await client.query('SELECT sha256 FROM blobs WHERE sha256 = ANY($1) FOR SHARE', [
        wanted,
      ]);
      if (recorded.rowCount !== wanted.length) throw unrecordedHold(holder, wanted, recorded.rows);
      await client.query(
        `INSERT INTO blob_holds (holder, sha256, held_at) SELECT $1, unnest($2::text[]), $3
           ON CONFLICT DO NOTHING`,
        [holder, wanted, new Date().toISOString()],
      );
    });
  }

  async releaseBlobs(holder: string): Promise<void> {
    await this.db.query('DELETE FROM blob_holds WHERE holder = $1', [holder]);
  }

  async forgetUnreferencedBlob(sha256: Sha256Hex): Promise<boolean> {
    return this.db.transaction(async (client) => {
      // Waits for a commit holding the blob FOR SHARE; the DELETE's own snapshot, taken after, sees its revision.
      const held = await client.query('SELECT 1 FROM blobs WHERE sha256 = $1 FOR UPDATE', [sha256]);
      if (held.rowCount === 0) return false;
      const deleted = await client.query(
        `DELETE FROM blobs WHERE sha256 = $1 AND NOT EXISTS (SELECT 1 FROM revision_files WHERE sha256 = $1)
           AND NOT EXISTS (SELECT 1 FROM blob_holds WHERE sha256 = $1)`,
        [sha256],
      );
      if (deleted.rowCount === 0) return false;
      await client.query('DELETE FROM blob_uploaders WHERE sha256 = $1', [sha256]);
      await client.query('DELETE FROM upload_declarations WHERE sha256 = $1', [sha256]);
      return true;
    });
  }

  async recordUploader(sha256: Sha256Hex, tokenId: string): Promise<void> {
    await this.db.query(
      'INSERT INTO blob_uploaders (sha256, token_id, uploaded_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
      [sha256, tokenId, new Date().toISOString()],
    );
  }

  async hasUploaded(sha256: Sha256Hex, tokenId: string): Promise<boolean> {
    const hit = await this.db.query('SELECT 1 FROM blob_uploaders WHERE sha256 = $1 AND token_id = $2', [
      sha256,
      tokenId,
    ]);
    return (hit.rowCount ?? 0) > 0;
  }

  async declareUpload(sha256: Sha256Hex, sizeBytes: number): Promise<void> {
    await this.db.query(
      'INSERT INTO upload_declarations (sha256, size, declared_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
      [sha256, sizeBytes, new Date().toISOString()],
    );
  }

  async isUploadDeclared(sha256: Sha256Hex, sizeBytes: number): Promise<boolean> {
    return (await this.declaredSizes(sha256)).includes(sizeBytes);
  }

  async declaredSizes(sha256: Sha256Hex): Promise<number[]> {
    const rows = (
      await this.db.query<{ size: number }>('SELECT size FROM upload_declarations WHERE sha256 = $1', [
        sha256,
      ])
    ).rows;
    return rows.map((r) => r.size);
  }

  async createToken(token: {
    id: string;
    secretSha256: string;
    name: string;
    scopes: Scope[];
    expiresAt?: string;
  }): Promise<TokenRecord> {
    const createdAt = new Date().toISOString();
    await this.db.query(
      'INSERT INTO tokens (id, secret_sha256, name, scopes, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)',
      [
        token.id,
        token.secretSha256,
        token.name,
        JSON.stringify(token.scopes),
        createdAt,
        token.expiresAt ?? null,
      ],
    );
    return {
      id: token.id,
      name: token.name,
      scopes: token.scopes,
      createdAt,
      ...(token.expiresAt ? { expiresAt: token.expiresAt } : {}),
    };
  }

  // Every request reads its token from the database (no cache), so a revocation on one replica holds on all.
  async findTokenBySecretSha256(secretSha256: string): Promise<TokenRecord | null> {
    const row = (
      await this.db.query<TokenRow>('SELECT * FROM tokens WHERE secret_sha256 = $1 AND revoked_at IS NULL', [
        secretSha256,
      ])
    ).rows[0];
    return row ? toToken(row) : null;
  }

  async getToken(id: string): Promise<TokenRecord | null> {
    const row = (await this.db.query<TokenRow>('SELECT * FROM tokens WHERE id = $1', [id])).rows[0];
    return row ? toToken(row) : null;
  }

  async listTokens(): Promise<TokenRecord[]> {
    return (await this.db.query<TokenRow>('SELECT * FROM tokens ORDER BY created_at, seq')).rows.map(toToken);
  }

  async revokeToken(id: string): Promise<TokenRecord | null> {
    await this.db.query('UPDATE tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL', [
      new Date().toISOString(),
      id,
    ]);
    return this.getToken(id);
  }

  /** The database is shared with the leaderboard store; whoever opened it closes it. */
  async close(): Promise<void> {}
}
