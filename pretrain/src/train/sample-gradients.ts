import type { SeededRandom } from '@mim4d/nn';
import * as tf from '@tensorflow/tfjs-core';
import type { TrainingTask } from './training-task.ts';

/** One sample's share of a step: its loss terms, their sum (float32, as computed) and its gradients. */
export interface SampleGradients {
  total: number;
  /** In the order of the loop's terms. */
  terms: number[];
  /** By parameter name; a parameter the sample's loss does not reach has none. */
  grads: Map<string, tf.Tensor>;
}

/**
 * A model's replica of the training step: draws a sample with `rng` (the task's host work), then the loss terms and
 * their gradients with respect to every trainable parameter. The main thread and each worker thread run this same
 * code, so a sample's gradients do not depend on the thread that computed them.
 */
export class SampleStep {
  readonly trainable: Map<string, tf.Variable>;
  private readonly byVarName: Map<string, string>;

  constructor(
    readonly task: TrainingTask,
    readonly terms: readonly string[],
  ) {
    this.trainable = task.params.trainable();
    this.byVarName = new Map([...this.trainable].map(([name, v]) => [v.name, name]));
  }

  async run(rng: SeededRandom): Promise<SampleGradients> {
    const step = await this.task.prepareStep(rng);
    let kept: tf.Scalar[] = [];
    let total: tf.Scalar;
    let grads: Map<string, tf.Tensor>;
    if (typeof step === 'function') {
      const taped = tf.variableGrads(() => {
        const l = step(rng);
        kept = this.terms.map((t) => tf.keep(mustGetTerm(l, t)));
        return tf.addN(this.terms.map((t) => l[t])) as tf.Scalar;
      }, [...this.trainable.values()]);
      total = taped.value;
      grads = new Map(Object.entries(taped.grads));
    } else {
      const own = step.gradients(rng, [...this.trainable.values()]);
      kept = this.terms.map((t) => mustGetTerm(own.terms, t));
      total = tf.addN(kept) as tf.Scalar;
      grads = own.grads;
    }
    const result = {
      total: total.dataSync()[0],
      terms: kept.map((t) => t.dataSync()[0]),
      grads: new Map([...grads].map(([varName, g]) => [this.byVarName.get(varName)!, g])),
    };
    tf.dispose([total, ...kept]);
    return result;
  }
}

function mustGetTerm(terms: Record<string, tf.Scalar>, name: string): tf.Scalar {
  const t = terms[name];
  if (t === undefined) throw new Error(`training step: the task returned no loss term "${name}"`);
  return t;
}
