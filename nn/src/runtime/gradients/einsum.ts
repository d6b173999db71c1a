import * as tf from '@tensorflow/tfjs-core';

/**
 * tfjs has no Einsum gradient. For `A, B, ... -> O`, the gradient of operand i is the einsum of dy with the other
 * operands onto i's subscripts; a subscript only operand i has (summed away in the forward pass) comes back by
 * broadcasting, since an einsum cannot create an axis.
 */
export function registerEinsumGradient(): void {
  if (tf.getGradient(tf.Einsum) !== undefined) return;
  tf.registerGradient({
    kernelName: tf.Einsum,
    saveAllInputs: true,
    gradFunc: (dy, saved, attrs) => {
      const { equation } = attrs as unknown as tf.EinsumAttrs;
      const [lhs, output] = equation.split('->');
      const subscripts = lhs.split(',');
      const operands = saved as tf.Tensor[];
      const grads: Record<string, () => tf.Tensor> = {};
      operands.forEach((operand, i) => {
        grads[i] = () => {
          const others = subscripts.filter((_, j) => j !== i);
          const seen = new Set([...output, ...others.join('')]);
          const reachable = subscripts[i].split('').filter((l) => seen.has(l));
          const partial = tf.einsum(
            `${[output, ...others].join(',')}->${reachable.join('')}`,
            dy as tf.Tensor,
            ...operands.filter((_, j) => j !== i),
          );
          if (reachable.length === subscripts[i].length) return partial;
          const expanded = tf.reshape(
            partial,
            subscripts[i].split('').map((l, axis) => (seen.has(l) ? operand.shape[axis] : 1)),
          );
          return tf.broadcastTo(expanded, operand.shape);
        };
      });
      return grads;
    },
  });
}
