/**
 * Is the graph a BEV segmenter the harness can feed? Its declared I/O against the card's preprocessing
 * (heads.md 2.3); graph-contract.ts then checks the ONNX file against the card.
 */
import { InputError } from '../cli/shared/exit-codes.ts';
import type { BevSegCard } from './bev-seg-card.ts';
import { checkTensor, unfedInputs } from './graph-contract.ts';

export const BEV_SEG_INPUTS = ['images', 'ego_to_image', 'lidar_to_ego'] as const;

/**
 * Refuses a card whose graph does not take `images` [batch, N, H, W, 3], `ego_to_image` [batch, N, 4, 4] and
 * `lidar_to_ego` [batch, 4, 4], and give `probs` [batch, 6, X, Y] (N, H, W from preprocessing.images).
 */
export function checkBevSegContract(model: BevSegCard, source: string): void {
  const { io, path } = model.graph;
  const { cameras: n, imageHeight: h, imageWidth: w } = model.input;
  const why = 'preprocessing.images';
  const problems = [
    ...checkTensor('input', io.inputs, 'images', ['batch', n, h, w, 3], why),
    ...checkTensor('input', io.inputs, 'ego_to_image', ['batch', n, 4, 4], why),
    ...checkTensor('input', io.inputs, 'lidar_to_ego', ['batch', 4, 4], 'a rigid transform'),
    ...unfedInputs(io.inputs, BEV_SEG_INPUTS),
    ...checkTensor(
      'output',
      io.outputs,
      'probs',
      ['batch', 6, model.cells.x, model.cells.y],
      'labels, cells',
    ),
  ];
  if (problems.length > 0) {
    throw new InputError(`${source}: "${path}" is not a BEV segmentation model: ${problems.join('; ')}`);
  }
}
