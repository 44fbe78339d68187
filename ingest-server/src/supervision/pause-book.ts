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

  /** Every slot's pauses, unpacked (for the index's snapshot, whose format is unchanged). */
  entries(): Array<[number, ClockPause[]]> {
    return [...this.bySlot.keys()].map((slot) => [slot, this.get(slot)!]);
  }
}
