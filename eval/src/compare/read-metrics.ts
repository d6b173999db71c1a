/**
 * The metrics of one `mim4d-eval` output folder, as named rows: `metrics_summary.json` of `detection`, or
 * `metrics.json` of `hdmap` (`NuscMap_chamfer/...`) and `bev-seg` (`map/...`). The task is told by the keys.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TP_METRICS } from 'nuscenes-eval-ts';
import { InputError } from '../cli/shared/exit-codes.ts';

export type EvalTask = 'detection' | 'hdmap' | 'bev-seg';

/** A metric's value; null where the file has null (a NaN: an unscored class, say). */
export type MetricValue = number | null;

export interface FolderMetrics {
  folder: string;
  file: string;
  task: EvalTask;
  /** In the order the task's summary lists them. */
  metrics: [name: string, value: MetricValue][];
}

const DETECTION_FILE = 'metrics_summary.json';
const MAP_FILE = 'metrics.json';
const TP_NAMES = {
  trans_err: 'mATE',
  scale_err: 'mASE',
  orient_err: 'mAOE',
  vel_err: 'mAVE',
  attr_err: 'mAAE',
};

async function readJson(path: string): Promise<unknown | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    if ((err as NodeJS.ErrnoException).code === 'ENOTDIR') throw new InputError(`${path}: not a folder`);
    throw err;
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new InputError(`${path}: not valid JSON (${(err as Error).message})`);
  }
}

function value(file: string, key: string, v: unknown): MetricValue {
  if (v === null || typeof v === 'number') return v;
  throw new InputError(`${file}: ${key} is ${JSON.stringify(v)}, not a number`);
}

function record(file: string, key: string, v: unknown): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new InputError(`${file}: ${key} is not an object`);
  }
  return v as Record<string, unknown>;
}

function detectionRows(file: string, summary: Record<string, unknown>): FolderMetrics['metrics'] {
  const tp = record(file, 'tp_errors', summary.tp_errors);
  const aps = record(file, 'mean_dist_aps', summary.mean_dist_aps);
  return [
    ['mAP', value(file, 'mean_ap', summary.mean_ap)],
    ['NDS', value(file, 'nd_score', summary.nd_score)],
    ...TP_METRICS.map((m): [string, MetricValue] => [TP_NAMES[m], value(file, `tp_errors.${m}`, tp[m])]),
    ...Object.entries(aps).map(([name, v]): [string, MetricValue] => [
      `AP ${name}`,
      value(file, `mean_dist_aps.${name}`, v),
    ]),
  ];
}

function taskOfMapKeys(keys: string[]): EvalTask | undefined {
  if (keys.length > 0 && keys.every((k) => k.startsWith('NuscMap_chamfer/'))) return 'hdmap';
  if (keys.length > 0 && keys.every((k) => k.startsWith('map/'))) return 'bev-seg';
  return undefined;
}

export async function readFolderMetrics(folder: string): Promise<FolderMetrics> {
  const detectionPath = join(folder, DETECTION_FILE);
  const detection = await readJson(detectionPath);
  if (detection !== undefined) {
    const summary = record(detectionPath, 'the summary', detection);
    if (!('mean_ap' in summary && 'nd_score' in summary)) {
      throw new InputError(
        `${detectionPath}: no mean_ap and nd_score; not a summary of mim4d-eval detection`,
      );
    }
    return { folder, file: detectionPath, task: 'detection', metrics: detectionRows(detectionPath, summary) };
  }
  const mapPath = join(folder, MAP_FILE);
  const map = await readJson(mapPath);
  if (map === undefined) {
    throw new InputError(
      `${folder}: neither ${DETECTION_FILE} (detection) nor ${MAP_FILE} (hdmap, bev-seg): not an output folder of mim4d-eval`,
    );
  }
  const metrics = record(mapPath, 'the metrics', map);
  const keys = Object.keys(metrics);
  const task = taskOfMapKeys(keys);
  if (!task) {
    throw new InputError(
      `${mapPath}: keys are neither NuscMap_chamfer/... (hdmap) nor map/... (bev-seg): ${keys.slice(0, 3).join(', ')}`,
    );
  }
  return { folder, file: mapPath, task, metrics: keys.map((k) => [k, value(mapPath, k, metrics[k])]) };
}
