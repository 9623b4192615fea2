const HEX_BYTES: readonly string[] = Array.from({ length: 256 }, (_, n) => n.toString(16).padStart(2, '0'));

/**
 * A small seeded pseudo-random source (mulberry32). Every random choice the
 * generator makes goes through one of these, so the same seed always yields
 * the same bytes.
 */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Returns a float in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Returns an integer in [min, max], both ends included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** Returns one element of a non-empty list, each equally likely. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** Returns 8 lower-case hex digits. */
  hex8(): string {
    const n = (this.next() * 4294967296) >>> 0;
    return HEX_BYTES[n >>> 24] + HEX_BYTES[(n >>> 16) & 255] + HEX_BYTES[(n >>> 8) & 255] + HEX_BYTES[n & 255];
  }
}

/** Creates the generator's random source; any integer seed works, 0 included. */
export function createRng(seed: number): Rng {
  // Mix the seed so that neighbouring seeds (1, 2, 3...) start far apart, and
  // keep the high bits of seeds beyond 32 bits.
  const high = Math.floor(seed / 4294967296) | 0;
  return new Rng(Math.imul((seed | 0) ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(high, 0xc2b2ae35));
}
