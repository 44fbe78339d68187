/**
 * Remembers the last `capacity` ids seen: `fresh(id)` is true the first time only. Several server nodes (a
 * takeover of the supervision engine) may announce the same warning twice, with the same id; the wall
 * shows it once.
 */
export class RepeatFilter {
  private readonly seen = new Set<string>();

  constructor(private readonly capacity = 5_000) {}

  fresh(id: string): boolean {
    if (this.seen.has(id)) return false;
    this.seen.add(id);
    if (this.seen.size > this.capacity) this.seen.delete(this.seen.values().next().value!);
    return true;
  }
}
