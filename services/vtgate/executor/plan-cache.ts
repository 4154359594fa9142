/** A bounded LRU map for plans (Vitess's plan cache, by entry count). */
export class LruCache<V> {
  private readonly map = new Map<string, V>();
  hits = 0;
  misses = 0;

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.map.size;
  }

  /** The value of `key`; a miss counts unless `countMiss` is false (a first of two lookups). */
  get(key: string, countMiss = true): V | undefined {
    const value = this.map.get(key);
    if (value === undefined) {
      if (countMiss) this.misses++;
      return undefined;
    }
    this.hits++;
    // Most recently used last: re-inserting moves it.
    this.map.delete(key);
    this.map.set(key, value);
    return value;
  }

  set(key: string, value: V): void {
    if (this.capacity <= 0) return;
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.capacity) {
      const oldest = this.map.keys().next();
      if (!oldest.done) this.map.delete(oldest.value);
    }
  }

  clear(): void {
    this.map.clear();
  }
}
