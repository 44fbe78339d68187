import { describe, expect, it } from 'vitest';
import { BloomFilter } from './bloom-filter.ts';
import { eventKey } from './event-key.ts';

describe('BloomFilter over event keys', () => {
  it('never forgets an added key', () => {
    const f = new BloomFilter(10_000);
    const keys = Array.from({ length: 10_000 }, (_, i) => eventKey(`ev-${i}`));
    keys.forEach((k) => f.add(k));
    expect(keys.every((k) => f.mightContain(k))).toBe(true);
  });

  it('answers "maybe" for about 1% of unseen keys at its designed load', () => {
    const f = new BloomFilter(20_000);
    for (let i = 0; i < 20_000; i++) f.add(eventKey(`seen-${i}`));
    let falsePositives = 0;
    for (let i = 0; i < 20_000; i++) if (f.mightContain(eventKey(`unseen-${i}`))) falsePositives++;
    expect(falsePositives / 20_000).toBeLessThan(0.03);
  });

  it('gives distinct keys to distinct ids and the same key to the same id', () => {
    expect(eventKey('a')).toBe(eventKey('a'));
    const keys = new Set(Array.from({ length: 100_000 }, (_, i) => eventKey(`YC-${i}.submitted`)));
    expect(keys.size).toBe(100_000);
    expect(Number.isSafeInteger(eventKey('any-id'))).toBe(true);
  });
});
