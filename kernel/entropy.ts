// kernel/entropy.ts — the kernel entropy pool: a ChaCha20-based generator (RFC 8439 block function, fast key
// erasure: each request rekeys from the stream) seeded from the CPU's RDSEED/RDRAND through the platform, with
// more seed material mixed in by devices (virtio-rng) as it arrives. Serves crypto.getRandomValues/randomBytes.
// Layer: kernel. Depends on platform.ts.

import { platform } from "./platform.ts";

const SIGMA = [0x61707865, 0x3320646e, 0x79622d32, 0x6b206574];

function rotl(x: number, n: number): number {
  return (x << n) | (x >>> (32 - n));
}

/** One ChaCha20 block (RFC 8439 section 2.3): 16 words of state in, 64 bytes out. */
export function chachaBlock(key: Uint32Array, counter: number, nonce: Uint32Array, out: Uint8Array): void {
  const s = new Uint32Array(16);
  s.set(SIGMA, 0);
  s.set(key, 4);
  s[12] = counter >>> 0;
  s.set(nonce, 13);
  const x = s.slice();
  const qr = (a: number, b: number, c: number, d: number) => {
    x[a] = (x[a] + x[b]) | 0; x[d] = rotl(x[d] ^ x[a], 16);
    x[c] = (x[c] + x[d]) | 0; x[b] = rotl(x[b] ^ x[c], 12);
    x[a] = (x[a] + x[b]) | 0; x[d] = rotl(x[d] ^ x[a], 8);
    x[c] = (x[c] + x[d]) | 0; x[b] = rotl(x[b] ^ x[c], 7);
  };
  for (let i = 0; i < 10; i++) {
    qr(0, 4, 8, 12); qr(1, 5, 9, 13); qr(2, 6, 10, 14); qr(3, 7, 11, 15);
    qr(0, 5, 10, 15); qr(1, 6, 11, 12); qr(2, 7, 8, 13); qr(3, 4, 9, 14);
  }
  const dv = new DataView(out.buffer, out.byteOffset, 64);
  for (let i = 0; i < 16; i++) dv.setUint32(4 * i, (x[i] + s[i]) >>> 0, true);
}

export class EntropyPool {
  private key = new Uint32Array(8);
  private readonly nonce = new Uint32Array(3);
  private readonly block = new Uint8Array(64);
  /** Bytes of seed material mixed in so far (hardware and devices). */
  seededBytes = 0;
  /** True when the CPU had no RDSEED/RDRAND at start: only device input and timing jitter seeded the pool. */
  readonly weakStart: boolean;

  constructor() {
    const seed = new Uint8Array(32);
    const got = platform().entropy(seed);
    this.weakStart = got < 32;
    if (this.weakStart) {
      // No hardware source: fall back to clock jitter until a device (virtio-rng) adds real entropy.
      const dv = new DataView(seed.buffer);
      for (let i = 0; i < 8; i++) dv.setUint32(4 * i, (platform().tsc() * 2654435761 + i * 40503) >>> 0, true);
    }
    this.add(seed);
  }

  /** Mixes seed material in: the new key is ChaCha20(old key ⊕ hash of input). */
  add(input: Uint8Array): void {
    const mix = new Uint32Array(8);
    for (let i = 0; i < input.length; i++) mix[(i >> 2) & 7] ^= input[i] << (8 * (i & 3));
    for (let i = 0; i < 8; i++) this.key[i] ^= mix[i];
    this.rekey();
    this.seededBytes += input.length;
  }

  private rekey(): void {
    chachaBlock(this.key, 0, this.nonce, this.block);
    this.key = new Uint32Array(this.block.buffer.slice(0, 32));
    this.nonce[0]++;
  }

  /** Fills `out` with random bytes and returns it. */
  fill<T extends Uint8Array>(out: T): T {
    let counter = 1;
    for (let off = 0; off < out.length; off += 64, counter++) {
      chachaBlock(this.key, counter, this.nonce, this.block);
      out.set(this.block.subarray(0, Math.min(64, out.length - off)), off);
    }
    this.rekey();                               // forward secrecy: the key that made these bytes is gone
    return out;
  }
}

let pool: EntropyPool | undefined;

/** The kernel's pool, seeded on first use. */
export function entropyPool(): EntropyPool {
  return (pool ??= new EntropyPool());
}
