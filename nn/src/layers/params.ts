import * as tf from '@tensorflow/tfjs-core';
import { SeededRandom } from './seeded-random.ts';

/** How a parameter's initial values are drawn; every draw is seeded by the store seed and the parameter name. */
export type Init =
  | { kind: 'zeros' }
  | { kind: 'ones' }
  | { kind: 'constant'; value: number }
  | { kind: 'normal'; std: number }
  /** Normal truncated at +-2 std (timm's trunc_normal_, used by ConvNeXt). */
  | { kind: 'truncNormal'; std: number }
  | { kind: 'uniform'; bound: number }
  | { kind: 'values'; values: ArrayLike<number> };

/** Kaiming-uniform bound of PyTorch's default Conv/Linear init (a = sqrt(5)): 1/sqrt(fanIn). */
export function defaultBound(fanIn: number): Init {
  return { kind: 'uniform', bound: 1 / Math.sqrt(fanIn) };
}

function fill(init: Init, size: number, rng: SeededRandom, name: string): Float32Array {
  const out = new Float32Array(size);
  switch (init.kind) {
    case 'zeros':
      return out;
    case 'ones':
      return out.fill(1);
    case 'constant':
      return out.fill(init.value);
    case 'normal':
      for (let i = 0; i < size; i++) out[i] = rng.normal() * init.std;
      return out;
    case 'truncNormal':
      for (let i = 0; i < size; i++) {
        let v = rng.normal();
        while (Math.abs(v) > 2) v = rng.normal();
        out[i] = v * init.std;
      }
      return out;
    case 'uniform':
      for (let i = 0; i < size; i++) out[i] = (2 * rng.next() - 1) * init.bound;
      return out;
    case 'values':
      if (init.values.length !== size) {
        throw new Error(`parameter ${name}: init has ${init.values.length} values, shape needs ${size}`);
      }
      out.set(init.values);
      return out;
  }
}

/** Glorot/xavier-uniform bound (PyTorch xavier_uniform_, gain 1): sqrt(6 / (fanIn + fanOut)). */
export function xavierUniform(fanIn: number, fanOut: number): Init {
  return { kind: 'uniform', bound: Math.sqrt(6 / (fanIn + fanOut)) };
}

/**
 * Owns the named variables of a model. Names are dotted paths (`encoder.stage0.block0.dw.weight`) and double as
 * checkpoint keys. Buffers (BatchNorm running statistics) are variables that are not trainable.
 */
export class ParamStore {
  private readonly vars = new Map<string, tf.Variable>();

  constructor(readonly seed: number) {}

  create(name: string, shape: number[], init: Init, trainable = true): tf.Variable {
    if (this.vars.has(name)) throw new Error(`parameter ${name} is defined twice`);
    const size = shape.reduce((a, b) => a * b, 1);
    const values = fill(init, size, new SeededRandom(SeededRandom.derive(this.seed, name)), name);
    const v = tf.variable(tf.tensor(values, shape, 'float32'), trainable, `${name}#${this.seed}#${uid++}`);
    this.vars.set(name, v);
    return v;
  }

  get(name: string): tf.Variable {
    const v = this.vars.get(name);
    if (v === undefined) throw new Error(`parameter ${name} does not exist`);
    return v;
  }

  names(): string[] {
    return [...this.vars.keys()];
  }

  trainable(): Map<string, tf.Variable> {
    return new Map([...this.vars].filter(([, v]) => v.trainable));
  }

  entries(): [string, tf.Variable][] {
    return [...this.vars];
  }

  /** Scoped view that prefixes names, so a layer only knows its local names. */
  scope(prefix: string): ParamScope {
    return new ParamScope(this, prefix);
  }

  /** Loads values by name; every stored parameter must be present with the same shape. */
  load(values: Map<string, { shape: number[]; data: Float32Array }>, source: string): void {
    for (const [name, v] of this.vars) {
      const entry = values.get(name);
      if (entry === undefined) throw new Error(`${source}: parameter ${name} is missing`);
      if (entry.shape.join(',') !== v.shape.join(',')) {
        throw new Error(
          `${source}: parameter ${name} has shape [${entry.shape}], model expects [${v.shape}]`,
        );
      }
      v.assign(tf.tensor(entry.data, v.shape, 'float32'));
    }
  }

  dispose(): void {
    for (const v of this.vars.values()) v.dispose();
    this.vars.clear();
  }
}

let uid = 0;

export class ParamScope {
  constructor(
    readonly store: ParamStore,
    readonly prefix: string,
  ) {}

  create(name: string, shape: number[], init: Init, trainable = true): tf.Variable {
    return this.store.create(`${this.prefix}.${name}`, shape, init, trainable);
  }

  scope(name: string): ParamScope {
    return new ParamScope(this.store, `${this.prefix}.${name}`);
  }
}
