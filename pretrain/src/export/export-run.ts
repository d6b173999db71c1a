import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { writeSafetensors } from '@mim4d/nn';
import { Mim4dModel } from '../model/mim4d.ts';
import { loadCheckpoint } from '../train/checkpoint.ts';
import { BATCH_DIM, backboneContract, backboneOnnx } from './backbone-onnx.ts';

// card.json is the name `mim4d-zoo push` reads the card from, so the export folder publishes as it is.
export const EXPORT_FILES = {
  onnx: 'backbone.onnx',
  weights: 'backbone.safetensors',
  card: 'card.json',
} as const;

/** `format` in backbone.safetensors' metadata, next to the run's `config` (JSON) and `step`. */
export const BACKBONE_WEIGHTS_FORMAT = 'mim4d-backbone/1';

/** Parameter prefixes of the modules in backbone.onnx (the renderer, decoder and SDF field stay behind). */
const EXPORTED_MODULES = /^(img_backbone|img_neck|depth_net|render_conv)\./;

/**
 * Exports a pretraining run's checkpoint: `export/backbone.onnx` (multi-view images and camera matrices -> voxel
 * features); `export/backbone.safetensors`, the same modules' parameters and BatchNorm statistics under their
 * checkpoint names, which fine-tuning loads (an ONNX graph cannot be trained on); and a model card in the zoo's
 * format (cardVersion 1) that declares both, the graph's inputs and outputs, the preprocessing, the frames and
 * units of the camera matrices, and the training run.
 */
export function exportRun(
  runDir: string,
  codeCommit: string,
): { onnx: string; weights: string; card: string; params: number } {
  if (!/^[0-9a-f]{7,64}$/.test(codeCommit)) {
    throw new Error(`code commit "${codeCommit}" is not a git commit id (7-64 lowercase hex digits)`);
  }
  const ckpt = loadCheckpoint(runDir);
  const config = ckpt.meta.config;
  const model = new Mim4dModel(config);
  try {
    model.params.load(ckpt.params, runDir);
    const graph = backboneOnnx(model);
    const outDir = path.join(runDir, 'export');
    mkdirSync(outDir, { recursive: true });
    const onnxPath = path.join(outDir, EXPORT_FILES.onnx);
    writeFileSync(
      onnxPath,
      graph.toBytes({ metadata: { config: config.name, step: String(ckpt.meta.step) } }),
    );
    const weightsPath = path.join(outDir, EXPORT_FILES.weights);
    const tensors = [...ckpt.params]
      .filter(([name]) => EXPORTED_MODULES.test(name))
      .map(([name, { shape, data }]) => ({ name, shape, data }));
    writeFileSync(
      weightsPath,
      writeSafetensors(tensors, {
        format: BACKBONE_WEIGHTS_FORMAT,
        config: JSON.stringify(config),
        step: String(ckpt.meta.step),
      }),
    );
    const { imageHeight: H, imageWidth: W, frames, cameras } = config.input;
    const { x, y, z } = model.grid;
    const r = config.grid.pcRange;
    const { bins, min: dmin, step } = config.depth;
    let params = 0;
    for (const [name, v] of model.params.trainable()) {
      if (EXPORTED_MODULES.test(name)) params += v.size;
    }
    const card = {
      cardVersion: 1,
      name: `mim4d-${config.name}-backbone`,
      summary:
        `MIM4D-pretrained (${ckpt.meta.step} steps, config ${config.name}) camera backbone: sparse ConvNeXt + FPN + ` +
        `depth head, UVTR lifting into a ${x}x${y}x${z} voxel grid, render_conv. ` +
        `Inputs: images [${BATCH_DIM}, ${cameras}, ${H}, ${W}, 3] RGB in [0, 1] (one row per frame, cameras in ` +
        `training order); ego_to_image [${BATCH_DIM}, ${cameras}, 4, 4] float32 row-major, from that frame's ego ` +
        'frame in metres to network-input pixels (maps (x, y, z, 1) to (u*d, v*d, d, 1), intrinsics scaled to the ' +
        `resized image). Outputs, channels-last in the frame's ego frame: voxel_features [${BATCH_DIM}, Z, Y, X, ` +
        `${config.volume.channels}] after render_conv and lifted_features [${BATCH_DIM}, Z, Y, X, ` +
        `${config.neck.channels}] before it, voxel (iz, iy, ix) at ego point (${r[0]}, ${r[1]}, ${r[2]}) m + ` +
        `index * (${config.grid.voxelSize.join(', ')}) m; depth_l{i} [${BATCH_DIM}, ${cameras}, h, w, ${bins}], ` +
        `the per-level depth-bin distributions (bins of ${step} m from ${dmin} m).`,
      license: 'apache-2.0',
      architecture: {
        family: 'mim4d',
        backbone: `convnext-sparse-${config.encoder.stageChannels.join('-')}`,
        neck: 'fpn+uvtr-lifting',
        params,
      },
      artifacts: [
        {
          path: EXPORT_FILES.onnx,
          format: 'onnx',
          role: 'backbone',
          io: { opset: graph.opset, ...backboneContract(model) },
        },
        { path: EXPORT_FILES.weights, format: 'safetensors', role: 'backbone-weights' },
      ],
      preprocessing: {
        // The graph takes RGB in [0, 1] and normalises inside, so the card's 0..255 convention is mean 0, std 255.
        images: { mean: [0, 0, 0], std: [255, 255, 255], color: 'RGB', resizePx: [H, W], crop: 'none' },
        frames: { count: frames, strideS: 1 / 12 },
        outputFrame: 'ego',
        bevRangeM: [r[0], r[1], r[3], r[4]],
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
    return { onnx: onnxPath, weights: weightsPath, card: cardPath, params };
  } finally {
    model.dispose();
  }
}
