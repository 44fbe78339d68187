import { describe, expect, it } from 'vitest';
import { BloomFilter, popcount } from './bloom-filter.ts';
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

  it('tells from its bits its false-positive rate and about how many keys it holds, at its designed load and far past it', () => {
    const f = new BloomFilter(20_000);
    for (let i = 0; i < 20_000; i++) f.add(eventKey(`seen-${i}`));
    const designed = f.estimate();
    expect(designed.falsePositive).toBeGreaterThan(0.005);
    expect(designed.falsePositive).toBeLessThan(0.02);
    expect(designed.keys).toBeGreaterThan(19_000);
    expect(designed.keys).toBeLessThan(21_000);
    // Five times its size, as a 20M filter in front of 100M stored events: most unseen keys answer "maybe".
    for (let i = 20_000; i < 100_000; i++) f.add(eventKey(`seen-${i}`));
    const past = f.estimate();
    let falsePositives = 0;
    for (let i = 0; i < 20_000; i++) if (f.mightContain(eventKey(`unseen-${i}`))) falsePositives++;
    expect(past.falsePositive).toBeGreaterThan(0.5);
    expect(Math.abs(past.falsePositive - falsePositives / 20_000)).toBeLessThan(0.05);
    expect(past.keys).toBeGreaterThan(90_000);
    expect(past.keys).toBeLessThan(110_000);
    // Bits written from outside (a snapshot loaded into them): counted again.
    const copy = new BloomFilter(20_000);
    copy.partitions[0]!.set(f.partitions[0]!);
    expect(copy.estimate().keys).toBe(0);
    copy.recount();
    expect(copy.estimate()).toEqual(past);
  });

  it('counts the bits of a word', () => {
    expect([0, 1, 0xff, 0x80000000, 0xffffffff, 0x55555555].map(popcount)).toEqual([0, 1, 8, 1, 32, 16]);
  });

  it('gives distinct keys to distinct ids and the same key to the same id', () => {
    expect(eventKey('a')).toBe(eventKey('a'));
    const keys = new Set(Array.from({ length: 100_000 }, (_, i) => eventKey(`YC-${i}.submitted`)));
    expect(keys.size).toBe(100_000);
    expect(Number.isSafeInteger(eventKey('any-id'))).toBe(true);
  });
});

describe('BloomFilter sized for the province', () => {
  it('is partitioned past 2^31 bits: 550 million keys at 1% in 3 partitions, about 660 MB (shape only, not allocated here)', () => {
    const m = Math.ceil((-550e6 * Math.log(0.01)) / Math.LN2 ** 2);
    expect(Math.ceil(m / 2 ** 31)).toBe(3);
    expect(m / 8 / 1e6).toBeGreaterThan(650);
    expect(m / 8 / 1e6).toBeLessThan(670);
  });

  it('spreads keys over its partitions, never forgets one and keeps its false-positive rate', () => {
    // Several partitions, built small (3 partitions of 2^31 bits would be 768 MB).
    const f = new BloomFilter(20_000, 0.01, 32_768);
    expect(f.shape.partitions).toBe(6);
    const keys = Array.from({ length: 20_000 }, (_, i) => eventKey(`p-${i}`));
    keys.forEach((k) => f.add(k));
    expect(keys.every((k) => f.mightContain(k))).toBe(true);
    const filled = f.partitions.map((p) => p.reduce((n, w) => n + popcount(w), 0) / (p.length * 32));
    for (const share of filled) expect(share).toBeGreaterThan(0.35);
    let falsePositives = 0;
    for (let i = 0; i < 20_000; i++) if (f.mightContain(eventKey(`unseen-${i}`))) falsePositives++;
    expect(falsePositives / 20_000).toBeLessThan(0.03);
  });
});
