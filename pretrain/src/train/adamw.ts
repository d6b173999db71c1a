import * as tf from '@tensorflow/tfjs-core';

export interface AdamWOptions {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
}

/**
 * AdamW (decoupled weight decay, PyTorch semantics) over named variables, each with its own learning-rate
 * multiplier. Moments are kept per name so a checkpoint can store and restore them.
 */
export class AdamW {
  step = 0;
  readonly m = new Map<string, tf.Variable>();
  readonly v = new Map<string, tf.Variable>();

  constructor(
    readonly params: Map<string, tf.Variable>,
    readonly lrMult: (name: string) => number,
    readonly options: AdamWOptions,
  ) {
    for (const [name, p] of params) {
      this.m.set(name, tf.variable(tf.zerosLike(p), false));
      this.v.set(name, tf.variable(tf.zerosLike(p), false));
    }
  }

  apply(grads: Map<string, tf.Tensor>, lr: number): void {
    this.step++;
    const { beta1, beta2, eps, weightDecay } = this.options;
    const bc1 = 1 - beta1 ** this.step;
    const bc2 = 1 - beta2 ** this.step;
    tf.tidy(() => {
      for (const [name, p] of this.params) {
        const g = grads.get(name);
        if (g === undefined) continue;
        const m = this.m.get(name)!;
        const v = this.v.get(name)!;
        const rate = lr * this.lrMult(name);
        m.assign(tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1)));
        v.assign(tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2)));
        const denom = tf.add(tf.div(tf.sqrt(v), Math.sqrt(bc2)), eps);
        const decayed = tf.mul(p, 1 - rate * weightDecay);
        p.assign(tf.sub(decayed, tf.mul(tf.div(m, denom), rate / bc1)));
      }
    });
  }

  dispose(): void {
    for (const t of [...this.m.values(), ...this.v.values()]) t.dispose();
  }
}

/**
 * Scales gradients so their global L2 norm is at most maxNorm (torch.nn.utils.clip_grad_norm_); returns the norm
 * before clipping and the (possibly new) gradient map; a non-finite norm comes back unclipped for the caller to
 * reject. The caller owns both maps.
 */
export function clipGradNorm(
  grads: Map<string, tf.Tensor>,
  maxNorm: number,
): { norm: number; grads: Map<string, tf.Tensor> } {
  const norm = Math.sqrt(
    tf.tidy(() => tf.addN([...grads.values()].map((g) => tf.sum(tf.square(g)))).dataSync()[0]),
  );
  if (!Number.isFinite(norm)) return { norm, grads };
  const scale = maxNorm / (norm + 1e-6);
  if (scale >= 1) return { norm, grads };
  return { norm, grads: new Map([...grads].map(([k, g]) => [k, tf.mul(g, scale)])) };
}
