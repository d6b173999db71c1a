/**
 * The ground truth a server scores against: each installed file is a blob in the zoo's blob store, and the database
 * names a benchmark's current install (its files, by name and sha256). A new install stores every file, then replaces
 * the record in one step, so a scoring run sees either the old GT or the new one, never a mix; the old install's
 * blobs are released to gc. Scorers read a local copy, fetched once per install into a cache directory.
 */
import { randomBytes } from 'node:crypto';
import { access, mkdir, mkdtemp, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Benchmark } from './benchmark.ts';
import type { LeaderboardBlobs } from './leaderboard-blobs.ts';
import type { GroundTruthFile, LeaderboardStore, StoredGroundTruth } from './leaderboard-store.ts';
import { TASK_SCORING } from './task-scoring.ts';

/** Benchmark ids are used as directory names, so they are checked before touching the file system. */
const BENCHMARK_ID = /^[a-z0-9][a-z0-9-]{0,62}@v[0-9]{1,4}$/;

export function isBenchmarkId(id: string): boolean {
  return BENCHMARK_ID.test(id);
}

function checkedBenchmarkId(benchmark: string): string {
  if (!isBenchmarkId(benchmark))
    throw new Error(`"${benchmark}" is not a benchmark id such as nuscenes-detection@v1`);
  return benchmark;
}

/** What holds an install's blobs from garbage collection. */
const holderOf = (benchmark: string, installId: string) => `ground-truth/${benchmark}/${installId}`;

/** The pointer of the files layout (before ground truth moved into the blob store). */
interface FilesLayoutPointer {
  dir: string;
  description: string;
  installedAt: string;
}

export class GroundTruthStore {
  constructor(
    private readonly store: LeaderboardStore,
    private readonly blobs: LeaderboardBlobs,
    /** The data directory an earlier mim4d-zoo kept ground truth under; null where there is none. */
    private readonly dataDir: string | null,
  ) {}

  current(benchmark: Benchmark): Promise<StoredGroundTruth | null> {
    return this.store.getGroundTruth(benchmark.id);
  }

  /** Checks `path` is valid GT for the benchmark's task, stores its files and makes them current. */
  async install(benchmark: Benchmark, path: string): Promise<StoredGroundTruth> {
    const task = TASK_SCORING[benchmark.task];
    const description = await task.describeGroundTruth(path);
    return this.installFiles(benchmark, task.groundTruthFiles(path), description, new Date().toISOString());
  }

  private async installFiles(
    benchmark: Benchmark,
    files: readonly { from: string; name: string }[],
    description: string,
    installedAt: string,
  ): Promise<StoredGroundTruth> {
    const installId = `gt-${randomBytes(6).toString('hex')}`;
    const holder = holderOf(checkedBenchmarkId(benchmark.id), installId);
    let previous: StoredGroundTruth | null;
    const stored: GroundTruthFile[] = [];
    const gt: StoredGroundTruth = {
      benchmark: benchmark.id,
      installId,
      files: stored,
      description,
      installedAt,
    };
    try {
      for (const file of files)
        stored.push({ name: file.name, ...(await this.blobs.store(file.from, holder)) });
      previous = await this.store.setGroundTruth(gt);
    } catch (error) {
      await this.blobs.release(holder);
      throw error;
    }
    if (previous) await this.blobs.release(holderOf(benchmark.id, previous.installId));
    return gt;
  }

  /**
   * The path to score against in a local copy of `gt` under `cacheDir` (`<cacheDir>/<benchmark>/<installId>/`),
   * fetched from the blob store unless this cache has it; copies of the benchmark's earlier installs are removed.
   * Processes sharing the cache fetch into directories of their own and the first to finish publishes its copy.
   */
  async localEntry(benchmark: Benchmark, gt: StoredGroundTruth, cacheDir: string): Promise<string> {
    const base = join(cacheDir, checkedBenchmarkId(benchmark.id));
    const dir = join(base, gt.installId);
    if (!(await exists(dir))) {
      await mkdir(base, { recursive: true });
      const partial = await mkdtemp(`${dir}.partial-`);
      try {
        for (const file of gt.files) await this.blobs.fetch(file.sha256, join(partial, file.name));
        await rename(partial, dir).catch(async (error: NodeJS.ErrnoException) => {
          // Another process published the same install first.
          if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
        });
      } finally {
        await rm(partial, { recursive: true, force: true });
      }
      for (const name of await readdir(base)) {
        if (!name.startsWith(gt.installId)) await rm(join(base, name), { recursive: true, force: true });
      }
    }
    return TASK_SCORING[benchmark.task].groundTruthEntry(dir);
  }

  /**
   * Moves ground truth installed by an earlier mim4d-zoo under `<data>/benchmarks/<id>/` (a `ground-truth.json`
   * pointer beside its `gt-*` directory) into the blob store, unless the database has an install already; the old
   * files are removed once the new install is recorded. True when it moved one.
   */
  async importFilesLayout(benchmark: Benchmark): Promise<boolean> {
    if (this.dataDir === null || (await this.current(benchmark))) return false;
    const base = join(this.dataDir, 'benchmarks', checkedBenchmarkId(benchmark.id));
    const pointerFile = join(base, 'ground-truth.json');
    let pointer: FilesLayoutPointer;
    try {
      pointer = JSON.parse(await readFile(pointerFile, 'utf8')) as FilesLayoutPointer;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw new Error(`${pointerFile}: ${(error as Error).message}`);
    }
    const dir = join(base, pointer.dir);
    try {
      const names = await readdir(dir);
      await this.installFiles(
        benchmark,
        names.map((name) => ({ from: join(dir, name), name })),
        pointer.description,
        pointer.installedAt,
      );
    } catch (error) {
      // Another process sharing the folder (a replica starting at the same time) moved it first.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && (await this.current(benchmark))) return false;
      throw error;
    }
    await rm(pointerFile, { force: true });
    await rm(dir, { recursive: true, force: true });
    return true;
  }

  /**
   * `<data>/benchmarks/<id>/gt.json`, where the first mim4d-zoo installed ground truth, if it is there: this store no
   * longer reads it, so an operator who upgraded must install it again. Null when there is no such file.
   */
  async previousLayoutFile(benchmark: string): Promise<string | null> {
    if (this.dataDir === null) return null;
    const file = join(this.dataDir, 'benchmarks', checkedBenchmarkId(benchmark), 'gt.json');
    return (await exists(file)) ? file : null;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
