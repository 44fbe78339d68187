/** Bits per partition at most: positions are 32-bit, and one typed array stays far below its length limit. */
const MAX_PARTITION_BITS = 2 ** 31;

/** The shape of a filter: two filters with the same shape have interchangeable bits (a snapshot loads into it). */
export interface BloomShape {
  partitions: number;
  /** Bits in each partition. */
  bitsPerPartition: number;
  hashes: number;
}

/**
 * A Bloom filter over event keys: "no" is certain, "maybe" must be confirmed in ClickHouse. Sized for an
 * expected count at a false-positive rate (default 1%); past that count it only gets slower (more
 * confirmations), never wrong. Partitioned: a key picks one partition of at most 2^31 bits, so the filter
 * holds the province (550 million keys at 1% is 5.3 Gbit, 660 MB, in 3 partitions).
 */
export class BloomFilter {
  readonly shape: BloomShape;
  /** The bits, one array per partition (read and written by the dedup snapshot). */
  readonly partitions: Uint32Array[];

  /** `maxPartitionBits`: only tests set it (a filter of several partitions without gigabytes). */
  constructor(expectedItems: number, falsePositiveRate = 0.01, maxPartitionBits = MAX_PARTITION_BITS) {
    const m = Math.max(1024, Math.ceil((-expectedItems * Math.log(falsePositiveRate)) / Math.LN2 ** 2));
    const partitions = Math.ceil(m / Math.min(maxPartitionBits, MAX_PARTITION_BITS));
    // Whole 32-bit words per partition.
    const bitsPerPartition = Math.ceil(m / partitions / 32) * 32;
    const hashes = Math.max(1, Math.round((m / expectedItems) * Math.LN2));
    this.shape = { partitions, bitsPerPartition, hashes };
    this.partitions = Array.from({ length: partitions }, () => new Uint32Array(bitsPerPartition / 32));
    this.setBits = new Array<number>(partitions).fill(0);
  }

  /** Bits set in each partition (`recount` after the bits are written from outside). */
  private readonly setBits: number[];

  get bytes(): number {
    return this.partitions.reduce((n, p) => n + p.byteLength, 0);
  }

  /**
   * What the bits say of the filter now: the false-positive rate (each partition's share of bits set to the power
   * of the hashes, averaged, as a key picks one partition) and about how many distinct keys were added (the
   * standard estimate from the share set). Kept as bits are set, so reading it costs nothing.
   */
  estimate(): { falsePositive: number; keys: number } {
    let falsePositive = 0;
    let keys = 0;
    const m = this.shape.bitsPerPartition;
    for (const set of this.setBits) {
      const share = set / m;
      falsePositive += share ** this.shape.hashes / this.partitions.length;
      keys += share >= 1 ? Infinity : (-m / this.shape.hashes) * Math.log(1 - share);
    }
    return { falsePositive, keys: Math.round(keys) };
  }

  /** Counts the bits set again, after they were written from outside (a snapshot loaded, the bits cleared). */
  recount(): void {
    this.partitions.forEach((p, i) => {
      let set = 0;
      for (let w = 0; w < p.length; w++) set += popcount(p[w]!);
      this.setBits[i] = set;
    });
  }

  add(key: number): void {
    const [a, b, bits, p] = this.locate(key);
    const size = this.shape.bitsPerPartition;
    for (let i = 0; i < this.shape.hashes; i++) {
      const pos = ((a + Math.imul(i, b)) >>> 0) % size;
      const word = bits[pos >>> 5]!;
      const bit = 1 << (pos & 31);
      if ((word & bit) === 0) {
        bits[pos >>> 5] = word | bit;
        this.setBits[p]!++;
      }
    }
  }

  mightContain(key: number): boolean {
    const [a, b, bits] = this.locate(key);
    const size = this.shape.bitsPerPartition;
    for (let i = 0; i < this.shape.hashes; i++) {
      const pos = ((a + Math.imul(i, b)) >>> 0) % size;
      if ((bits[pos >>> 5]! & (1 << (pos & 31))) === 0) return false;
    }
    return true;
  }

  private locate(key: number): [number, number, Uint32Array, number] {
    const [a, b] = halves(key);
    const n = this.partitions.length;
    // The partition from a third mix of the key, independent of the positions within it.
    const p = n === 1 ? 0 : (Math.imul(a ^ (b >>> 7), 0x85ebca6b) >>> 0) % n;
    return [a, b, this.partitions[p]!, p];
  }
}

// Kirsch–Mitzenmacher double hashing from the key's low 32 bits and high 21 bits (mixed).
function halves(key: number): [number, number] {
  const lo = key >>> 0;
  const hi = Math.floor(key / 4294967296);
  return [lo, (Math.imul(hi ^ lo, 0x9e3779b1) | 1) >>> 0];
}

/** Bits set in a 32-bit word. */
export function popcount(word: number): number {
  let x = word - ((word >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}
