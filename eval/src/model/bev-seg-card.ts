/**
 * What the harness needs from a BEV-segmentation model's card (heads.md 2.3): the camera input, the lidar-frame
 * grid its `probs` cover and the graph, read from a card the zoo schema accepts. The metric pairs channels with
 * BEVFusion's six classes, so the labels must be those, in that order.
 */
import type { BevGrid } from '@mim4d/dataset';
import { BEV_SEG_ROLE } from '@mim4d/head-bev-seg';
import type { ModelCard } from '@mim4d/zoo';
import { BEVFUSION_MAP_CLASSES } from 'nuscenes-eval-ts';
import {
  type GraphArtifact,
  graphArtifact,
  type ImageInput,
  imageInput,
  readTaskCard,
  refuse,
} from './model-card-input.ts';

export interface BevSegCard {
  card: ModelCard;
  input: ImageInput;
  /** Cells of `probs` along lidar x (i) and y (j), and the grid they tile, as the rasteriser takes it. */
  cells: { x: number; y: number };
  grid: BevGrid;
  graph: GraphArtifact;
}

function checkLabels(card: ModelCard, source: string): void {
  const want = BEVFUSION_MAP_CLASSES.join(', ');
  if (!card.labels) refuse(source, 'labels', `missing; the harness scores the channels as ${want}`);
  if (card.labels.join(', ') !== want) {
    refuse(
      source,
      'labels',
      `[${card.labels.join(', ')}] are not BEVFusion's map classes in order (${want})`,
    );
  }
}

/** The declared `probs` output's cells along i and j, or a refusal naming what is wrong. */
function outputCells(graph: GraphArtifact, source: string): { x: number; y: number } {
  const probs = graph.io.outputs.find((t) => t.name === 'probs');
  const [, , x, y] = probs?.shape ?? [];
  if (!(typeof x === 'number' && x > 0 && typeof y === 'number' && y > 0 && probs?.shape?.length === 4)) {
    refuse(
      source,
      `artifacts (role "${BEV_SEG_ROLE}")`,
      `"${graph.path}" must declare an output probs [batch, 6, cells along x, cells along y] with fixed cell counts`,
    );
  }
  return { x, y };
}

/** The grid from preprocessing.bevRangeM and the output's cells: square cells centred on the lidar. */
function lidarGrid(card: ModelCard, cells: { x: number; y: number }, source: string): BevGrid {
  const range = card.preprocessing.bevRangeM;
  if (!range) {
    refuse(
      source,
      'preprocessing.bevRangeM',
      'missing; the harness rasterises the ground truth on this range',
    );
  }
  const [xmin, ymin, xmax, ymax] = range;
  if (!(xmax > xmin && ymax > ymin && xmin === -xmax && ymin === -ymax)) {
    refuse(
      source,
      'preprocessing.bevRangeM',
      `[${range.join(', ')}] is not a range centred on the lidar ([-x, -y, x, y]), as BEVFusion's masks are`,
    );
  }
  return {
    xBound: [xmin, xmax, (xmax - xmin) / cells.x],
    yBound: [ymin, ymax, (ymax - ymin) / cells.y],
  };
}

/** Validates `value` (parsed JSON) as a model card, then as a BEV-seg card; `source` names it in errors. */
export function readBevSegCard(value: unknown, source: string): BevSegCard {
  const card = readTaskCard(value, source, 'bev-seg', 'a BEV segmentation model');
  checkLabels(card, source);
  const input = imageInput(card, source, 'lidar', 'scores maps on the LIDAR_TOP grid');
  const graph = graphArtifact(card, source, BEV_SEG_ROLE);
  const cells = outputCells(graph, source);
  return { card, input, cells, grid: lidarGrid(card, cells, source), graph };
}
