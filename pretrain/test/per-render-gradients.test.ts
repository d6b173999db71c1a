import assert from 'node:assert/strict';
import { initBackend, SeededRandom, tf } from '@mim4d/nn';
import { loadConfig, withPretrainObjective } from '../src/config/index.ts';
import { Mim4dModel, totalLoss } from '../src/model/mim4d.ts';
import { perRenderGradients } from '../src/model/per-render-gradients.ts';
import { toyScene } from './helpers/toy-scene.ts';

/** The step's terms, gradients (by parameter name), buffers and generator state after one way of taking them. */
function takeStep(objective: 'mim4d' | 'spatial', perRender: boolean) {
  const config = withPretrainObjective(loadConfig('micro'), objective);
  const model = new Mim4dModel(config);
  try {
    const sample = toyScene(config);
    const rng = new SeededRandom(7);
    const plan = model.plan(sample, rng);
    const trainable = model.params.trainable();
    const byVar = new Map([...trainable].map(([name, v]) => [v.name, name]));
    let terms: Record<string, number>;
    let grads: Map<string, tf.Tensor>;
    if (perRender) {
      const step = perRenderGradients(model, sample, plan, rng, [...trainable.values()]);
      terms = Object.fromEntries(
        Object.entries(step.terms).map(([k, t]) => [k, (t as tf.Scalar).dataSync()[0]]),
      );
      grads = step.grads;
    } else {
      let kept: Record<string, number> = {};
      const taped = tf.variableGrads(() => {
        const l = model.losses(sample, plan, rng);
        kept = Object.fromEntries(Object.entries(l).map(([k, t]) => [k, (t as tf.Scalar).dataSync()[0]]));
        return totalLoss(l);
      }, [...trainable.values()]);
      terms = kept;
      grads = new Map(Object.entries(taped.grads));
    }
    return {
      terms,
      grads: new Map([...grads].map(([v, g]) => [byVar.get(v) as string, g.dataSync() as Float32Array])),
      buffers: model.params
        .entries()
        .filter(([, v]) => !v.trainable)
        .map(([name, v]) => [name, [...v.dataSync()]]),
      next: rng.next(),
    };
  } finally {
    model.dispose();
  }
}

describe('per-rendering gradient tapes (render.tapePerRender)', function () {
  this.timeout(120_000);
  before(() => initBackend());

  for (const objective of ['mim4d', 'spatial'] as const) {
    it(`give the one-tape step's loss terms, gradients, BatchNorm buffers and random stream (${objective})`, () => {
      const whole = takeStep(objective, false);
      const split = takeStep(objective, true);
      assert.deepEqual(split.terms, whole.terms);
      assert.deepEqual(split.buffers, whole.buffers);
      assert.equal(split.next, whole.next);
      assert.deepEqual([...split.grads.keys()].sort(), [...whole.grads.keys()].sort());
      for (const [name, g] of whole.grads) {
        const h = split.grads.get(name) as Float32Array;
        const scale = Math.max(...g.map(Math.abs), 1e-12);
        const worst = Math.max(...g.map((x, i) => Math.abs(x - h[i])));
        assert.ok(worst <= 1e-4 * scale, `${name}: gradients differ by ${worst} (largest ${scale})`);
      }
    });
  }
});
