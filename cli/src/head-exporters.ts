/** Each task's head exporter (`<runDir>/export/`: ONNX graph, safetensors and zoo card). */
import { exportBevSeg } from '@mim4d/head-bev-seg';
import { exportDetector } from '@mim4d/head-detection';
import { exportHdMap } from '@mim4d/head-hdmap';

export const HEAD_EXPORTERS = {
  detection: exportDetector,
  'bev-seg': exportBevSeg,
  hdmap: exportHdMap,
} as const;
