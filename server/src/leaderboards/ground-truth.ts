/**
 * The ground truth a server scores against: `<data>/benchmarks/<id>/gt-<random>/` holds one install's copy and
 * `ground-truth.json` beside it names the current one. A new install is copied in full, then the pointer is swapped
 * with a rename, so a scoring run sees either the old GT or the new one, never a mix.
 */
import { randomBytes } from 'node:crypto';
import { access, copyFile, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Benchmark } from './benchmark.ts';
import { TASK_SCORING } from './task-scoring.ts';

/** Benchmark ids are used as directory names, so they are checked before touching the file system. */
const BENCHMARK_ID = /^[a-z0-9][a-z0-9-]{0,62}@v[0-9]{1,4}$/;

export function isBenchmarkId(id: string): boolean {
  return BENCHMARK_ID.test(id);
}

interface Pointer {
  dir: string;
  description: string;
  installedAt: string;
}

export interface InstalledGroundTruth extends Pointer {
  /** What to score against: the file, directory or stacked .npy inside the install. */
  entry: string;
}

export class GroundTruthStore {
  constructor(private readonly root: string) {}

  benchmarkDir(benchmark: string): string {
    if (!isBenchmarkId(benchmark))
      throw new Error(`"${benchmark}" is not a benchmark id such as nuscenes-detection@v1`);
    return join(this.root, benchmark);
  }

  private pointerPath(benchmark: string): string {
    return join(this.benchmarkDir(benchmark), 'ground-truth.json');
  }

  async current(benchmark: Benchmark): Promise<InstalledGroundTruth | null> {
    let pointer: Pointer;
    try {
      pointer = JSON.parse(await readFile(this.pointerPath(benchmark.id), 'utf8')) as Pointer;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    const dir = join(this.benchmarkDir(benchmark.id), pointer.dir);
    return { ...pointer, entry: TASK_SCORING[benchmark.task].groundTruthEntry(dir) };
  }

  /**
   * `<data>/benchmarks/<id>/gt.json`, where the first mim4d-zoo installed ground truth, if it is there: this store no
   * longer reads it, so an operator who upgraded must install it again. Null when there is no such file.
   */
  async previousLayoutFile(benchmark: string): Promise<string | null> {
    const file = join(this.benchmarkDir(benchmark), 'gt.json');
    try {
      await access(file);
      return file;
    } catch {
      return null;
    }
  }

  /** Checks `path` is valid GT for the benchmark's task, copies it and makes it current. */
  async install(benchmark: Benchmark, path: string): Promise<InstalledGroundTruth> {
    const task = TASK_SCORING[benchmark.task];
    const description = await task.describeGroundTruth(path);
    const base = this.benchmarkDir(benchmark.id);
    const previous = await this.current(benchmark);
    const pointer: Pointer = {
      dir: `gt-${randomBytes(6).toString('hex')}`,
      description,
      installedAt: new Date().toISOString(),
    };
    const dir = join(base, pointer.dir);
    const partialPointer = `${this.pointerPath(benchmark.id)}.${pointer.dir}.partial`;
    try {
      await mkdir(dir, { recursive: true });
      for (const file of task.groundTruthFiles(path)) await copyFile(file.from, join(dir, file.name));
      await writeFile(partialPointer, JSON.stringify(pointer));
      await rename(partialPointer, this.pointerPath(benchmark.id));
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      await rm(partialPointer, { force: true });
      throw error;
    }
    if (previous) await rm(join(base, previous.dir), { recursive: true, force: true });
    return { ...pointer, entry: task.groundTruthEntry(dir) };
  }
}
