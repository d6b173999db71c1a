/**
 * Is the graph a detector the harness can feed and decode? The card's declared I/O against what its own
 * preprocessing and labels imply (heads.md 1.5); graph-contract.ts then checks the ONNX file against the card.
 */
import type { Dim } from '@mim4d/zoo';
import { InputError } from '../cli/shared/exit-codes.ts';
import type { DetectorCard } from './detector-card.ts';
import { checkTensor, unfedInputs } from './graph-contract.ts';

/** The graph's inputs and outputs, by name, as the harness uses them. */
export const DETECTOR_INPUTS = ['images', 'ego_to_image'] as const;
export const DETECTOR_OUTPUTS = ['scores', 'boxes'] as const;

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
    ...unfedInputs(io.inputs, DETECTOR_INPUTS),
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
