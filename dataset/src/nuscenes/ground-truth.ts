import { asVec3, type Vec3 } from '../geometry/frames.ts';
import { Quaternion } from '../geometry/quaternion.ts';
import { RigidTransform } from '../geometry/rigid-transform.ts';
import { boxVelocity } from './box-velocity.ts';
import type { NuScenes } from './database.ts';
import { categoryToDetectionName, type DetectionName } from './detection-classes.ts';
import { LIDAR_CHANNEL, type SampleAnnotationRecord, type Token, type Vector3Record } from './tables.ts';

/** An annotated 3D box expressed in frame F ('global' as stored, or the sample's LIDAR_TOP 'ego' frame). */
export interface GtBox<F extends 'global' | 'ego'> {
  readonly annotationToken: Token;
  readonly instanceToken: Token;
  readonly sampleToken: Token;
  readonly categoryName: string;
  /** null for categories the detection benchmark ignores (kept for filters such as the bike-rack one). */
  readonly detectionName: DetectionName | null;
  readonly attributeNames: readonly string[];
  readonly center: Vec3<F>;
  /** Width, length, height in metres. */
  readonly size: Vector3Record;
  /** Box -> F rotation. */
  readonly rotation: Quaternion;
  /** Metres per second in F, the devkit's `box_velocity`; NaN where it cannot be estimated. */
  readonly velocity: Vec3<F>;
  readonly numLidarPts: number;
  readonly numRadarPts: number;
  /** num_lidar_pts + num_radar_pts, what the evaluation's point filter tests. */
  readonly numPts: number;
  readonly visibilityToken: Token;
}

/** A box of one of the ten detection classes, with the single attribute the evaluation compares. */
export interface DetectionGtBox<F extends 'global' | 'ego'> extends GtBox<F> {
  readonly detectionName: DetectionName;
  /** '' when the annotation has no attribute. */
  readonly attributeName: string;
}

export interface SampleGroundTruth {
  readonly sampleToken: Token;
  /** Translation of the ego pose of the sample's LIDAR_TOP sample_data (the evaluation's range origin). */
  readonly egoTranslation: Vec3<'global'>;
  /** The ego frame the 'ego' boxes are in: the sample's LIDAR_TOP ego pose. */
  readonly egoToGlobal: RigidTransform<'ego', 'global'>;
  /** Every annotation of the sample, in `sample['anns']` order. */
  readonly global: readonly GtBox<'global'>[];
  readonly ego: readonly GtBox<'ego'>[];
}

function globalBox(nusc: NuScenes, ann: SampleAnnotationRecord): GtBox<'global'> {
  const categoryName = nusc.categoryName(ann);
  const what = `sample_annotation.json record "${ann.token}"`;
  return {
    annotationToken: ann.token,
    instanceToken: ann.instance_token,
    sampleToken: ann.sample_token,
    categoryName,
    detectionName: categoryToDetectionName(categoryName),
    attributeNames: ann.attribute_tokens.map((t) => nusc.get('attribute', t).name),
    center: asVec3<'global'>(ann.translation, `${what}: field "translation"`),
    size: ann.size,
    rotation: Quaternion.fromArray(ann.rotation, `${what}: field "rotation"`),
    velocity: boxVelocity(nusc, ann.token),
    numLidarPts: ann.num_lidar_pts,
    numRadarPts: ann.num_radar_pts,
    numPts: ann.num_lidar_pts + ann.num_radar_pts,
    visibilityToken: ann.visibility_token,
  };
}

function toEgo(box: GtBox<'global'>, globalToEgo: RigidTransform<'global', 'ego'>): GtBox<'ego'> {
  return {
    ...box,
    center: globalToEgo.apply(box.center),
    rotation: globalToEgo.rotation.multiply(box.rotation.normalised()),
    velocity: globalToEgo.applyToDirection(box.velocity),
  };
}

/** All annotated boxes of a sample in the global and the ego frame. */
export function sampleGroundTruth(nusc: NuScenes, sampleToken: Token): SampleGroundTruth {
  const lidar = nusc.sampleData(sampleToken, LIDAR_CHANNEL);
  const pose = nusc.get('ego_pose', lidar.ego_pose_token);
  const egoToGlobal = RigidTransform.fromRecord<'ego', 'global'>(
    pose,
    `ego_pose.json record "${pose.token}"`,
  );
  const globalToEgo = egoToGlobal.inverse();
  const global = nusc.annotations(sampleToken).map((ann) => globalBox(nusc, ann));
  return {
    sampleToken,
    egoTranslation: egoToGlobal.translation,
    egoToGlobal,
    global,
    ego: global.map((box) => toEgo(box, globalToEgo)),
  };
}

/**
 * The detection benchmark's GT of a sample: boxes of the ten classes, in `sample['anns']` order, with one
 * attribute name each. An annotation with more than one attribute is an error, as in the devkit's `load_gt`.
 */
export function detectionGroundTruth<F extends 'global' | 'ego'>(
  boxes: readonly GtBox<F>[],
): DetectionGtBox<F>[] {
  const out: DetectionGtBox<F>[] = [];
  for (const box of boxes) {
    if (box.detectionName === null) continue;
    if (box.attributeNames.length > 1) {
      throw new Error(
        `sample_annotation.json record "${box.annotationToken}": field "attribute_tokens": a detection GT box may have at most one attribute, it has ${box.attributeNames.length} (${box.attributeNames.join(', ')})`,
      );
    }
    out.push({ ...box, detectionName: box.detectionName, attributeName: box.attributeNames[0] ?? '' });
  }
  return out;
}
