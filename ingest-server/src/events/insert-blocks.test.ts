import { describe, expect, it } from 'vitest';
import { BLOCK_MAX_ROWS, insertBlocks } from './insert-blocks.ts';
import type { EventRow } from './event-row.ts';

type Rec = { e: EventRow } | { r: string };
const ev = (id: string): Rec => ({ e: { event_id: id } as EventRow });
const ids = (blocks: EventRow[][]) => blocks.map((b) => b.map((r) => r.event_id));
const eventOf = (r: Rec) => ('e' in r ? r.e : undefined);

describe('insert blocks', () => {
  it('are one block per log segment, in segment order, rejected records left out', () => {
    const entries = [
      { segment: 3, record: ev('a') },
      { segment: 3, record: { r: 'bad' } },
      { segment: 3, record: ev('b') },
      { segment: 4, record: ev('c') },
    ];
    expect(ids(insertBlocks(entries, eventOf))).toEqual([['a', 'b'], ['c']]);
  });

  it('come out the same whatever else is pending: a retry with newer rows keeps the first block as it was', () => {
    const first = [{ segment: 7, record: ev('a') }, { segment: 7, record: ev('b') }];
    const retry = [...first, { segment: 8, record: ev('c') }, { segment: 8, record: ev('d') }];
    expect(ids(insertBlocks(retry, eventOf))[0]).toEqual(ids(insertBlocks(first, eventOf))[0]);
  });

  it('cut a large segment every BLOCK_MAX_ROWS rows', () => {
    const entries = Array.from({ length: BLOCK_MAX_ROWS + 2 }, (_, i) => ({ segment: 1, record: ev(`e${i}`) }));
    expect(insertBlocks(entries, eventOf).map((b) => b.length)).toEqual([BLOCK_MAX_ROWS, 2]);
  });
});
