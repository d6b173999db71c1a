/**
 * Is the graph a detector the harness can feed and decode? First the card's declared I/O against what its own
 * preprocessing and labels imply (heads.md 1.5), then the ONNX file against the card.
 */
import { readFile } from 'node:fs/promises';
import { type Dim, matchIo, OnnxFormatError, readOnnxIo, type TensorSpec } from '@mim4d/zoo';
import { InputError } from '../cli/shared/exit-codes.ts';
import type { DetectorCard } from './detector-card.ts';

/** The graph's inputs and outputs, by name, as the harness uses them. */
export const DETECTOR_INPUTS = ['images', 'ego_to_image'] as const;
export const DETECTOR_OUTPUTS = ['scores', 'boxes'] as const;

/** A dimension the harness requires: a size, the batch (any symbolic name) or the query count (shared). */
type Want = number | 'batch' | 'queries';

function show(shape: readonly Dim[] | readonly Want[] | null): string {
  return shape === null ? 'no shape' : `[${shape.map((d) => (d === null ? '?' : String(d))).join(', ')}]`;
}

function checkTensor(
  kind: 'input' | 'output',
  tensors: readonly TensorSpec[],
  name: string,
  want: readonly Want[],
  why: string,
  queries: { dim?: Dim },
): string[] {
  const tensor = tensors.find((t) => t.name === name);
  if (!tensor) return [`no ${kind} "${name}"`];
  const problems: string[] = [];
  if (tensor.dtype !== 'float32') problems.push(`${kind} "${name}" is ${tensor.dtype}, not float32`);
  const shape = tensor.shape;
  const fits =
    shape !== null &&
    shape.length === want.length &&
    shape.every((d, i) => {
      const w = want[i];
      if (w === 'batch') return typeof d === 'string' || d === null;
      if (w === 'queries') {
        if (!(typeof d === 'string' || (typeof d === 'number' && d > 0))) return false;
        queries.dim ??= d;
        return queries.dim === d;
      }
      return d === w;
    });
  if (!fits) problems.push(`${kind} "${name}" is ${show(shape)}, the harness needs ${show(want)} (${why})`);
  return problems;
}

/**
 * Refuses a card whose detector I/O is not `images` [batch, N, H, W, 3] and `ego_to_image` [batch, N, 4, 4] in,
 * `scores` [batch, Q, labels] and `boxes` [batch, Q, 10] out, with N, H, W from preprocessing.images.
 */
export function checkDetectorContract(detector: DetectorCard, source: string): void {
  const { io, path } = detector.detector;
  const { cameras: n, imageHeight: h, imageWidth: w } = detector.input;
  const queries: { dim?: Dim } = {};
  const why = 'preprocessing.images';
  const problems = [
    ...checkTensor('input', io.inputs, 'images', ['batch', n, h, w, 3], why, queries),
    ...checkTensor('input', io.inputs, 'ego_to_image', ['batch', n, 4, 4], why, queries),
    ...io.inputs
      .filter((t) => !(DETECTOR_INPUTS as readonly string[]).includes(t.name))
      .map((t) => `input "${t.name}" is not one the harness can feed (${DETECTOR_INPUTS.join(', ')})`),
    ...checkTensor(
      'output',
      io.outputs,
      'scores',
      ['batch', 'queries', detector.labels.length],
      `${detector.labels.length} labels`,
      queries,
    ),
    ...checkTensor(
      'output',
      io.outputs,
      'boxes',
      ['batch', 'queries', 10],
      'x, y, z, w, l, h, sin, cos, vx, vy',
      queries,
    ),
  ];
  if (problems.length > 0) {
    throw new InputError(`${source}: "${path}" is not a detector: ${problems.join('; ')}`);
  }
}

/** Reads the ONNX file's graph I/O and refuses it when it differs from what the card declares. */
export async function checkGraphMatchesCard(
  onnxPath: string,
  detector: DetectorCard,
  source: string,
): Promise<void> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(onnxPath);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      throw new InputError(`${onnxPath}: file not found (the detector artifact of ${source})`);
    throw err;
  }
  let problems: string[];
  try {
    problems = matchIo(detector.detector.io, readOnnxIo(bytes, onnxPath));
  } catch (err) {
    if (err instanceof OnnxFormatError) throw new InputError(err.message);
    throw err;
  }
  if (problems.length > 0) {
    throw new InputError(`${onnxPath}: the graph differs from its card ${source}: ${problems.join('; ')}`);
  }
}
