import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ClockPause } from '@tongban/shared';
import { isoOfDay } from './day-number.ts';
import { PauseBook } from './pause-book.ts';

const day = fc.integer({ min: -1000, max: 70_000 }).map(isoOfDay);
const pause: fc.Arbitrary<ClockPause> = fc.record(
  { from: day, to: day, kind: fc.constantFrom('supplement' as const, 'special' as const) },
  { requiredKeys: ['from'] },
).map((p) => ({ ...p })); // plain objects (fast-check's have no prototype)

describe('PauseBook', () => {
  it('gives back pauses equal to those set, over any dates and kinds (those outside 1970–2149 kept as they came)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.array(pause, { maxLength: 4 })), { maxLength: 60 }), (ops) => {
        const book = new PauseBook();
        const model = new Map<number, ClockPause[]>();
        for (const [slot, pauses] of ops) {
          book.set(slot, pauses);
          if (pauses.length) model.set(slot, pauses);
          else model.delete(slot);
        }
        expect(book.size).toBe(model.size);
        for (const [slot, pauses] of model) {
          expect(book.has(slot)).toBe(true);
          expect(book.get(slot)).toStrictEqual(pauses);
        }
        expect(new Map(book.entries())).toStrictEqual(model);
        // Its image (the index snapshot's columns), read back into another book, gives the same.
        const image = book.image();
        const other = new PauseBook();
        other.set(999, [{ from: '2026-01-05' }]);
        const load = other.fromImage(image.meta);
        image.columns.forEach((c, i) => load.targets[i]!.set(c));
        load.commit(JSON.parse(JSON.stringify(image.apart)) as Array<[number, ClockPause[]]>);
        expect(new Map(other.entries())).toStrictEqual(model);
      }),
      { seed: 16, numRuns: 300 },
    );
  });

  it('refuses an image whose columns do not fit together, and keeps what it held', () => {
    const book = new PauseBook();
    book.set(1, [{ from: '2026-11-02', to: '2026-11-04' }]);
    const image = book.image();
    const other = new PauseBook();
    other.set(7, [{ from: '2026-01-05' }]);
    const load = other.fromImage({ packed: 1, units: image.meta.units + 3 });
    load.targets[0]!.set(image.columns[0]!);
    load.targets[1]!.set(image.columns[1]!);
    expect(() => load.commit([])).toThrow('pause image of another shape');
    expect(other.get(7)).toStrictEqual([{ from: '2026-01-05' }]);
  });

  it('keeps an open 补正 open, a kind-less pause kind-less, and forgets a slot set to no pauses', () => {
    const book = new PauseBook();
    book.set(3, [{ from: '2026-11-02', to: '2026-11-04', kind: 'special' }, { from: '2026-11-20' }]);
    expect(book.get(3)).toStrictEqual([{ from: '2026-11-02', to: '2026-11-04', kind: 'special' }, { from: '2026-11-20' }]);
    book.set(3, []);
    expect(book.has(3)).toBe(false);
    expect(book.get(3)).toBeUndefined();
  });
});
