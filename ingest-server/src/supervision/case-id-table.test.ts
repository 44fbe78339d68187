import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CaseIdTable } from './case-id-table.ts';

/** Ids of every kind the table keeps: short Latin-1 (in the arena), long, empty and beyond Latin-1 (apart). */
const caseId = fc.oneof(
  fc.integer({ min: 0, max: 2500 }).map((i) => `CQ2025${String(i).padStart(9, '0')}`),
  fc.integer({ min: 0, max: 30 }).map((i) => `YKB500118202510200360${i}`),
  fc.integer({ min: 0, max: 30 }).map((i) => `CQ2025-LONG-CASE-NUMBER-${i}-${'x'.repeat(i)}`),
  fc.constantFrom('', 'é', '案件-1', 'x'),
);

describe('case id table', () => {
  it('finds the same slot as a Map after any sequence of adds and removals, across growth and deletions', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }).map((n) => n > 0), caseId), { minLength: 1200, maxLength: 3000 }), (ops) => {
        const t = new CaseIdTable();
        const ref = new Map<string, number>();
        const free: number[] = [];
        let high = 0;
        let capacity = 0;
        for (const [add, id] of ops) {
          const slot = t.get(id);
          expect(slot).toBe(ref.get(id));
          if (add && slot === undefined) {
            let s = free.pop();
            if (s === undefined) {
              s = high++;
              if (s >= capacity) t.grow((capacity = Math.max(16, capacity * 2)));
            }
            t.add(id, s);
            ref.set(id, s);
          } else if (!add && slot !== undefined) {
            t.remove(slot);
            ref.delete(id);
            free.push(slot);
          }
          expect(t.size).toBe(ref.size);
        }
        // Past 512 open ids the slot table has been rehashed at least once.
        for (const [id, slot] of ref) {
          expect(t.get(id)).toBe(slot);
          expect(t.idOf(slot)).toBe(id);
          expect(t.live(slot)).toBe(true);
        }
        for (const s of free) expect(t.live(s)).toBe(false);
      }),
      { numRuns: 12 },
    );
  });
});
