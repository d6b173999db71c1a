import assert from 'node:assert/strict';
import { loadConfig, type Mim4dConfig } from '@mim4d/pretrain';
import { checkBackboneFits } from '../../src/index.ts';

const micro = loadConfig('micro');
/** `micro` with one section's fields replaced. */
function withMicro<K extends keyof Mim4dConfig>(section: K, patch: Partial<Mim4dConfig[K]>): Mim4dConfig {
  return { ...micro, [section]: { ...(micro[section] as object), ...patch } };
}

describe('checkBackboneFits', () => {
  it('accepts the pretraining config, and a head at twice the image size on six cameras with its own training settings', () => {
    checkBackboneFits(micro, micro, 'runs/x');
    const { imageHeight: H, imageWidth: W } = micro.input;
    const head = {
      ...withMicro('input', { imageHeight: 2 * H, imageWidth: 2 * W, frames: 2, cameras: 6 }),
      name: 'detection',
      optim: { ...micro.optim, lr: 4e-4 },
      encoder: { ...micro.encoder, dropPath: 0.2, layerScaleInit: 1 },
      decoder: { ...micro.decoder, layers: 1 },
    };
    checkBackboneFits(micro, head, 'runs/x');
  });

  it('names the first differing architecture field with both values', () => {
    const cases: [Mim4dConfig, RegExp][] = [
      [
        withMicro('grid', { voxelSize: [1.6, 1.6, 1.6] }),
        /^Error: backbone runs\/x: grid\.voxelSize is \[3\.2,3\.2,3\.2\], the head config needs \[1\.6,1\.6,1\.6\]$/,
      ],
      [
        withMicro('input', { mean: [0, 0, 0] }),
        /input\.mean is \[[\d.,]+\], the head config needs \[0,0,0\]/,
      ],
      [withMicro('input', { std: [1, 1, 1] }), /input\.std is .*, the head config needs \[1,1,1\]/],
      [
        withMicro('encoder', { stageChannels: [8, 16, 32, 64] }),
        /encoder\.stageChannels is .*needs \[8,16,32,64\]/,
      ],
      [withMicro('encoder', { kernelSize: 3 }), /encoder\.kernelSize is \d+, the head config needs 3/],
      [withMicro('neck', { channels: 3 }), /neck\.channels is \d+, the head config needs 3/],
      [withMicro('depth', { bins: 5 }), /depth\.bins is \d+, the head config needs 5/],
      [withMicro('grid', { pcRange: [-1, -1, -1, 1, 1, 1] }), /grid\.pcRange is .*needs \[-1,-1,-1,1,1,1\]/],
    ];
    for (const [head, message] of cases) {
      assert.throws(() => checkBackboneFits(micro, head, 'runs/x'), message);
    }
  });

  it('refuses an image size that is not a multiple of the deepest stride', () => {
    const deepest = micro.encoder.stemStride * 2 ** (micro.encoder.stageChannels.length - 1);
    const head = withMicro('input', { imageWidth: micro.input.imageWidth + deepest / 2 });
    assert.throws(
      () => checkBackboneFits(micro, head, 'runs/x'),
      new RegExp(
        `runs/x: the head config's input\\.imageWidth \\d+ is not a multiple of the deepest stride ${deepest}`,
      ),
    );
  });
});
