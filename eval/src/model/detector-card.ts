/**
 * What the harness needs from a detector's model card (heads.md 1.5), read from a card the zoo schema accepts:
 * the class order, how to feed the cameras and how to decode and score the outputs. Anything missing or outside
 * what the harness can do is refused with the card's source and the field.
 */
import { CAMERA_CHANNELS, DETECTION_NAMES, type DetectionName } from '@mim4d/dataset';
import { type DeclaredIo, type ModelCard, validateCard } from '@mim4d/zoo';
import { InputError } from '../cli/shared/exit-codes.ts';

/** The artifact role of the graph the harness runs. */
export const DETECTOR_ROLE = 'detector';

/** How loaded key frames ([0, 1] RGB) become the graph's `images` input. */
export interface ImageInput {
  cameras: number;
  imageHeight: number;
  imageWidth: number;
  /** Per channel, in `color` order, applied to 0..255 values: (v - mean) / std. */
  mean: readonly [number, number, number];
  std: readonly [number, number, number];
  color: 'RGB' | 'BGR';
}

export interface DetectorCard {
  card: ModelCard;
  /** Class channel i of `scores` is labels[i]. */
  labels: DetectionName[];
  input: ImageInput;
  decoding: { topK: number; classRangeM: Record<DetectionName, number> };
  detector: { path: string; io: DeclaredIo };
}

type Detection = NonNullable<NonNullable<ModelCard['postprocessing']>['detection']>;

function refuse(source: string, field: string, problem: string): never {
  throw new InputError(`${source}: ${field}: ${problem}`);
}

function checkTask(card: ModelCard, source: string): void {
  if (card.task === undefined)
    refuse(source, 'task', 'missing; the harness runs cards with task "detection"');
  if (card.task !== 'detection') {
    refuse(source, 'task', `is "${card.task}", not "detection": this model is not a detector`);
  }
}

function checkLabels(card: ModelCard, source: string): DetectionName[] {
  if (!card.labels) refuse(source, 'labels', 'missing; the harness needs the class order of the outputs');
  return card.labels.map((label, i) => {
    if (!(DETECTION_NAMES as readonly string[]).includes(label)) {
      refuse(
        source,
        `labels[${i}]`,
        `"${label}" is not a nuScenes detection class (${DETECTION_NAMES.join(', ')})`,
      );
    }
    return label as DetectionName;
  });
}

function imageInput(card: ModelCard, source: string): ImageInput {
  const pre = card.preprocessing;
  const images = pre.images;
  if (!images) refuse(source, 'preprocessing.images', 'missing; the harness needs the camera input size');
  if (!images.cameras) {
    refuse(source, 'preprocessing.images.cameras', 'missing; the harness needs the cameras and their order');
  }
  const expected = CAMERA_CHANNELS.slice(0, images.cameras.length);
  if (images.cameras.length > CAMERA_CHANNELS.length || images.cameras.some((c, i) => c !== expected[i])) {
    refuse(
      source,
      'preprocessing.images.cameras',
      `[${images.cameras.join(', ')}] is not the first ${images.cameras.length} nuScenes cameras in order ` +
        `(${CAMERA_CHANNELS.join(', ')}), which is what the harness loads`,
    );
  }
  if (images.crop !== 'none') {
    refuse(
      source,
      'preprocessing.images.crop',
      `"${images.crop}" is not supported: the harness resizes each image into a zero-padded canvas (crop "none")`,
    );
  }
  if (pre.frames && pre.frames.count !== 1) {
    refuse(
      source,
      'preprocessing.frames.count',
      `is ${pre.frames.count}; the harness feeds the key frame only (1)`,
    );
  }
  if (pre.outputFrame !== 'ego') {
    refuse(
      source,
      'preprocessing.outputFrame',
      pre.outputFrame === undefined
        ? 'missing; the harness decodes boxes given in the frame ego ("ego")'
        : `is "${pre.outputFrame}"; the harness decodes boxes given in the frame ego ("ego")`,
    );
  }
  const [imageHeight, imageWidth] = images.resizePx;
  return {
    cameras: images.cameras.length,
    imageHeight,
    imageWidth,
    mean: images.mean,
    std: images.std,
    color: images.color,
  };
}

function decoding(card: ModelCard, source: string): DetectorCard['decoding'] {
  const detection: Detection | undefined = card.postprocessing?.detection;
  if (!detection) {
    refuse(source, 'postprocessing.detection', 'missing; the harness needs topK and classRangeM to decode');
  }
  const classRangeM = {} as Record<DetectionName, number>;
  // The scoring filters every class, predicted or not, so every class needs its range.
  for (const name of DETECTION_NAMES) {
    const range = detection.classRangeM[name];
    if (range === undefined) {
      refuse(
        source,
        `postprocessing.detection.classRangeM.${name}`,
        'missing; the scoring filters the ground truth of every detection class with these ranges',
      );
    }
    classRangeM[name] = range;
  }
  return { topK: detection.topK, classRangeM };
}

function detectorArtifact(card: ModelCard, source: string): DetectorCard['detector'] {
  const found = card.artifacts.filter((a) => a.role === DETECTOR_ROLE);
  if (found.length !== 1) {
    refuse(
      source,
      'artifacts',
      found.length === 0
        ? `no artifact with role "${DETECTOR_ROLE}"`
        : `${found.length} artifacts with role "${DETECTOR_ROLE}"; the harness runs one`,
    );
  }
  const [artifact] = found;
  if (artifact.format !== 'onnx' || !artifact.io) {
    refuse(
      source,
      `artifacts (role "${DETECTOR_ROLE}")`,
      `"${artifact.path}" is ${artifact.format}, not ONNX`,
    );
  }
  return { path: artifact.path, io: artifact.io };
}

/** Validates `value` (parsed JSON) as a model card, then as a detector card; `source` names it in errors. */
export function readDetectorCard(value: unknown, source: string): DetectorCard {
  const validation = validateCard(value);
  if (!validation.ok) {
    const errors = validation.errors.map((e) => `${e.path} ${e.message}`).join('; ');
    throw new InputError(`${source}: not a valid model card: ${errors}`);
  }
  const { card } = validation;
  checkTask(card, source);
  return {
    card,
    labels: checkLabels(card, source),
    input: imageInput(card, source),
    decoding: decoding(card, source),
    detector: detectorArtifact(card, source),
  };
}
