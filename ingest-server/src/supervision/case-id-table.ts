/**
 * Case ids of the open-case index without a JS string or a Map entry per case: each slot keeps its id packed
 * in a byte arena (a digit in half a byte, any other Latin-1 character in one and a half: a 申办流水号 like
 * YKB500118202510200360501 takes 15 bytes), and an open-addressing hash table (linear probing, backward-shift
 * deletion) of slot numbers finds a slot by id. The arena's width per slot starts at 16 bytes and widens (up to
 * 32) when a longer id comes; ids beyond that, empty or beyond Latin-1 are kept as strings apart (rare).
 */
const MAX_WIDTH = 32;
/** `len` of a slot whose id is kept apart. */
const APART = 255;
const ESCAPE = 15;
const scratch = new Uint8Array(2 * MAX_WIDTH);

/** The id as half-bytes into `scratch`: their number, or -1 when it does not fit (kept apart). */
function encode(id: string): number {
  if (id.length === 0 || id.length > 2 * MAX_WIDTH) return -1;
  let n = 0;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (n + 1 > 2 * MAX_WIDTH) return -1;
      scratch[n++] = c - 48;
    } else if (c <= 255) {
      if (n + 3 > 2 * MAX_WIDTH) return -1;
      scratch[n++] = ESCAPE;
      scratch[n++] = c >> 4;
      scratch[n++] = c & 15;
    } else return -1;
  }
  return n;
}

/** What a snapshot keeps of the table besides its arrays and the ids kept apart. */
export interface CaseIdImage {
  width: number;
  size: number;
  tableLength: number;
}

export class CaseIdTable {
  private width = 16;
  private capacity = 0;
  private bytes = new Uint8Array(0);
  /** Half-bytes of the id per slot; 0 = the slot holds no open case, APART = kept in `apart`. */
  private len = new Uint8Array(0);
  private readonly apart = new Map<number, string>();
  /** slot + 1 per used entry, 0 = empty; its length a power of two, at most three quarters full. */
  private table = new Int32Array(1024);
  size = 0;

  get byteLength(): number {
    return this.bytes.byteLength + this.len.byteLength + this.table.byteLength;
  }

  /** Its arrays as they are now, for a snapshot to copy (open-case-index.ts): `width` bytes a slot in `bytes`. */
  layout(): { width: number; bytes: Uint8Array; len: Uint8Array; table: Int32Array } {
    return { width: this.width, bytes: this.bytes, len: this.len, table: this.table };
  }

  /** What a snapshot keeps besides those arrays (the ids kept apart copied). */
  imageMeta(): { meta: CaseIdImage; apart: Array<[number, string]> } {
    return { meta: { width: this.width, size: this.size, tableLength: this.table.length }, apart: [...this.apart] };
  }

  /**
   * A table of `capacity` slots to fill from a snapshot's image: `targets` are the bytes to read into (in the
   * order `image` gives them), `table` the table once they are read (and verified).
   */
  static fromImage(meta: CaseIdImage, capacity: number, high: number): { targets: Uint8Array[]; table: (apart: Array<[number, string]>) => CaseIdTable } {
    if (meta.width < 16 || meta.width > MAX_WIDTH || meta.tableLength < 1024 || (meta.tableLength & (meta.tableLength - 1)) !== 0 || meta.size * 4 > meta.tableLength * 3 || meta.size > high) {
      throw new Error('case id table image of another shape');
    }
    const t = new CaseIdTable();
    t.width = meta.width;
    t.capacity = capacity;
    t.bytes = new Uint8Array(capacity * meta.width);
    t.len = new Uint8Array(capacity);
    t.table = new Int32Array(meta.tableLength);
    t.size = meta.size;
    const table = (apart: Array<[number, string]>) => {
      for (const [slot, id] of apart) t.apart.set(slot, id);
      return t;
    };
    return { targets: [t.bytes.subarray(0, high * meta.width), t.len.subarray(0, high), new Uint8Array(t.table.buffer)], table };
  }

  /** Room for slots below `capacity`. */
  grow(capacity: number): void {
    this.relayout(capacity, this.width);
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
    const n = encode(id);
    if (n < 0) {
      this.apart.set(slot, id);
      this.len[slot] = APART;
    } else {
      if (n > 2 * this.width) this.relayout(this.capacity, Math.min(MAX_WIDTH, Math.ceil(n / 16) * 8));
      const off = slot * this.width;
      for (let k = 0; k < n; k += 2) this.bytes[off + (k >> 1)] = scratch[k]! | ((k + 1 < n ? scratch[k + 1]! : 0) << 4);
      this.len[slot] = n;
    }
    if (++this.size * 4 > this.table.length * 3) this.rehash(this.table.length * 2);
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
    const b = this.bytes;
    const off = slot * this.width;
    const codes: number[] = [];
    for (let k = 0; k < n; ) {
      const v = (b[off + (k >> 1)]! >> ((k & 1) << 2)) & 15;
      k++;
      if (v !== ESCAPE) codes.push(v + 48);
      else {
        codes.push((((b[off + (k >> 1)]! >> ((k & 1) << 2)) & 15) << 4) | ((b[off + ((k + 1) >> 1)]! >> (((k + 1) & 1) << 2)) & 15));
        k += 2;
      }
    }
    return String.fromCharCode.apply(null, codes);
  }

  /** Feeds the characters of a slot's id to `f` until it answers false; false when it did. */
  private decode(slot: number, n: number, f: (c: number) => boolean): boolean {
    const b = this.bytes;
    const off = slot * this.width;
    for (let k = 0; k < n; ) {
      let v = (b[off + (k >> 1)]! >> ((k & 1) << 2)) & 15;
      k++;
      if (v === ESCAPE) {
        const hi = (b[off + (k >> 1)]! >> ((k & 1) << 2)) & 15;
        k++;
        const lo = (b[off + (k >> 1)]! >> ((k & 1) << 2)) & 15;
        k++;
        v = (hi << 4) | lo;
      } else v += 48;
      if (!f(v)) return false;
    }
    return true;
  }

  private equals(slot: number, id: string): boolean {
    const n = this.len[slot]!;
    if (n === APART) return this.apart.get(slot) === id;
    let i = 0;
    return this.decode(slot, n, (c) => id.charCodeAt(i++) === c) && i === id.length;
  }

  private hashOf(slot: number): number {
    const n = this.len[slot]!;
    if (n === APART) return hashString(this.apart.get(slot)!);
    let h = 2166136261;
    this.decode(slot, n, (c) => {
      h = Math.imul(h ^ c, 16777619);
      return true;
    });
    return mix(h);
  }

  private relayout(capacity: number, width: number): void {
    const b = new Uint8Array(capacity * width);
    if (width === this.width) b.set(this.bytes.subarray(0, Math.min(this.bytes.length, b.length)));
    else for (let slot = 0; slot < this.capacity; slot++) b.set(this.bytes.subarray(slot * this.width, (slot + 1) * this.width), slot * width);
    this.bytes = b;
    const l = new Uint8Array(capacity);
    l.set(this.len.subarray(0, Math.min(this.len.length, capacity)));
    this.len = l;
    this.width = width;
    this.capacity = capacity;
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
