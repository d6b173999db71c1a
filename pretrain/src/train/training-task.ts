import type { ParamStore, SeededRandom } from '@mim4d/nn';
import type * as tf from '@tensorflow/tfjs-core';

/** What a model contributes to the loop: its parameters and, per step, host work then the loss terms. */
export interface TrainingTask {
  params: ParamStore;
  /** Learning-rate multiplier of a parameter (the backbone's is scaled). */
  lrMult(name: string): number;
  /**
   * Draws the step's sample and randomness (host side, may read files) and returns the function computing the
   * weighted loss terms, which the loop calls inside `tf.variableGrads`.
   */
  prepareStep(rng: SeededRandom): Promise<(rng: SeededRandom) => Record<string, tf.Scalar>>;
}
