/**
 * Least-recently-used cache of loaded samples, bounded by count: decoding a sample's images costs far more than a
 * step of the small configs, but a real dataset does not fit in memory.
 */
export class SampleCache<T> {
  private readonly entries = new Map<string, T>();

  constructor(readonly capacity: number) {
    if (!(Number.isInteger(capacity) && capacity >= 1)) {
      throw new Error(`SampleCache: capacity must be a positive integer, got ${capacity}`);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  async get(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      // Re-inserting moves the key to the back of the Map's insertion order: the front is the least recent.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const sample = await load();
    this.entries.set(key, sample);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    return sample;
  }
}
