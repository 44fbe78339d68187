/**
 * A Bloom filter over event keys: "no" is certain, "maybe" must be confirmed in ClickHouse.
 * Sized for an expected count at ~1% false positives; past that count it only gets slower
 * (more confirmations), never wrong.
 */
export class BloomFilter {
  private readonly bits: Uint32Array;
  private readonly size: number;
  private readonly hashes: number;

  constructor(expectedItems: number, falsePositiveRate = 0.01) {
    const m = Math.ceil((-expectedItems * Math.log(falsePositiveRate)) / Math.LN2 ** 2);
    this.size = Math.max(1024, m);
    this.hashes = Math.max(1, Math.round((this.size / expectedItems) * Math.LN2));
    this.bits = new Uint32Array(Math.ceil(this.size / 32));
  }

  get bytes(): number {
    return this.bits.byteLength;
  }

  add(key: number): void {
    const [a, b] = halves(key);
    for (let i = 0; i < this.hashes; i++) {
      const bit = (a + Math.imul(i, b)) >>> 0;
      const pos = bit % this.size;
      this.bits[pos >>> 5]! |= 1 << (pos & 31);
    }
  }

  mightContain(key: number): boolean {
    const [a, b] = halves(key);
    for (let i = 0; i < this.hashes; i++) {
      const pos = ((a + Math.imul(i, b)) >>> 0) % this.size;
      if ((this.bits[pos >>> 5]! & (1 << (pos & 31))) === 0) return false;
    }
    return true;
  }
}

// Kirsch–Mitzenmacher double hashing from the key's low 32 bits and high 21 bits (mixed).
function halves(key: number): [number, number] {
  const lo = key >>> 0;
  const hi = Math.floor(key / 4294967296);
  return [lo, (Math.imul(hi ^ lo, 0x9e3779b1) | 1) >>> 0];
}
