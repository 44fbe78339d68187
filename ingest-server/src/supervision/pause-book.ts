import type { ClockPause } from '@tongban/shared';
import { dayNumber, isoOfDay } from './day-number.ts';

const NO_DAY = 0xffff;
const KINDS = [undefined, 'supplement', 'special'] as const;

/** Three UTF-16 units a pause (from day, to day or none, kind), or undefined when a date would not round trip. */
function pack(pauses: readonly ClockPause[]): string | undefined {
  let s = '';
  for (const p of pauses) {
    const from = dayNumber(p.from);
    const to = p.to === undefined ? NO_DAY : dayNumber(p.to);
    const kind = KINDS.indexOf(p.kind);
    if (kind < 0 || !(from >= 0 && from < NO_DAY) || !(to >= 0 && to <= NO_DAY) || isoOfDay(from) !== p.from || (p.to !== undefined && isoOfDay(to) !== p.to)) return undefined;
    s += String.fromCharCode(from, to, kind);
  }
  return s;
}

function unpack(s: string): ClockPause[] {
  const out: ClockPause[] = [];
  for (let i = 0; i < s.length; i += 3) {
    const p: ClockPause = { from: isoOfDay(s.charCodeAt(i)) };
    const to = s.charCodeAt(i + 1);
    if (to !== NO_DAY) p.to = isoOfDay(to);
    const kind = KINDS[s.charCodeAt(i + 2)];
    if (kind) p.kind = kind;
    out.push(p);
  }
  return out;
}

/**
 * The pauses of the open cases that have any, by index slot, each case's kept as one short string (three
 * UTF-16 units a pause) rather than an array of objects with date strings: about a third of the memory. A
 * pause whose dates are not plain day numbers (outside 1970–2149) is kept as it came. `get` gives back
 * pauses equal to those set.
 */
export class PauseBook {
  private readonly bySlot = new Map<number, string | ClockPause[]>();

  get size(): number {
    return this.bySlot.size;
  }

  set(slot: number, pauses: readonly ClockPause[]): void {
    if (!pauses.length) {
      this.bySlot.delete(slot);
      return;
    }
    this.bySlot.set(slot, pack(pauses) ?? pauses.map((p) => ({ ...p })));
  }

  get(slot: number): ClockPause[] | undefined {
    const v = this.bySlot.get(slot);
    return typeof v === 'string' ? unpack(v) : v;
  }

  has(slot: number): boolean {
    return this.bySlot.has(slot);
  }

  delete(slot: number): void {
    this.bySlot.delete(slot);
  }

  clear(): void {
    this.bySlot.clear();
  }

  /** Every slot's pauses, unpacked. */
  entries(): Array<[number, ClockPause[]]> {
    return [...this.bySlot.keys()].map((slot) => [slot, this.get(slot)!]);
  }

  /**
   * The book as plain data for the index's snapshot, without unpacking: the packed slots as three columns
   * (slot, length in UTF-16 units, the units one after another) and the few pauses kept as they came apart
   * (JSON). A copy: the book changes on after it.
   */
  image(): { meta: PauseImageMeta; columns: Uint8Array[]; apart: Array<[number, ClockPause[]]> } {
    let packed = 0;
    let units = 0;
    for (const v of this.bySlot.values()) {
      if (typeof v !== 'string') continue;
      packed++;
      units += v.length;
    }
    const slots = new Int32Array(packed);
    const lengths = new Uint16Array(packed);
    const all = new Uint16Array(units);
    const apart: Array<[number, ClockPause[]]> = [];
    let i = 0;
    let u = 0;
    for (const [slot, v] of this.bySlot) {
      if (typeof v !== 'string') {
        apart.push([slot, v.map((p) => ({ ...p }))]);
        continue;
      }
      slots[i] = slot;
      lengths[i++] = v.length;
      for (let k = 0; k < v.length; k++) all[u++] = v.charCodeAt(k);
    }
    return { meta: { packed, units }, columns: [bytesOf(slots), bytesOf(lengths), bytesOf(all)], apart };
  }

  /**
   * Loading an image into this book, in two steps: `targets` are the buffers to read the columns into (in
   * `image`'s order), `commit` replaces the book's content once they are read and verified.
   */
  fromImage(meta: PauseImageMeta): { targets: Uint8Array[]; commit: (apart: Array<[number, ClockPause[]]>) => void } {
    if (!Number.isInteger(meta.packed) || meta.packed < 0 || !Number.isInteger(meta.units) || meta.units < 0) throw new Error('pause image of another shape');
    const slots = new Int32Array(meta.packed);
    const lengths = new Uint16Array(meta.packed);
    const all = new Uint16Array(meta.units);
    const commit = (apart: Array<[number, ClockPause[]]>) => {
      const restored = new Map<number, string | ClockPause[]>();
      let u = 0;
      for (let i = 0; i < slots.length; i++) {
        const n = lengths[i]!;
        if (n === 0 || n % 3 !== 0 || u + n > all.length) throw new Error('pause image of another shape');
        restored.set(slots[i]!, String.fromCharCode(...all.subarray(u, u + n)));
        u += n;
      }
      if (u !== all.length) throw new Error('pause image of another shape');
      for (const [slot, pauses] of apart) restored.set(slot, pauses);
      this.bySlot.clear();
      for (const [slot, v] of restored) this.bySlot.set(slot, v);
    };
    return { targets: [bytesOf(slots), bytesOf(lengths), bytesOf(all)], commit };
  }
}

/** The sizes of a pause image's columns (in the index snapshot's header). */
export interface PauseImageMeta {
  /** Slots whose pauses are packed. */
  packed: number;
  /** UTF-16 units of them all. */
  units: number;
}

const bytesOf = (a: Int32Array | Uint16Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
