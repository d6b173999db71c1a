import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { startTypeScriptWorker } from 'nuscenes-eval-ts/typescript-worker';
import type { MapLocation } from '../map/expansion-types.ts';
import type {
  AttributeRecord,
  CategoryRecord,
  SensorRecord,
  TableRecords,
  VisibilityRecord,
} from '../nuscenes/tables.ts';
import { basemapPng } from './ground.ts';
import { buildMapExpansion } from './map-expansion.ts';
import { MINI_SCENES, resolveSynthOptions, type SynthOptions } from './options.ts';
import { DatasetFiles, prepareOutputFolder } from './output-folder.ts';
import { CAMERA_MOUNTS, LIDAR_CHANNEL } from './rig.ts';
import { generateScene, SceneContext, type SceneSpec, type SceneTables, townFor } from './scene-generator.ts';
import type { SceneWorkerMessage } from './scene-worker.ts';
import { NUSCENES_ATTRIBUTES, NUSCENES_CATEGORIES, NUSCENES_VISIBILITY } from './taxonomy.ts';
import { type TokenFactory, tokenFactory } from './tokens.ts';

export { ANNOTATION_RANGE } from './scene-generator.ts';

export interface SynthProgress {
  /** Captures (images and LiDAR sweeps) done so far, and in all. */
  done: number;
  total: number;
}

export interface SynthSettings {
  /** Write into a non-empty output folder, replacing its dataset entries (see prepareOutputFolder). */
  force?: boolean;
  /** Worker threads generating scenes in parallel; default: one per core, at most one per scene. 1: in-process. */
  workers?: number;
  onProgress?: (progress: SynthProgress) => void;
}

export interface SynthSummary {
  out: string;
  version: string;
  scenes: { name: string; split: string; location: string }[];
  samples: number;
  sampleData: number;
  annotations: number;
  instances: number;
  files: number;
  bytes: number;
  workers: number;
}

/**
 * Generates a synthetic dataset in the nuScenes layout under `options.out`: images, LiDAR sweeps, map expansion and
 * basemap per location, and every table the devkit loads. Output is a pure function of the options: no clock, no
 * unseeded randomness, stable key and record order, whatever the number of workers.
 */
export async function generateSynthDataset(
  input: Partial<SynthOptions> & { out: string },
  settings: SynthSettings = {},
): Promise<SynthSummary> {
  const options = resolveSynthOptions(input);
  const scenes = MINI_SCENES.slice(0, options.scenes);
  const workers = Math.min(settings.workers ?? availableParallelism(), scenes.length);
  if (!Number.isInteger(workers) || workers < 1) {
    throw new Error(`synth: --workers must be a positive integer, got ${String(settings.workers)}`);
  }
  prepareOutputFolder(options.out, options.version, settings.force ?? false);
  const files = new DatasetFiles(options.out);
  const token = tokenFactory(options.seed);

  const locations = [...new Set(scenes.map((s) => s.location))];
  for (const location of locations) {
    const town = townFor(options.seed, location);
    files.write(`maps/expansion/${location}.json`, JSON.stringify(buildMapExpansion(town, token)));
    files.write(basemapFile(token, location), basemapPng(town));
  }

  const capturesPerScene =
    options.samples * (CAMERA_MOUNTS.length * (options.sweeps + 1) + options.lidarSweeps + 1);
  const progress: SynthProgress = { done: 0, total: capturesPerScene * scenes.length };
  const onCapture = () => {
    progress.done++;
    settings.onProgress?.({ ...progress });
  };
  const specs: SceneSpec[] = scenes.map((s, sceneIndex) => ({
    options,
    sceneIndex,
    name: s.name,
    location: s.location,
  }));
  const perScene =
    workers === 1
      ? await generateInProcess(specs, onCapture)
      : await generateInWorkers(specs, workers, onCapture);

  const tables = staticTables(token);
  for (const { tables: scene, files: count, bytes } of perScene) {
    for (const [name, records] of Object.entries(scene) as [keyof SceneTables, never[]][]) {
      (tables[name] as unknown[]).push(...records);
    }
    files.files += count;
    files.bytes += bytes;
  }
  for (const location of locations) {
    tables.map.push({
      category: 'semantic_prior',
      token: token('map', location),
      filename: basemapFile(token, location),
      log_tokens: tables.log.filter((l) => l.location === location).map((l) => l.token),
    });
  }
  for (const [name, records] of Object.entries(tables)) {
    files.write(`${options.version}/${name}.json`, `${JSON.stringify(records, null, 1)}\n`);
  }
  return {
    out: options.out,
    version: options.version,
    scenes: scenes.map((s) => ({ name: s.name, split: s.split, location: s.location })),
    samples: tables.sample.length,
    sampleData: tables.sample_data.length,
    annotations: tables.sample_annotation.length,
    instances: tables.instance.length,
    files: files.files,
    bytes: files.bytes,
    workers,
  };
}

interface SceneOutput {
  tables: SceneTables;
  files: number;
  bytes: number;
}

async function generateInProcess(specs: readonly SceneSpec[], onCapture: () => void): Promise<SceneOutput[]> {
  const files = new DatasetFiles(specs[0].options.out);
  const context = new SceneContext(specs[0].options, files);
  const out: SceneOutput[] = [];
  for (const spec of specs) {
    const before = { files: files.files, bytes: files.bytes };
    const tables = await generateScene(spec, context, onCapture);
    out.push({ tables, files: files.files - before.files, bytes: files.bytes - before.bytes });
  }
  return out;
}

/** Scenes go to a pool of worker threads; results are put back in scene order, so output matches in-process. */
function generateInWorkers(
  specs: readonly SceneSpec[],
  count: number,
  onCapture: () => void,
): Promise<SceneOutput[]> {
  return new Promise((resolve, reject) => {
    const results: SceneOutput[] = new Array(specs.length);
    let next = 0;
    let finished = 0;
    let failed = false;
    const pool: Worker[] = [];
    // Workers stopped on purpose (no scene left for them) exit with code 1 too; only others are failures.
    const retired = new Set<Worker>();
    const retire = (worker: Worker) => {
      retired.add(worker);
      void worker.terminate();
    };
    const stopAll = () => {
      for (const w of pool) retire(w);
    };
    const fail = (error: Error) => {
      if (failed) return;
      failed = true;
      stopAll();
      reject(error);
    };
    const feed = (worker: Worker) => {
      if (next < specs.length) worker.postMessage(specs[next++]);
      else retire(worker);
    };
    for (let i = 0; i < count; i++) {
      const worker = startSceneWorker(specs[0].options);
      pool.push(worker);
      worker.on('message', (message: SceneWorkerMessage) => {
        if (message.type === 'capture') onCapture();
        else if (message.type === 'error') {
          fail(new Error(`synth: ${specs[message.sceneIndex].name} failed in a worker: ${message.message}`));
        } else {
          results[message.sceneIndex] = {
            tables: message.tables,
            files: message.files,
            bytes: message.bytes,
          };
          finished++;
          if (finished === specs.length) {
            stopAll();
            resolve(results);
          } else feed(worker);
        }
      });
      worker.on('error', (error) => fail(error));
      worker.on('exit', (code) => {
        if (!retired.has(worker) && !failed)
          fail(new Error(`synth: a worker exited unexpectedly (code ${code})`));
      });
      feed(worker);
    }
  });
}

/** A worker running scene-worker.ts (TypeScript: the shared bootstrap installs tsx in the worker first). */
function startSceneWorker(options: SynthOptions): Worker {
  return startTypeScriptWorker(new URL('./scene-worker.ts', import.meta.url), { workerData: { options } });
}

type MutableTables = { [T in keyof TableRecords]: TableRecords[T][] };

function staticTables(token: TokenFactory): MutableTables {
  return {
    category: NUSCENES_CATEGORIES.map((c): CategoryRecord => ({ token: token('category', c.name), ...c })),
    attribute: NUSCENES_ATTRIBUTES.map((a): AttributeRecord => ({ token: token('attribute', a.name), ...a })),
    visibility: NUSCENES_VISIBILITY.map(
      (v): VisibilityRecord => ({ token: v.token, level: v.level, description: v.description }),
    ),
    instance: [],
    sensor: [
      ...CAMERA_MOUNTS.map(
        (m): SensorRecord => ({ token: token('sensor', m.channel), channel: m.channel, modality: 'camera' }),
      ),
      { token: token('sensor', LIDAR_CHANNEL), channel: LIDAR_CHANNEL, modality: 'lidar' },
    ],
    calibrated_sensor: [],
    ego_pose: [],
    log: [],
    scene: [],
    sample: [],
    sample_data: [],
    sample_annotation: [],
    map: [],
  };
}

function basemapFile(token: TokenFactory, location: MapLocation): string {
  return `maps/${token('basemap', location)}.png`;
}
