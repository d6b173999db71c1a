import type { Mim4dConfig } from '../../src/config/index.ts';
import type { SampleSource } from '../../src/train/trainer.ts';
import { toyScene } from './toy-scene.ts';

/** Toy scenes of cars at these speeds (distinct samples), as a sample source a replica worker can build itself. */
export function toySamples(arg: { config: Mim4dConfig; speeds: number[] }): SampleSource {
  const samples = arg.speeds.map((speed, i) => toyScene(arg.config, speed, `toy-${i}`));
  return { count: samples.length, get: (i) => samples[i] };
}

/** A sample source whose every read fails, naming itself. */
export function unreadableSamples(arg: { count: number }): SampleSource {
  return {
    count: arg.count,
    get: (i) => {
      throw new Error(`unreadable sample ${i}`);
    },
  };
}
