import * as tf from '@tensorflow/tfjs-core';
import { defaultBound, type Init, type ParamScope } from './params.ts';

export interface LinearOptions {
  bias?: boolean;
  weightInit?: Init;
  biasInit?: Init;
}

/** Fully connected layer over the last axis; weight [in, out]. */
export class Linear {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable | null;

  constructor(
    scope: ParamScope,
    readonly inFeatures: number,
    readonly outFeatures: number,
    options: LinearOptions = {},
  ) {
    this.weight = scope.create(
      'weight',
      [inFeatures, outFeatures],
      options.weightInit ?? defaultBound(inFeatures),
    );
    this.bias =
      options.bias === false
        ? null
        : scope.create('bias', [outFeatures], options.biasInit ?? defaultBound(inFeatures));
  }

  apply<T extends tf.Tensor>(x: T): T {
    const lead = x.shape.slice(0, -1);
    const last = x.shape[x.shape.length - 1];
    if (last !== this.inFeatures) {
      throw new Error(`Linear: input has ${last} features, layer expects ${this.inFeatures}`);
    }
    let y: tf.Tensor = tf.matMul(tf.reshape(x, [-1, this.inFeatures]), this.weight);
    if (this.bias !== null) y = tf.add(y, this.bias);
    return tf.reshape(y, [...lead, this.outFeatures]) as T;
  }
}
