import { writeFile } from 'node:fs/promises';
import { SeededRandom } from '@mim4d/nn';
import { imageView, rgbDataUrl, unitRgbToBytes, type VegaLiteSpec, vegaLitePng } from '@mim4d/plots';
import { sceneScale } from '../config/index.ts';
import type { Mim4dModel } from '../model/mim4d.ts';
import { chunkRays, pixelRays, RENDER_CHUNK } from '../model/rays.ts';
import type { Mim4dSample } from '../model/sample.ts';

const MAX_RAYS = 2048;

/**
 * Renders camera `camera` of the key frame of a held-out sample from its directly encoded, unmasked volume and
 * writes [input image | rendered RGB | rendered depth] side by side, at most about MAX_RAYS pixels (depth: near white, far black, metres
 * 0..far of the box). Fixed seed, so before/after pictures use the same samples.
 */
export async function writePreview(
  model: Mim4dModel,
  sample: Mim4dSample,
  file: string,
  camera = 0,
  scale = 3,
): Promise<void> {
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
  const view = async (image: Float32Array, title: string) =>
    imageView(await rgbDataUrl(unitRgbToBytes(image), W, H, px), W * px, H * px, title);
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `held-out sample, camera ${camera + 1}, rendered from its unmasked volume`,
    config: { view: { stroke: null } },
    hconcat: [
      await view(rays.rgb, 'input image'),
      await view(rgb, 'rendered RGB'),
      await view(depthImage, `rendered depth (white near, black ${maxDepth.toFixed(0)} m)`),
    ],
  } as VegaLiteSpec;
  await writeFile(file, await vegaLitePng(spec, 1));
}
