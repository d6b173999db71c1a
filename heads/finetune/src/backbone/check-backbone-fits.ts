import type { Mim4dConfig } from '@mim4d/pretrain';

/**
 * Config fields that fix the backbone's tensor shapes, what its weights learned to expect (input normalisation,
 * depth bins) or the voxel grid the heads read. The image size and the camera count are not among them: every
 * backbone layer is convolutional and shared by the views, and the lifting plan is resolution-free and sums over
 * whatever cameras a frame has, so heads fine-tune at a higher resolution and with every camera.
 */
const MUST_MATCH = ['input.mean', 'input.std', 'encoder', 'neck', 'depth', 'grid'];

/** Training-time settings inside those sections, free to differ: a regularisation rate and an init overwritten. */
const FREE = new Set(['encoder.dropPath', 'encoder.layerScaleInit']);

function at(config: unknown, field: string): unknown {
  return field.split('.').reduce((v, key) => (v as Record<string, unknown> | undefined)?.[key], config);
}

/** Leaf field paths under `field` (arrays are leaves), from both configs so a field only one has is compared. */
function leaves(a: unknown, b: unknown, field: string): string[] {
  const objects = [a, b].filter((v) => typeof v === 'object' && v !== null && !Array.isArray(v));
  if (objects.length === 0) return [field];
  const keys = new Set(objects.flatMap((o) => Object.keys(o as object)));
  return [...keys].flatMap((k) => leaves(at(a, k), at(b, k), `${field}.${k}`).filter((f) => !FREE.has(f)));
}

/**
 * Checks that a backbone pretrained with `weights` can serve a head configured with `model`; `source` names the
 * backbone in the error, which gives the first differing field and both values.
 */
export function checkBackboneFits(weights: Mim4dConfig, model: Mim4dConfig, source: string): void {
  for (const section of MUST_MATCH) {
    for (const field of leaves(at(weights, section), at(model, section), section)) {
      const have = JSON.stringify(at(weights, field));
      const need = JSON.stringify(at(model, field));
      if (have !== need) {
        throw new Error(`backbone ${source}: ${field} is ${have}, the head config needs ${need}`);
      }
    }
  }
  const { stemStride, stageChannels } = model.encoder;
  const deepest = stemStride * 2 ** (stageChannels.length - 1);
  for (const side of ['imageHeight', 'imageWidth'] as const) {
    const size = model.input[side];
    if (size % deepest !== 0) {
      throw new Error(
        `backbone ${source}: the head config's input.${side} ${size} is not a multiple of the deepest stride ${deepest}`,
      );
    }
  }
}
