/**
 * A pretraining step's gradients with each rendering taped on its own (config `render.tapePerRender`): memory then
 * holds the activations of one rendering (rays x samples x the field's MLPs, and its double backward for the
 * normals) instead of all four, which is what lets 128 rays per camera fit the wasm heap.
 *
 * The stacked frame volumes are computed once without a tape; each rendering's loss is differentiated with respect
 * to the trainable variables it reaches (field, decoder) and to the volumes; the encoder's backward then runs once,
 * on the volumes' summed gradient, by taping a second encoder forward (`sum(encode() * dL/dvolumes)` has the
 * encoder gradients of the loss). That second forward replays the first's random draws (the generator is rewound)
 * and its BatchNorm update is undone, so the step's randomness and buffers are those of the one-tape step.
 * Gradients equal the one-tape step's up to float summation order.
 */
import type { SeededRandom } from '@mim4d/nn';
import * as tf from '@tensorflow/tfjs-core';
import type { LossTerms, Mim4dModel, RenderJobLoss, StepPlan } from './mim4d.ts';
import type { Mim4dSample } from './sample.ts';

export interface StepGradients {
  terms: LossTerms;
  /** By variable name (`tf.Variable.name`), as tf.variableGrads gives them. */
  grads: Map<string, tf.Tensor>;
}

export function perRenderGradients(
  model: Mim4dModel,
  sample: Mim4dSample,
  plan: StepPlan,
  rng: SeededRandom,
  trainable: readonly tf.Variable[],
): StepGradients {
  const buffers = model.params
    .entries()
    .map(([, v]) => v)
    .filter((v) => !v.trainable);
  const beforeEncoder = rng.getState();
  const volumes = tf.tidy(() => model.encode(sample, plan, true, rng));
  // The first forward's BatchNorm update is the step's; the taped replay below would apply it a second time.
  const updatedBuffers = buffers.map((b) => tf.clone(b));
  const volumeVar = tf.variable(volumes, true);
  const grads = new Map<string, tf.Tensor>();
  const accumulate = (named: tf.NamedTensorMap) => {
    for (const [name, g] of Object.entries(named)) {
      const sum = grads.get(name);
      grads.set(name, sum === undefined ? g : tf.tidy(() => tf.add(sum, g)));
      if (sum !== undefined) tf.dispose([sum, g]);
    }
  };
  const rendered: RenderJobLoss[] = [];
  try {
    const jobs = model.renderJobs(plan);
    for (const job of jobs) {
      let kept: RenderJobLoss | null = null;
      const { value, grads: jobGrads } = tf.variableGrads(() => {
        const loss = model.renderJobLoss(volumeVar, plan, job, rng);
        kept = { job, rgb: tf.keep(loss.rgb), depth: tf.keep(loss.depth) };
        // This rendering's share of the step's total: its terms are averaged over the targets.
        return tf.div(tf.add(loss.rgb, loss.depth), plan.targets.length) as tf.Scalar;
      }, [...trainable, volumeVar]);
      value.dispose();
      rendered.push(kept as unknown as RenderJobLoss);
      accumulate(jobGrads);
    }
    const volumeGrad = grads.get(volumeVar.name);
    grads.delete(volumeVar.name);
    if (volumeGrad !== undefined) {
      const afterRenders = rng.getState();
      rng.setState(beforeEncoder);
      const { value, grads: encoderGrads } = tf.variableGrads(
        () => tf.sum(tf.mul(model.encode(sample, plan, true, rng), volumeGrad)) as tf.Scalar,
        [...trainable],
      );
      value.dispose();
      volumeGrad.dispose();
      rng.setState(afterRenders);
      for (const [k, b] of buffers.entries()) b.assign(updatedBuffers[k]);
      accumulate(encoderGrads);
    }
    const terms = tf.tidy(
      () => model.averageTerms(rendered) as unknown as tf.NamedTensorMap,
    ) as unknown as LossTerms;
    return { terms, grads };
  } finally {
    tf.dispose([volumes, volumeVar, ...updatedBuffers, ...rendered.flatMap((r) => [r.rgb, r.depth])]);
  }
}
