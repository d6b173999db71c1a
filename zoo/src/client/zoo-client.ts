import { ZooCache } from '../cache/zoo-cache.ts';
import type {
  Benchmark,
  Leaderboard,
  LeaderboardRow,
  RowStatus,
  SelfReportedRowRequest,
} from '../wire/benchmarks.ts';
import type { ModelInfo, ModelList } from '../wire/models.ts';
import type { Submission } from '../wire/submissions.ts';
import type { Tag } from '../wire/tags.ts';
import type { Token } from '../wire/tokens.ts';
import { getBenchmark, getLeaderboard, listBenchmarks, reportResults } from './benchmarks.ts';
import { type ClientSettings, defaultConfigPath, resolveSettings, writeConfig } from './client-config.ts';
import { type FetchedBlob, fetchBlob, type TransferProgress } from './fetch-blob.ts';
import { findFile, type Manifest, type ManifestFile, parseManifest } from './manifest.ts';
import {
  checkRepoPath,
  checkRevision,
  isRevisionId,
  parseRepoRef,
  type RepoId,
  type RevisionId,
  repoString,
} from './names.ts';
import { type PublishOptions, type PublishResult, type PublishSource, publish } from './publish.ts';
import { getSubmission, type SubmitOptions, submit, waitForSubmission } from './submit.ts';
import { setTag } from './tags.ts';
import { listTokens, revokeToken } from './tokens.ts';
import { ZooError } from './zoo-error.ts';
import { encodePath, ZooHttp } from './zoo-http.ts';

export interface ZooClientOptions {
  /** Zoo base URL. Default: `MIM4D_ZOO_ENDPOINT`, the saved login, then http://127.0.0.1:8080. */
  endpoint?: string;
  /** Bearer token. Default: `MIM4D_ZOO_TOKEN`, then the saved login. */
  token?: string;
  /** Cache root. Default: `MIM4D_ZOO_CACHE`, `$XDG_CACHE_HOME/mim4d/zoo`, `~/.cache/mim4d/zoo`. */
  cacheDir?: string;
  /** Never touch the network; everything comes from the cache. Default: `MIM4D_ZOO_OFFLINE=1`. */
  offline?: boolean;
  /** Saved-login file. Default: see {@link defaultConfigPath}. */
  configPath?: string;
  /** For tests and proxies; Node's global fetch by default. */
  fetch?: typeof fetch;
}

export type Repo = RepoId | string;

export interface FetchOptions {
  /** Tag or revision id. Default `main`. */
  revision?: string;
  /** Re-hash cached files (and replace any that changed) instead of trusting their size. */
  verify?: boolean;
  onProgress?: (progress: TransferProgress) => void;
}

export interface LocalFile extends ManifestFile {
  /** The file inside the snapshot folder. */
  localPath: string;
  /** What this call did for it. */
  status: 'cached' | 'downloaded' | 'repaired';
  bytesTransferred: number;
  resumedFrom: number;
}

export interface Snapshot {
  revision: RevisionId;
  /** `<cache>/models--ns--name/snapshots/<revision>`: every file of the revision, by its repository path. */
  dir: string;
  files: LocalFile[];
}

function toRepo(repo: Repo): RepoId {
  return typeof repo === 'string' ? parseRepoRef(repo).repo : repo;
}

/**
 * The typed client of the zoo: listing and metadata, verified downloads into a shared cache, offline use of that
 * cache, and publishing. Every file is checked against the full sha256 of its revision's manifest before it is
 * moved into the cache.
 */
export class ZooClient {
  readonly settings: ClientSettings;
  readonly cache: ZooCache;
  private readonly http: ZooHttp;

  constructor(options: ZooClientOptions = {}) {
    this.settings = resolveSettings(options);
    this.cache = new ZooCache(this.settings.cacheDir);
    this.http = new ZooHttp({
      endpoint: this.settings.endpoint,
      ...(this.settings.token ? { token: this.settings.token } : {}),
      fetch: options.fetch ?? globalThis.fetch,
    });
  }

  private online(what: string): ZooHttp {
    if (this.settings.offline) throw new ZooError('Offline', `${what}: offline mode; this needs the server`);
    return this.http;
  }

  /** One page of the models visible to this token, ordered by id; pass `nextCursor` back for the next page. */
  async listModels(query: { q?: string; limit?: number; cursor?: string } = {}): Promise<ModelList> {
    const params = new URLSearchParams();
    if (query.q) params.set('q', query.q);
    if (query.limit !== undefined) params.set('limit', String(query.limit));
    if (query.cursor) params.set('cursor', query.cursor);
    const what = 'list models';
    return this.online(what).json(`api/v1/models${params.size > 0 ? `?${params}` : ''}`, { what });
  }

  async modelInfo(repo: Repo): Promise<ModelInfo> {
    const id = toRepo(repo);
    const what = `model info ${repoString(id)}`;
    return this.online(what).json(`api/v1/models/${encodePath(id.namespace, id.name)}`, { what });
  }

  /**
   * The manifest of a revision. A revision id is immutable, so a cached manifest is final and needs no request; a
   * tag is resolved online (and remembered under `refs/`), or from `refs/` when offline.
   */
  async manifest(repo: Repo, revision = 'main'): Promise<Manifest> {
    const id = toRepo(repo);
    const rev = checkRevision(revision);
    const name = `${repoString(id)}@${rev}`;
    if (isRevisionId(rev)) {
      const cached = await this.cache.readManifest(id, rev);
      if (cached) return cached;
    }
    if (this.settings.offline) {
      const pinned = isRevisionId(rev) ? rev : await this.cache.readRef(id, rev);
      if (!pinned)
        throw new ZooError('NotCached', `${name}: offline, and this tag was never resolved into the cache`);
      const cached = await this.cache.readManifest(id, pinned);
      if (!cached)
        throw new ZooError('NotCached', `${name}: offline, and the manifest of ${pinned} is not cached`);
      return cached;
    }
    const path = `api/v1/models/${encodePath(id.namespace, id.name)}/revisions/${encodeURIComponent(rev)}/manifest`;
    const manifest = parseManifest(
      await this.http.json(path, { what: `manifest of ${name}` }),
      this.http.url(path).href,
    );
    if (isRevisionId(rev) && manifest.revision !== rev) {
      throw new ZooError(
        'InvalidResponse',
        `manifest of ${name}: the server answered with revision ${manifest.revision}`,
      );
    }
    await this.cache.writeManifest(id, manifest);
    if (!isRevisionId(rev)) await this.cache.writeRef(id, rev, manifest.revision);
    return manifest;
  }

  /** One file of a revision, verified and cached; returns it inside the revision's snapshot folder. */
  async download(repo: Repo, path: string, options: FetchOptions = {}): Promise<LocalFile> {
    const id = toRepo(repo);
    const manifest = await this.manifest(id, options.revision);
    const file = findFile(manifest, checkRepoPath(path, 'path'), repoString(id));
    return this.materialize(id, manifest, file, options);
  }

  /** Every file of a revision, verified and cached, in `snapshots/<revision>/`. */
  async snapshot(repo: Repo, options: FetchOptions & { concurrency?: number } = {}): Promise<Snapshot> {
    const id = toRepo(repo);
    const manifest = await this.manifest(id, options.revision);
    const files = await mapConcurrently(manifest.files, options.concurrency ?? 4, (file) =>
      this.materialize(id, manifest, file, options),
    );
    return { revision: manifest.revision, dir: this.cache.layout.snapshotDir(id, manifest.revision), files };
  }

  /** Re-hashes every cached file of a revision; damaged ones are removed and, when online, fetched again. */
  async verify(repo: Repo, options: Omit<FetchOptions, 'verify'> = {}): Promise<Snapshot> {
    return this.snapshot(repo, { ...options, verify: true });
  }

  private async materialize(
    repo: RepoId,
    manifest: Manifest,
    file: ManifestFile,
    options: FetchOptions,
  ): Promise<LocalFile> {
    const name = `${repoString(repo)}@${manifest.revision} ${file.path}`;
    const state = await this.cache.blobState(repo, file, options.verify ?? false);
    let fetched: FetchedBlob = {
      blobPath: this.cache.layout.blob(repo, file.sha256),
      bytesTransferred: 0,
      resumedFrom: 0,
    };
    if (state !== 'present') {
      if (this.settings.offline) {
        throw new ZooError(
          'NotCached',
          state === 'damaged'
            ? `${name}: the cached copy was damaged and has been removed; offline, so it cannot be fetched again`
            : `${name}: offline, and this file is not in the cache`,
        );
      }
      fetched = await fetchBlob(this.http, this.cache, {
        repo,
        file,
        url: `${encodePath(repo.namespace, repo.name)}/resolve/${manifest.revision}/${encodePath(file.path)}`,
        what: `download ${name}`,
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      });
    }
    const placed = await this.cache.placeInSnapshot(repo, manifest.revision, file, options.verify ?? false);
    const repaired = state === 'damaged' || placed.replacedDamaged;
    return {
      ...file,
      localPath: placed.path,
      status: repaired ? 'repaired' : state === 'present' ? 'cached' : 'downloaded',
      bytesTransferred: fetched.bytesTransferred,
      resumedFrom: fetched.resumedFrom,
    };
  }

  /** Uploads what the server lacks and commits a new revision; see {@link publish}. */
  async publish(
    repo: Repo,
    files: Record<string, PublishSource>,
    card: unknown,
    options: PublishOptions = {},
  ): Promise<PublishResult> {
    const id = toRepo(repo);
    return publish(this.online(`publish ${repoString(id)}`), id, files, card, options);
  }

  /**
   * Sends results to be scored on the server against its ground truth: a file as it is, or a folder of .npy files
   * (BEV segmentation) packed as a gzip tar. Answers at once with the submission id; see {@link waitForSubmission}.
   */
  async submit(
    benchmark: string,
    path: string,
    options: SubmitOptions = {},
  ): Promise<{ submissionId: string }> {
    return submit(this.online(`submit to ${benchmark}`), benchmark, path, options);
  }

  async submission(id: string): Promise<Submission> {
    return getSubmission(this.online(`submission ${id}`), id);
  }

  /** Polls the submission until it is verified (metrics) or failed (errors). */
  async waitForSubmission(
    id: string,
    options: { intervalMs?: number; onStatus?: (submission: Submission) => void } = {},
  ): Promise<Submission> {
    return waitForSubmission(this.online(`submission ${id}`), id, options);
  }

  async listBenchmarks(): Promise<Benchmark[]> {
    return listBenchmarks(this.online('list benchmarks'));
  }

  async benchmark(id: string): Promise<Benchmark> {
    return getBenchmark(this.online(`benchmark ${id}`), id);
  }

  /** Rows ranked by the primary metric: verified rows and baselines, or only the rows of one `status`. */
  async leaderboard(id: string, status?: RowStatus): Promise<Leaderboard> {
    return getLeaderboard(this.online(`leaderboard of ${id}`), id, status);
  }

  /** Adds a self-reported row (ranked apart from verified ones); it counts against the submission quota. */
  async reportResults(id: string, row: SelfReportedRowRequest): Promise<LeaderboardRow> {
    return reportResults(this.online(`report results on ${id}`), id, row);
  }

  /** Points `tag` at a revision of the model (the token needs write:<ns>). */
  async setTag(repo: Repo, tag: string, revision: string): Promise<Tag> {
    const id = toRepo(repo);
    return setTag(this.online(`tag ${repoString(id)}`), id, tag, revision);
  }

  /** Every token for an admin token; this token alone for any other. */
  async listTokens(): Promise<Token[]> {
    return listTokens(this.online('list tokens'));
  }

  async revokeToken(id: string): Promise<Token> {
    return revokeToken(this.online(`revoke token ${id}`), id);
  }

  /** Checks that `token` is accepted by `endpoint`, then saves both (0600) for later clients; returns the file. */
  static async login(options: {
    token: string;
    endpoint?: string;
    configPath?: string;
    fetch?: typeof fetch;
  }): Promise<string> {
    const client = new ZooClient({ ...options, offline: false });
    await client.listModels({ limit: 1 });
    const path = options.configPath ?? defaultConfigPath();
    await writeConfig(path, { endpoint: client.settings.endpoint, token: options.token });
    return path;
  }
}

async function mapConcurrently<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
