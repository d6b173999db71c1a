import { SeededRandom } from '@mim4d/nn';
import { sceneScale } from '../config/index.ts';
import type { Mim4dModel } from '../model/mim4d.ts';
import { chunkRays, RENDER_CHUNK, sampleRays } from '../model/rays.ts';
import type { Mim4dSample } from '../model/sample.ts';
import { readRecords } from './run-log.ts';

/** Held-out rendering quality at one step (a line of eval.jsonl). */
export interface EvalRecord {
  step: number;
  /** Mean |rendered - LiDAR| Euclidean depth along the ray, metres. */
  depthL1: number;
  /** Mean |rendered - LiDAR| / LiDAR depth. */
  depthAbsRel: number;
  /** PSNR of rendered RGB against the unmasked image, dB, peak 1, over every channel of every ray pooled. */
  psnr: number;
  samples: number;
  rays: number;
  seconds: number;
}

/** Peak signal-to-noise ratio of `pred` against `target`, both in [0, 1]: 10 log10(1 / MSE), in dB. */
export function psnr(pred: ArrayLike<number>, target: ArrayLike<number>): number {
  if (pred.length !== target.length || pred.length === 0) {
    throw new Error(
      `psnr: needs two non-empty arrays of one length, got ${pred.length} and ${target.length}`,
    );
  }
  let se = 0;
  for (let i = 0; i < pred.length; i++) se += (pred[i] - target[i]) ** 2;
  return 10 * Math.log10(pred.length / se);
}

/**
 * Renders the key frame of every held-out sample from its directly encoded, unmasked volume (evaluation mode) along
 * its LiDAR rays (up to `raysPerCamera` per camera, drawn with a fixed seed, so every evaluation of a run sees the
 * same rays and the same stratified jitter) and compares with the LiDAR depth and the image colour.
 */
export function evaluateHeldOut(
  model: Mim4dModel,
  samples: Mim4dSample[],
  raysPerCamera: number,
  step: number,
): EvalRecord {
  if (samples.length === 0) throw new Error('evaluateHeldOut: no held-out samples');
  const started = Date.now();
  const s = sceneScale(model.config);
  const rng = new SeededRandom(model.config.seed + 1);
  const predRgb: number[] = [];
  const targetRgb: number[] = [];
  let l1 = 0;
  let absRel = 0;
  let rays = 0;
  for (const sample of samples) {
    const batch = sampleRays(model.config, sample, 0, rng, raysPerCamera);
    if (batch.count === 0) throw new Error(`held-out sample ${sample.id}: no LiDAR ray lands in any camera`);
    const chunks = chunkRays(batch, RENDER_CHUNK);
    model.renderFrame(sample, 0, chunks, rng).forEach((out, c) => {
      const chunk = chunks[c];
      for (let i = 0; i < chunk.count; i++) {
        const err = Math.abs(out.depth[i] - chunk.depth[i]) / s;
        l1 += err;
        absRel += err / (chunk.depth[i] / s);
      }
      predRgb.push(...out.rgb);
      targetRgb.push(...chunk.rgb);
    });
    rays += batch.count;
  }
  return {
    step,
    depthL1: l1 / rays,
    depthAbsRel: absRel / rays,
    psnr: psnr(predRgb, targetRgb),
    samples: samples.length,
    rays,
    seconds: (Date.now() - started) / 1000,
  };
}

export function readEvalLog(file: string): EvalRecord[] {
  return readRecords<EvalRecord>(file, ['depthL1', 'depthAbsRel', 'psnr']);
}
