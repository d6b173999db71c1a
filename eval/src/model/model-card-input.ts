/**
 * The parts of a model card every `--model` harness reads alike: the card validated and its task checked, the
 * camera input it takes, and the one ONNX artifact of the role the harness runs. Anything missing or outside what
 * the harness can do is refused with the card's source and the field.
 */
import { CAMERA_CHANNELS } from '@mim4d/dataset';
import { type DeclaredIo, type ModelCard, validateCard } from '@mim4d/zoo';
import { InputError } from '../cli/shared/exit-codes.ts';

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

/** The ONNX file a harness runs and the I/O its card declares. */
export interface GraphArtifact {
  path: string;
  io: DeclaredIo;
}

export function refuse(source: string, field: string, problem: string): never {
  throw new InputError(`${source}: ${field}: ${problem}`);
}

/** Validates `value` (parsed JSON) as a model card of `task`; `source` names it in errors. */
export function readTaskCard(
  value: unknown,
  source: string,
  task: NonNullable<ModelCard['task']>,
  what: string,
): ModelCard {
  const validation = validateCard(value);
  if (!validation.ok) {
    const errors = validation.errors.map((e) => `${e.path} ${e.message}`).join('; ');
    throw new InputError(`${source}: not a valid model card: ${errors}`);
  }
  const { card } = validation;
  if (card.task === undefined) refuse(source, 'task', `missing; the harness runs cards with task "${task}"`);
  if (card.task !== task)
    refuse(source, 'task', `is "${card.task}", not "${task}": this model is not ${what}`);
  return card;
}

/**
 * The cameras, size and normalisation of the `images` input, and a check that the outputs are in `outputFrame`
 * (`why` says what the harness does with them there).
 */
export function imageInput(
  card: ModelCard,
  source: string,
  outputFrame: 'ego' | 'lidar',
  why: string,
): ImageInput {
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
  if (pre.outputFrame !== outputFrame) {
    const wanted = `the harness ${why} ("${outputFrame}")`;
    refuse(
      source,
      'preprocessing.outputFrame',
      pre.outputFrame === undefined ? `missing; ${wanted}` : `is "${pre.outputFrame}"; ${wanted}`,
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

/** The card's one ONNX artifact with `role`. */
export function graphArtifact(card: ModelCard, source: string, role: string): GraphArtifact {
  const found = card.artifacts.filter((a) => a.role === role);
  if (found.length !== 1) {
    refuse(
      source,
      'artifacts',
      found.length === 0
        ? `no artifact with role "${role}"`
        : `${found.length} artifacts with role "${role}"; the harness runs one`,
    );
  }
  const [artifact] = found;
  if (artifact.format !== 'onnx' || !artifact.io) {
    refuse(source, `artifacts (role "${role}")`, `"${artifact.path}" is ${artifact.format}, not ONNX`);
  }
  return { path: artifact.path, io: artifact.io };
}
