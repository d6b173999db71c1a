import * as tf from '@tensorflow/tfjs-core';

/**
 * Named tensors laid end to end in one float32 vector, in a fixed order: moving a model's gradients or weights
 * between threads, or averaging them, then costs a few kernel calls and one read-back instead of a few per tensor
 * (each call has a fixed cost that hundreds of small tensors add up to).
 */
export class FlatLayout {
  readonly sizes: number[];

  constructor(
    readonly names: readonly string[],
    readonly shapes: readonly number[][],
  ) {
    this.sizes = shapes.map((s) => s.reduce((a, b) => a * b, 1));
  }

  static of(tensors: Iterable<[string, tf.Tensor]>): FlatLayout {
    const entries = [...tensors];
    return new FlatLayout(
      entries.map(([name]) => name),
      entries.map(([, t]) => t.shape),
    );
  }

  /** The named tensors end to end; zeros for a name `tensors` lacks. */
  flatten(tensors: ReadonlyMap<string, tf.Tensor>): tf.Tensor1D {
    return tf.tidy(() =>
      tf.concat(
        this.names.map((name, i) => {
          const t = tensors.get(name);
          return t === undefined ? tf.zeros([this.sizes[i]]) : tf.reshape(t, [-1]);
        }),
      ),
    ) as tf.Tensor1D;
  }

  /** A flat vector back into tensors of their shapes, by name. */
  unflatten(flat: tf.Tensor1D): Map<string, tf.Tensor> {
    // An array, not the map, leaves tidy: tidy keeps the tensors of arrays and objects, not of maps.
    const parts = tf.tidy(() => tf.split(flat, this.sizes).map((p, i) => tf.reshape(p, this.shapes[i])));
    return new Map(this.names.map((name, i) => [name, parts[i]]));
  }
}
