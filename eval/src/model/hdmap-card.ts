/**
 * What the harness needs from an HD-map model's card (heads.md 3.3): the camera input, the lidar-frame patch its
 * vectors lie in, the vector and point counts and the graph, read from a card the zoo schema accepts. The metric
 * pairs `type` with MapTR's three classes, so the labels must be those, in that order.
 */
import { MAPTR_CLASSES, type MapTrPatchSize } from '@mim4d/dataset';
import { HDMAP_ROLE } from '@mim4d/head-hdmap';
import type { ModelCard } from '@mim4d/zoo';
import { InputError } from '../cli/shared/exit-codes.ts';
import { checkTensor, unfedInputs } from './graph-contract.ts';
import {
  type GraphArtifact,
  graphArtifact,
  type ImageInput,
  imageInput,
  readTaskCard,
  refuse,
} from './model-card-input.ts';

export interface HdMapCard {
  card: ModelCard;
  input: ImageInput;
  /** The patch (lidar frame, centred on the lidar) the GT is built in. */
  patch: MapTrPatchSize;
  /** Vectors and points per vector of the `pts` output. */
  vectors: number;
  points: number;
  graph: GraphArtifact;
}

export const HDMAP_INPUTS = ['images', 'ego_to_image', 'lidar_to_ego'] as const;

function checkLabels(card: ModelCard, source: string): void {
  const want = MAPTR_CLASSES.join(', ');
  if (!card.labels) refuse(source, 'labels', `missing; the harness scores the classes as ${want}`);
  if (card.labels.join(', ') !== want) {
    refuse(source, 'labels', `[${card.labels.join(', ')}] are not MapTR's map classes in order (${want})`);
  }
}

/** The declared `pts` output's vectors and points, or a refusal naming what is wrong. */
function outputCounts(graph: GraphArtifact, source: string): { vectors: number; points: number } {
  const pts = graph.io.outputs.find((t) => t.name === 'pts');
  const [, vectors, points] = pts?.shape ?? [];
  if (
    !(typeof vectors === 'number' && vectors > 0 && typeof points === 'number' && points >= 2) ||
    pts?.shape?.length !== 4
  ) {
    refuse(
      source,
      `artifacts (role "${HDMAP_ROLE}")`,
      `"${graph.path}" must declare an output pts [batch, vectors, points, 2] with fixed vector and point counts (points >= 2)`,
    );
  }
  return { vectors, points };
}

/** The patch from preprocessing.bevRangeM: centred on the lidar, as MapTR's. */
function lidarPatch(card: ModelCard, source: string): MapTrPatchSize {
  const range = card.preprocessing.bevRangeM;
  if (!range)
    refuse(source, 'preprocessing.bevRangeM', 'missing; the harness builds the ground truth in this patch');
  const [xmin, ymin, xmax, ymax] = range;
  if (!(xmax > xmin && ymax > ymin && xmin === -xmax && ymin === -ymax)) {
    refuse(
      source,
      'preprocessing.bevRangeM',
      `[${range.join(', ')}] is not a patch centred on the lidar ([-x, -y, x, y]), as MapTR's is`,
    );
  }
  return { width: xmax - xmin, height: ymax - ymin };
}

/** Validates `value` (parsed JSON) as a model card, then as an HD-map card; `source` names it in errors. */
export function readHdMapCard(value: unknown, source: string): HdMapCard {
  const card = readTaskCard(value, source, 'hdmap', 'an HD-map model');
  checkLabels(card, source);
  const input = imageInput(card, source, 'lidar', 'gives vectors in the LIDAR_TOP frame');
  const graph = graphArtifact(card, source, HDMAP_ROLE);
  return { card, input, patch: lidarPatch(card, source), ...outputCounts(graph, source), graph };
}

/**
 * Refuses a card whose graph does not take `images` [batch, N, H, W, 3], `ego_to_image` [batch, N, 4, 4] and
 * `lidar_to_ego` [batch, 4, 4], and give `scores` [batch, V, 3] and `pts` [batch, V, P, 2].
 */
export function checkHdMapContract(model: HdMapCard, source: string): void {
  const { io, path } = model.graph;
  const { cameras: n, imageHeight: h, imageWidth: w } = model.input;
  const why = 'preprocessing.images';
  const problems = [
    ...checkTensor('input', io.inputs, 'images', ['batch', n, h, w, 3], why),
    ...checkTensor('input', io.inputs, 'ego_to_image', ['batch', n, 4, 4], why),
    ...checkTensor('input', io.inputs, 'lidar_to_ego', ['batch', 4, 4], 'a rigid transform'),
    ...unfedInputs(io.inputs, HDMAP_INPUTS),
    ...checkTensor('output', io.outputs, 'scores', ['batch', model.vectors, 3], 'labels, vectors'),
    ...checkTensor('output', io.outputs, 'pts', ['batch', model.vectors, model.points, 2], 'vectors, points'),
  ];
  if (problems.length > 0) {
    throw new InputError(`${source}: "${path}" is not an HD-map model: ${problems.join('; ')}`);
  }
}
