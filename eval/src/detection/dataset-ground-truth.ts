/**
 * Ground truth and filter inputs from a nuScenes dataroot (the devkit's `load_gt` + `add_center_dist` +
 * bike-rack lookup), read with @mim4d/dataset and handed to nuscenes-eval-ts as plain data.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  BICYCLE_RACK_CATEGORY,
  detectionGroundTruth,
  type NuScenes,
  sampleGroundTruth,
} from '@mim4d/dataset';
import {
  attributeCode,
  classCode,
  type DetectionBoxJson,
  type EvalBoxes,
  EvalBoxesBuilder,
  type GlobalOrientedBox,
  quaternionYaw,
  type SampleFilterContext,
} from 'nuscenes-eval-ts';
import { InputError } from '../cli/shared/exit-codes.ts';
import { type DatasetSplit, type OpenedSplit, openDatasetSplit } from '../dataset-split.ts';

export type { DatasetSplit } from '../dataset-split.ts';

export interface DatasetGroundTruth {
  gt: EvalBoxes;
  /** Ego translation and bike racks of every sample of the split. */
  context: Map<string, SampleFilterContext>;
}

/** `opened`: the split already opened by the caller (a model run reads its images), so it is not read twice. */
export async function loadDatasetGroundTruth(
  spec: DatasetSplit,
  opened?: OpenedSplit,
): Promise<DatasetGroundTruth> {
  return datasetGroundTruth(await readSplitDetectionBoxes(spec, opened));
}

/** One sample's ground truth and its detection boxes (global frame). */
export interface SampleDetectionBoxes {
  token: string;
  truth: ReturnType<typeof sampleGroundTruth>;
  boxes: ReturnType<typeof detectionGroundTruth>;
}

/** Every sample's detection boxes, built once for scoring and, with `--gt-out`, for the file. */
export async function readSplitDetectionBoxes(
  spec: DatasetSplit,
  opened?: OpenedSplit,
): Promise<SampleDetectionBoxes[]> {
  const { nusc, samples } = opened ?? (await openDatasetSplit(spec));
  if (spec.split === 'test' && nusc.tables.sample_annotation.length === 0) {
    throw new InputError(`${spec.version} has no annotations: the test split cannot be evaluated locally`);
  }
  return samples.map((sample) => ({ token: sample.token, ...sampleDetectionBoxes(nusc, sample.token) }));
}

export function datasetGroundTruth(samples: readonly SampleDetectionBoxes[]): DatasetGroundTruth {
  const builder = new EvalBoxesBuilder();
  const context = new Map<string, SampleFilterContext>();
  for (const { token, truth, boxes } of samples) {
    boxes.forEach((box, index) => {
      builder.push({
        centerX: box.center[0],
        centerY: box.center[1],
        centerZ: box.center[2],
        width: box.size[0],
        length: box.size[1],
        height: box.size[2],
        yaw: quaternionYaw(box.rotation.toArray()),
        velocityX: box.velocity[0],
        velocityY: box.velocity[1],
        score: -1.0,
        classCode: classCode.get(box.detectionName)!,
        attributeCode: attributeCodeOf(box.attributeName, box.annotationToken),
        numPts: box.numPts,
        sourceIndex: index,
      });
    });
    builder.endSample(token);
    const bikeRacks: GlobalOrientedBox[] = truth.global
      .filter((b) => b.categoryName === BICYCLE_RACK_CATEGORY)
      .map((b) => ({
        translation: [b.center[0], b.center[1], b.center[2]],
        size: [b.size[0], b.size[1], b.size[2]],
        rotation: b.rotation.toArray(),
      }));
    const ego = truth.egoTranslation;
    context.set(token, { egoTranslation: [ego[0], ego[1], ego[2]], bikeRacks });
  }
  return { gt: builder.build(), context };
}

/** A sample's ground truth and its detection boxes (global frame), errors named as input errors. */
function sampleDetectionBoxes(nusc: NuScenes, token: string) {
  try {
    const truth = sampleGroundTruth(nusc, token);
    return { truth, boxes: detectionGroundTruth(truth.global) };
  } catch (err) {
    throw new InputError((err as Error).message);
  }
}

/**
 * Writes the split's ground truth as the devkit's EvalBoxes JSON (`{sample_token: [box]}` with `ego_translation`,
 * the box centre minus the ego position as the devkit's `add_center_dist` sets it, and `num_pts`): the form
 * `mim4d-zoo benchmark gt` installs for a detection benchmark.
 */
export async function writeDatasetGroundTruth(
  samples: readonly SampleDetectionBoxes[],
  file: string,
): Promise<void> {
  const out: Record<string, DetectionBoxJson[]> = {};
  for (const { token, truth, boxes } of samples) {
    const ego = truth.egoTranslation;
    out[token] = boxes.map((box) => ({
      sample_token: token,
      translation: [box.center[0], box.center[1], box.center[2]],
      size: [box.size[0], box.size[1], box.size[2]],
      rotation: box.rotation.toArray(),
      velocity: [finiteOrNull(box.velocity[0]), finiteOrNull(box.velocity[1])],
      ego_translation: [box.center[0] - ego[0], box.center[1] - ego[1], box.center[2] - ego[2]],
      num_pts: box.numPts,
      detection_name: box.detectionName,
      attribute_name: box.attributeName,
    }));
  }
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify(out));
}

const finiteOrNull = (v: number) => (Number.isFinite(v) ? v : null);

function attributeCodeOf(name: string, annotationToken: string): number {
  const code = attributeCode.get(name);
  if (code === undefined) {
    throw new InputError(
      `sample_annotation.json record "${annotationToken}": attribute "${name}" is not one of the detection attributes`,
    );
  }
  return code;
}
