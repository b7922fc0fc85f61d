// test/sim/prng.ts — a small seeded pseudo-random generator (SplitMix32) for the simulated platform's entropy and
// for tests that want reproducible "random" inputs. Not cryptographic; the same seed always gives the same stream.
// Layer: test support. No dependencies.

/**
 * A seeded stream of 32-bit values.
 *
 * ```ts
 * const r = new SeededRandom(42);
 * const delay = r.int(100); // 0..99, the same for every run with seed 42
 * ```
 */
export class SeededRandom {
  private state: number;

  constructor(seed = 1) {
    this.state = seed >>> 0;
  }

  /** The next value, 0 ≤ v < 2^32. */
  nextUint32(): number {
    this.state = (this.state + 0x9e3779b9) >>> 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  }

  /** A float in [0, 1). */
  float(): number {
    return this.nextUint32() / 2 ** 32;
  }

  /** An integer in [0, bound). */
  int(bound: number): number {
    return Math.floor(this.float() * bound);
  }

  /** Fills `into` with bytes from the stream. */
  fill(into: Uint8Array): void {
    for (let i = 0; i < into.length; i += 4) {
      const v = this.nextUint32();
      for (let k = 0; k < 4 && i + k < into.length; k++) into[i + k] = (v >>> (8 * k)) & 0xff;
    }
  }
}

/** mulberry32: a deterministic stream of integers in [0, 2^32) (the wire-format fuzzers and link faults use it). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}
