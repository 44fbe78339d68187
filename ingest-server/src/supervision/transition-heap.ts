/**
 * A binary min-heap of (day, slot, generation) in typed arrays: the open cases ordered by the day (a day
 * number: warnings change at Shanghai midnight) their warning next changes, ten bytes an entry (generations in 16 bits, as the index keeps them). Superseded entries are skipped lazily (their generation no longer matches).
 */
export class TransitionHeap {
  private days = new Int32Array(1024);
  private slots = new Int32Array(1024);
  private gens = new Uint16Array(1024);
  size = 0;

  get bytes(): number {
    return this.days.byteLength + this.slots.byteLength + this.gens.byteLength;
  }

  /** `day`: a day number. */
  push(day: number, slot: number, gen: number): void {
    if (this.size === this.days.length) this.grow();
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.days[parent]! <= day) break;
      this.set(i, this.days[parent]!, this.slots[parent]!, this.gens[parent]!);
      i = parent;
    }
    this.set(i, day, slot, gen);
  }

  /** The earliest entry's day number (Infinity when empty). */
  peekDay(): number {
    return this.size ? this.days[0]! : Infinity;
  }

  /** Removes the earliest entry; returns [slot, gen]. */
  pop(): [number, number] {
    const slot = this.slots[0]!;
    const gen = this.gens[0]!;
    const last = --this.size;
    const t = this.days[last]!;
    const s = this.slots[last]!;
    const g = this.gens[last]!;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= last) break;
      const r = l + 1;
      const c = r < last && this.days[r]! < this.days[l]! ? r : l;
      if (this.days[c]! >= t) break;
      this.set(i, this.days[c]!, this.slots[c]!, this.gens[c]!);
      i = c;
    }
    if (last > 0) this.set(i, t, s, g);
    return [slot, gen];
  }

  /** Rebuilds from only the entries `keep` accepts (drops superseded ones). */
  compact(keep: (slot: number, gen: number) => boolean): void {
    const entries: Array<[number, number, number]> = [];
    for (let i = 0; i < this.size; i++) if (keep(this.slots[i]!, this.gens[i]!)) entries.push([this.days[i]!, this.slots[i]!, this.gens[i]!]);
    this.size = 0;
    for (const [t, s, g] of entries) this.push(t, s, g);
  }

  private set(i: number, t: number, s: number, g: number): void {
    this.days[i] = t;
    this.slots[i] = s;
    this.gens[i] = g;
  }

  private grow(): void {
    // Doubling to a million entries, then by a quarter (less slack at several million open cases).
    const n = this.days.length < 1 << 20 ? this.days.length * 2 : Math.ceil((this.days.length * 1.25) / 1024) * 1024;
    const t = new Int32Array(n);
    t.set(this.days);
    const s = new Int32Array(n);
    s.set(this.slots);
    const g = new Uint16Array(n);
    g.set(this.gens);
    this.days = t;
    this.slots = s;
    this.gens = g;
  }
}
