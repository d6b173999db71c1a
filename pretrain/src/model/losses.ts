import * as tf from '@tensorflow/tfjs-core';
import type { Mim4dConfig } from '../config/index.ts';
import type { RayBatch } from './rays.ts';
import type { Rendered } from './renderer.ts';

export interface RenderLoss {
  rgb: tf.Scalar;
  depth: tf.Scalar;
}

/** RGB L1 and depth L1 (scaled distances), each times its weight (method spec 1.8). */
export function renderLoss(config: Mim4dConfig, rendered: Rendered, rays: RayBatch): RenderLoss {
  const rgb = tf.mul(
    tf.mean(tf.abs(tf.sub(rendered.rgb, tf.tensor2d(rays.rgb, [rays.count, 3])))),
    config.loss.rgbWeight,
  );
  const depth = tf.mul(
    tf.mean(tf.abs(tf.sub(rendered.depth, tf.tensor1d(rays.depth)))),
    config.loss.depthWeight,
  );
  return { rgb: rgb as tf.Scalar, depth: depth as tf.Scalar };
}
