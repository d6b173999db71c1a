/** The ten logits in the UVTR config's class order (heads.md 1.2, U8), which the outputs and the card follow. */
export const DETECTION_HEAD_CLASSES = [
  'car',
  'truck',
  'construction_vehicle',
  'bus',
  'trailer',
  'barrier',
  'motorcycle',
  'bicycle',
  'pedestrian',
  'traffic_cone',
] as const;

export type DetectionHeadClass = (typeof DETECTION_HEAD_CLASSES)[number];
