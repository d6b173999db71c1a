import type { ParamStore, SeededRandom } from '@mim4d/nn';
import type * as tf from '@tensorflow/tfjs-core';

/** A step whose gradients the loop takes by taping its whole loss: returns the weighted loss terms. */
export type LossStep = (rng: SeededRandom) => Record<string, tf.Scalar>;

/**
 * A step that takes its own gradients (to tape parts of its loss one at a time and bound memory): the weighted
 * loss terms and the gradient of their sum, by variable name (`tf.Variable.name`), for the variables it reaches.
 */
export interface GradientStep {
  gradients(
    rng: SeededRandom,
    trainable: readonly tf.Variable[],
  ): { terms: Record<string, tf.Scalar>; grads: Map<string, tf.Tensor> };
}

/** What a model contributes to the loop: its parameters and, per step, host work then the loss terms. */
export interface TrainingTask {
  params: ParamStore;
  /** Learning-rate multiplier of a parameter (the backbone's is scaled). */
  lrMult(name: string): number;
  /**
   * Draws the step's sample and randomness (host side, may read files) and returns the step: the function computing
   * the weighted loss terms, which the loop calls inside `tf.variableGrads`, or a step taking its own gradients.
   */
  prepareStep(rng: SeededRandom): Promise<LossStep | GradientStep>;
}
