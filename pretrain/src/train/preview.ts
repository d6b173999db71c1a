import { SeededRandom } from '@mim4d/nn';
import { sceneScale } from '../config/index.ts';
import type { Mim4dModel } from '../model/mim4d.ts';
import { chunkRays, pixelRays, RENDER_CHUNK } from '../model/rays.ts';
import type { Mim4dSample } from '../model/sample.ts';
import { Raster } from './png.ts';

const MAX_RAYS = 2048;

/**
 * Renders camera `camera` of the key frame of a held-out sample from its directly encoded, unmasked volume and
 * writes [input image | rendered RGB | rendered depth] side by side, at most about MAX_RAYS pixels (depth: near white, far black, metres
 * 0..far of the box). Fixed seed, so before/after pictures use the same samples.
 */
export function writePreview(
  model: Mim4dModel,
  sample: Mim4dSample,
  file: string,
  camera = 0,
  scale = 3,
): void {
  const { imageHeight, imageWidth } = model.config.input;
  // Every stride-th pixel, so a picture costs at most about MAX_RAYS rays whatever the image size.
  const stride = Math.max(1, Math.ceil(Math.sqrt((imageHeight * imageWidth) / MAX_RAYS)));
  const W = Math.ceil(imageWidth / stride);
  const H = Math.ceil(imageHeight / stride);
  const px = scale * stride;
  const rays = pixelRays(model.config, sample, 0, camera, stride);
  const rgb = new Float32Array(rays.count * 3);
  const depth = new Float32Array(rays.count);
  const rng = new SeededRandom(7);
  model.renderFrame(sample, 0, chunkRays(rays, RENDER_CHUNK), rng).forEach((out, i) => {
    rgb.set(out.rgb, 3 * i * RENDER_CHUNK);
    depth.set(out.depth, i * RENDER_CHUNK);
  });
  const s = sceneScale(model.config);
  const maxDepth = Math.max(...rays.far) / s;
  const depthImage = new Float32Array(rays.count * 3);
  for (let i = 0; i < rays.count; i++)
    depthImage.fill(1 - Math.min(depth[i] / s / maxDepth, 1), 3 * i, 3 * i + 3);
  const img = new Raster(3 * W * px + 2 * 4, H * px, [255, 255, 255]);
  img.paste(rays.rgb, W, H, 0, 0, px);
  img.paste(rgb, W, H, W * px + 4, 0, px);
  img.paste(depthImage, W, H, 2 * (W * px + 4), 0, px);
  img.write(file);
}
