/**
 * What the harness needs from a detector's model card (heads.md 1.5), read from a card the zoo schema accepts:
 * the class order, how to feed the cameras and how to decode and score the outputs. Anything missing or outside
 * what the harness can do is refused with the card's source and the field.
 */
import { DETECTION_NAMES, type DetectionName } from '@mim4d/dataset';
import type { ModelCard } from '@mim4d/zoo';
import {
  type GraphArtifact,
  graphArtifact,
  type ImageInput,
  imageInput,
  readTaskCard,
  refuse,
} from './model-card-input.ts';

/** The artifact role of the graph the harness runs. */
export const DETECTOR_ROLE = 'detector';

export interface DetectorCard {
  card: ModelCard;
  /** Class channel i of `scores` is labels[i]. */
  labels: DetectionName[];
  input: ImageInput;
  decoding: { topK: number; classRangeM: Record<DetectionName, number> };
  detector: GraphArtifact;
}

type Detection = NonNullable<NonNullable<ModelCard['postprocessing']>['detection']>;

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

/** Validates `value` (parsed JSON) as a model card, then as a detector card; `source` names it in errors. */
export function readDetectorCard(value: unknown, source: string): DetectorCard {
  const card = readTaskCard(value, source, 'detection', 'a detector');
  return {
    card,
    labels: checkLabels(card, source),
    input: imageInput(card, source, 'ego', 'decodes boxes given in the frame ego'),
    decoding: decoding(card, source),
    detector: graphArtifact(card, source, DETECTOR_ROLE),
  };
}
