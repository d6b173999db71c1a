import type { SeededRandom } from '@mim4d/nn';
import * as tf from '@tensorflow/tfjs-core';
import type { Mim4dConfig } from '../config/index.ts';
import { stratifiedSamples, upsample } from './ray-sampler.ts';
import type { RayBatch } from './rays.ts';
import type { SdfField } from './sdf-field.ts';

export interface Rendered {
  /** [R, 3] */
  rgb: tf.Tensor2D;
  /** [R] scaled distance. */
  depth: tf.Tensor1D;
}

function rayPoints(rays: RayBatch, t: Float32Array, perRay: number): { x: Float32Array; dirs: Float32Array } {
  const n = rays.count * perRay;
  const x = new Float32Array(n * 3);
  const dirs = new Float32Array(n * 3);
  for (let r = 0; r < rays.count; r++) {
    for (let i = 0; i < perRay; i++) {
      const o = (r * perRay + i) * 3;
      const ti = t[r * perRay + i];
      for (let a = 0; a < 3; a++) {
        x[o + a] = rays.origins[3 * r + a] + ti * rays.directions[3 * r + a];
        dirs[o + a] = rays.directions[3 * r + a];
      }
    }
  }
  return { x, dirs };
}

/**
 * NeuS volume rendering of one volume along a ray batch (method spec 1.7): stratified samples, one no-gradient
 * up-sampling step, then SDF/colour at the sorted sample starts, NeuS alphas and alpha compositing.
 */
export function renderRays(
  config: Mim4dConfig,
  field: SdfField,
  volume: tf.Tensor4D,
  rays: RayBatch,
  rng: SeededRandom,
): Rendered {
  const r = config.render;
  const s0 = r.stratifiedSamples;
  const coarse = stratifiedSamples(rays, s0, rng);
  let t = coarse;
  if (r.importanceSamples > 0) {
    const sdfTensor = tf.tidy(() => {
      const { x } = rayPoints(rays, coarse, s0);
      return field.sdf(volume, tf.tensor2d(x, [rays.count * s0, 3]));
    });
    // Read outside tidy: tidy walks a returned typed array element by element looking for tensors.
    const sdf = sdfTensor.dataSync() as Float32Array;
    sdfTensor.dispose();
    t = upsample(rays, coarse, sdf, s0, r.importanceSamples, r.upsampleInvS);
  }
  const perRay = s0 + r.importanceSamples;
  const R = rays.count;
  const deltas = new Float32Array(R * perRay);
  for (let ray = 0; ray < R; ray++) {
    for (let i = 0; i < perRay; i++) {
      const next = i + 1 < perRay ? t[ray * perRay + i + 1] : rays.far[ray];
      deltas[ray * perRay + i] = Math.max(next - t[ray * perRay + i], 0);
    }
  }
  const { x, dirs } = rayPoints(rays, t, perRay);
  const dirT = tf.tensor2d(dirs, [R * perRay, 3]);
  const out = field.apply(volume, tf.tensor2d(x, [R * perRay, 3]), dirT);
  const invS = field.invS();
  const trueCos = tf.sum(tf.mul(dirT, out.normal), 1);
  const iterCos = tf.neg(tf.relu(tf.neg(trueCos)));
  const halfStep = tf.mul(iterCos, tf.mul(tf.tensor1d(deltas), 0.5));
  const prevCdf = tf.sigmoid(tf.mul(tf.sub(out.sdf, halfStep), invS));
  const nextCdf = tf.sigmoid(tf.mul(tf.add(out.sdf, halfStep), invS));
  const alpha = tf.reshape(
    tf.clipByValue(tf.div(tf.add(tf.sub(prevCdf, nextCdf), 1e-5), tf.add(prevCdf, 1e-5)), 0, 1),
    [R, perRay],
  );
  const transmittance = tf.exp(tf.cumsum(tf.log(tf.add(tf.sub(1, alpha), 1e-7)), 1, true));
  const weights = tf.mul(alpha, transmittance);
  const rgb = tf.sum(
    tf.mul(tf.expandDims(weights, 2), tf.reshape(out.rgb, [R, perRay, 3])),
    1,
  ) as tf.Tensor2D;
  const tT = tf.tensor2d(t, [R, perRay]);
  const depthRaw = tf.div(tf.sum(tf.mul(weights, tT), 1), tf.add(tf.sum(weights, 1), 1e-10));
  const depth = tf.minimum(
    tf.maximum(depthRaw, tf.tensor1d(rays.near)),
    tf.tensor1d(rays.far),
  ) as tf.Tensor1D;
  return { rgb, depth };
}
