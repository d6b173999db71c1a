import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Mim4dModel } from '../model/mim4d.ts';
import { loadCheckpoint } from '../train/checkpoint.ts';
import { imageBackboneOnnx } from './image-backbone-onnx.ts';

export const EXPORT_FILES = { onnx: 'image-backbone.onnx', card: 'model-card.json' } as const;

/**
 * Exports a pretraining run's checkpoint: `export/image-backbone.onnx` and a model card in the zoo's format
 * (cardVersion 1) that declares the graph's inputs and outputs, the preprocessing and the training run.
 */
export function exportRun(
  runDir: string,
  codeCommit: string,
): { onnx: string; card: string; params: number } {
  if (!/^[0-9a-f]{7,64}$/.test(codeCommit)) {
    throw new Error(`code commit "${codeCommit}" is not a git commit id (7-64 lowercase hex digits)`);
  }
  const ckpt = loadCheckpoint(runDir);
  const config = ckpt.meta.config;
  const model = new Mim4dModel(config);
  try {
    model.params.load(ckpt.params, runDir);
    const graph = imageBackboneOnnx(model);
    const outDir = path.join(runDir, 'export');
    mkdirSync(outDir, { recursive: true });
    const onnxPath = path.join(outDir, EXPORT_FILES.onnx);
    writeFileSync(
      onnxPath,
      graph.toBytes({ metadata: { config: config.name, step: String(ckpt.meta.step) } }),
    );
    const { imageHeight: H, imageWidth: W, frames } = config.input;
    const outputs = model.levelSizes().flatMap(([h, w], l) => [
      { name: `features_l${l}`, dtype: 'float32', shape: ['n', h, w, config.neck.channels] },
      { name: `depth_l${l}`, dtype: 'float32', shape: ['n', h, w, config.depth.bins] },
    ]);
    let params = 0;
    for (const [name, v] of model.params.trainable()) {
      if (/^(img_backbone|img_neck|depth_net)\./.test(name)) params += v.size;
    }
    const card = {
      cardVersion: 1,
      name: `mim4d-${config.name}-image-backbone`,
      summary:
        `MIM4D-pretrained (${ckpt.meta.step} steps, config ${config.name}) sparse ConvNeXt + FPN + depth head: ` +
        'multi-view images to per-level features and depth-bin distributions for UVTR-style lifting ' +
        `(bins ${config.depth.bins} x ${config.depth.step} m from ${config.depth.min} m).`,
      license: 'apache-2.0',
      architecture: {
        family: 'mim4d',
        backbone: `convnext-sparse-${config.encoder.stageChannels.join('-')}`,
        neck: 'fpn',
        params,
      },
      artifacts: [
        {
          path: EXPORT_FILES.onnx,
          format: 'onnx',
          role: 'backbone',
          io: {
            opset: graph.opset,
            inputs: [{ name: 'images', dtype: 'float32', shape: ['n', H, W, 3] }],
            outputs,
          },
        },
      ],
      preprocessing: {
        // The graph takes RGB in [0, 1] and normalises inside, so the card's 0..255 convention is mean 0, std 255.
        images: { mean: [0, 0, 0], std: [255, 255, 255], color: 'RGB', resizePx: [H, W], crop: 'none' },
        frames: { count: frames, strideS: 1 / 12 },
        outputFrame: 'ego',
      },
      sensors: { camera: true, lidar: false, radar: false, map: false, external: false },
      training: {
        datasets: ['nuscenes-layout (see the run directory config.json)'],
        steps: ckpt.meta.step,
        provenance: { codeRepo: 'mim4d', codeCommit },
      },
      results: [],
    };
    const cardPath = path.join(outDir, EXPORT_FILES.card);
    writeFileSync(cardPath, `${JSON.stringify(card, null, 2)}\n`);
    return { onnx: onnxPath, card: cardPath, params };
  } finally {
    model.dispose();
  }
}
