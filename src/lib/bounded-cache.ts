/**
 * A small map that forgets everything when full: enough to keep the common case (the
 * same tokens and documents over and over) cheap without growing without bound.
 */
export class BoundedCache<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly max: number) {}
  get(k: string): V | undefined {
    return this.map.get(k);
  }
  set(k: string, v: V): void {
    if (this.map.size >= this.max) this.map.clear();
    this.map.set(k, v);
  }
}
