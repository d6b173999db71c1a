import { dropout, Linear, type ParamScope, type SeededRandom, tf, xavierUniform } from '@mim4d/nn';

const zeros = { kind: 'zeros' } as const;

/** mmcv BaseTransformerLayer's FFN: Linear, ReLU, dropout, Linear, dropout, plus the residual. */
export class Ffn {
  readonly fc1: Linear;
  readonly fc2: Linear;
  constructor(
    scope: ParamScope,
    dims: number,
    hidden: number,
    readonly p: number,
  ) {
    this.fc1 = new Linear(scope.scope('layers.0.0'), dims, hidden, {
      weightInit: xavierUniform(dims, hidden),
      biasInit: zeros,
    });
    this.fc2 = new Linear(scope.scope('layers.1'), hidden, dims, {
      weightInit: xavierUniform(hidden, dims),
      biasInit: zeros,
    });
  }
  apply(x: tf.Tensor2D, rng: SeededRandom | null): tf.Tensor2D {
    const h = dropout(tf.relu(this.fc1.apply(x)), this.p, rng);
    return tf.add(x, dropout(this.fc2.apply(h), this.p, rng));
  }
}
