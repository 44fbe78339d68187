/**
 * Case ids of the open-case index without a JS string or a Map entry per case: each slot keeps its id as
 * up to WIDTH Latin-1 bytes in one byte arena, and an open-addressing hash table (linear probing, backward-
 * shift deletion) of slot numbers finds a slot by id. Ids longer than WIDTH, empty or beyond Latin-1 are kept
 * as strings apart (rare). About WIDTH + 1 bytes per slot plus 8–16 bytes of hash table per open case.
 */
const WIDTH = 16;
/** `len` of a slot whose id is kept apart (longer than WIDTH, empty or not Latin-1). */
const APART = 255;

export class CaseIdTable {
  private bytes = new Uint8Array(0);
  /** Id length per slot; 0 = the slot holds no open case. */
  private len = new Uint8Array(0);
  private readonly apart = new Map<number, string>();
  /** slot + 1 per used entry, 0 = empty; its length a power of two, at most half full. */
  private table = new Int32Array(1024);
  size = 0;

  get byteLength(): number {
    return this.bytes.byteLength + this.len.byteLength + this.table.byteLength;
  }

  /** Room for slots below `capacity`. */
  grow(capacity: number): void {
    const b = new Uint8Array(capacity * WIDTH);
    b.set(this.bytes);
    this.bytes = b;
    const l = new Uint8Array(capacity);
    l.set(this.len);
    this.len = l;
  }

  live(slot: number): boolean {
    return this.len[slot] !== 0;
  }

  get(id: string): number | undefined {
    const mask = this.table.length - 1;
    for (let h = hashString(id) & mask; ; h = (h + 1) & mask) {
      const e = this.table[h]!;
      if (e === 0) return undefined;
      if (this.equals(e - 1, id)) return e - 1;
    }
  }

  /** Records `id` at a free slot (the caller knows the id is not present). */
  add(id: string, slot: number): void {
    let latin1 = id.length > 0 && id.length <= WIDTH;
    for (let i = 0; latin1 && i < id.length; i++) if (id.charCodeAt(i) > 255) latin1 = false;
    if (latin1) {
      const off = slot * WIDTH;
      for (let i = 0; i < id.length; i++) this.bytes[off + i] = id.charCodeAt(i);
      this.len[slot] = id.length;
    } else {
      this.apart.set(slot, id);
      this.len[slot] = APART;
    }
    if (++this.size * 2 > this.table.length) this.rehash(this.table.length * 2);
    this.place(slot);
  }

  /** Forgets the id of a slot. */
  remove(slot: number): void {
    const t = this.table;
    const mask = t.length - 1;
    let i = this.hashOf(slot) & mask;
    while (t[i] !== slot + 1) i = (i + 1) & mask;
    // Backward-shift deletion: entries after the hole that may sit in it move back.
    for (let j = (i + 1) & mask; t[j] !== 0; j = (j + 1) & mask) {
      const k = this.hashOf(t[j]! - 1) & mask;
      if ((j > i && (k <= i || k > j)) || (j < i && k <= i && k > j)) {
        t[i] = t[j]!;
        i = j;
      }
    }
    t[i] = 0;
    this.len[slot] = 0;
    this.apart.delete(slot);
    this.size--;
  }

  idOf(slot: number): string {
    const n = this.len[slot]!;
    if (n === APART) return this.apart.get(slot)!;
    const off = slot * WIDTH;
    return String.fromCharCode.apply(null, this.bytes.subarray(off, off + n) as unknown as number[]);
  }

  private equals(slot: number, id: string): boolean {
    const n = this.len[slot]!;
    if (n === APART) return this.apart.get(slot) === id;
    if (n !== id.length) return false;
    const off = slot * WIDTH;
    for (let i = 0; i < n; i++) if (this.bytes[off + i] !== id.charCodeAt(i)) return false;
    return true;
  }

  private hashOf(slot: number): number {
    const n = this.len[slot]!;
    if (n === APART) return hashString(this.apart.get(slot)!);
    let h = 2166136261;
    const off = slot * WIDTH;
    for (let i = 0; i < n; i++) h = Math.imul(h ^ this.bytes[off + i]!, 16777619);
    return mix(h);
  }

  private place(slot: number): void {
    const mask = this.table.length - 1;
    let h = this.hashOf(slot) & mask;
    while (this.table[h] !== 0) h = (h + 1) & mask;
    this.table[h] = slot + 1;
  }

  private rehash(size: number): void {
    const old = this.table;
    this.table = new Int32Array(size);
    for (const e of old) if (e !== 0) this.place(e - 1);
  }
}

/** FNV-1a over the UTF-16 code units (equal to the bytes' hash for Latin-1 ids), then mixed. */
function hashString(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return mix(h);
}

function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return (h >>> 0) & 0x7fffffff;
}
