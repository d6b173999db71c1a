/**
 * Deterministic stream of 32-bit seeds for tfjs's seeded random ops (`tf.randomNormal(shape, mean, std, dtype,
 * seed)`, `tf.randomUniform(..., seed)`), so a run with the same master seed initialises every weight identically
 * on any backend. Each call to `next()` yields a fresh seed (splitmix32 of a counter), so layers created in the same
 * order get the same seeds regardless of how many values each draws.
 */
export class SeedSequence {
  private counter: number;

  constructor(readonly seed: number) {
    if (!Number.isInteger(seed)) throw new Error(`SeedSequence: seed must be an integer, got ${seed}`);
    this.counter = seed >>> 0;
  }

  next(): number {
    this.counter = (this.counter + 0x9e3779b9) >>> 0;
    let z = this.counter;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  }

  /** An independent sequence for a named sub-component, stable however many seeds the parent has drawn. */
  fork(name: string): SeedSequence {
    let h = this.seed >>> 0;
    for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
    return new SeedSequence(h);
  }
}
