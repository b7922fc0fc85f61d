// kernel/entropy.ts — the kernel entropy pool: a ChaCha20-based generator (RFC 8439 block function, fast key
// erasure: each request rekeys from the stream) seeded from the CPU's RDSEED/RDRAND through the platform, with
// more seed material mixed in by devices (virtio-rng) as it arrives. Serves crypto.getRandomValues/randomBytes.
// Layer: kernel. Depends on platform.ts.

import { platform } from "./platform.ts";

const SIGMA = [0x61707865, 0x3320646e, 0x79622d32, 0x6b206574];

/** One ChaCha20 block (RFC 8439 section 2.3): 16 words of state in, 64 bytes out. The state lives in locals, not
 *  in a typed array: under the interpreter that is several times faster (the TCP layer makes one block per
 *  connection for its initial sequence number). */
export function chachaBlock(key: Uint32Array, counter: number, nonce: Uint32Array, out: Uint8Array): void {
  const i0 = SIGMA[0], i1 = SIGMA[1], i2 = SIGMA[2], i3 = SIGMA[3];
  const i4 = key[0] | 0, i5 = key[1] | 0, i6 = key[2] | 0, i7 = key[3] | 0;
  const i8 = key[4] | 0, i9 = key[5] | 0, i10 = key[6] | 0, i11 = key[7] | 0;
  const i12 = counter | 0, i13 = nonce[0] | 0, i14 = nonce[1] | 0, i15 = nonce[2] | 0;
  let x0 = i0, x1 = i1, x2 = i2, x3 = i3, x4 = i4, x5 = i5, x6 = i6, x7 = i7;
  let x8 = i8, x9 = i9, x10 = i10, x11 = i11, x12 = i12, x13 = i13, x14 = i14, x15 = i15;
  let t: number;
  for (let i = 0; i < 10; i++) {
    // Columns: QR(0,4,8,12) QR(1,5,9,13) QR(2,6,10,14) QR(3,7,11,15).
    x0 = (x0 + x4) | 0; t = x12 ^ x0; x12 = (t << 16) | (t >>> 16);
    x8 = (x8 + x12) | 0; t = x4 ^ x8; x4 = (t << 12) | (t >>> 20);
    x0 = (x0 + x4) | 0; t = x12 ^ x0; x12 = (t << 8) | (t >>> 24);
    x8 = (x8 + x12) | 0; t = x4 ^ x8; x4 = (t << 7) | (t >>> 25);
    x1 = (x1 + x5) | 0; t = x13 ^ x1; x13 = (t << 16) | (t >>> 16);
    x9 = (x9 + x13) | 0; t = x5 ^ x9; x5 = (t << 12) | (t >>> 20);
    x1 = (x1 + x5) | 0; t = x13 ^ x1; x13 = (t << 8) | (t >>> 24);
    x9 = (x9 + x13) | 0; t = x5 ^ x9; x5 = (t << 7) | (t >>> 25);
    x2 = (x2 + x6) | 0; t = x14 ^ x2; x14 = (t << 16) | (t >>> 16);
    x10 = (x10 + x14) | 0; t = x6 ^ x10; x6 = (t << 12) | (t >>> 20);
    x2 = (x2 + x6) | 0; t = x14 ^ x2; x14 = (t << 8) | (t >>> 24);
    x10 = (x10 + x14) | 0; t = x6 ^ x10; x6 = (t << 7) | (t >>> 25);
    x3 = (x3 + x7) | 0; t = x15 ^ x3; x15 = (t << 16) | (t >>> 16);
    x11 = (x11 + x15) | 0; t = x7 ^ x11; x7 = (t << 12) | (t >>> 20);
    x3 = (x3 + x7) | 0; t = x15 ^ x3; x15 = (t << 8) | (t >>> 24);
    x11 = (x11 + x15) | 0; t = x7 ^ x11; x7 = (t << 7) | (t >>> 25);
    // Diagonals: QR(0,5,10,15) QR(1,6,11,12) QR(2,7,8,13) QR(3,4,9,14).
    x0 = (x0 + x5) | 0; t = x15 ^ x0; x15 = (t << 16) | (t >>> 16);
    x10 = (x10 + x15) | 0; t = x5 ^ x10; x5 = (t << 12) | (t >>> 20);
    x0 = (x0 + x5) | 0; t = x15 ^ x0; x15 = (t << 8) | (t >>> 24);
    x10 = (x10 + x15) | 0; t = x5 ^ x10; x5 = (t << 7) | (t >>> 25);
    x1 = (x1 + x6) | 0; t = x12 ^ x1; x12 = (t << 16) | (t >>> 16);
    x11 = (x11 + x12) | 0; t = x6 ^ x11; x6 = (t << 12) | (t >>> 20);
    x1 = (x1 + x6) | 0; t = x12 ^ x1; x12 = (t << 8) | (t >>> 24);
    x11 = (x11 + x12) | 0; t = x6 ^ x11; x6 = (t << 7) | (t >>> 25);
    x2 = (x2 + x7) | 0; t = x13 ^ x2; x13 = (t << 16) | (t >>> 16);
    x8 = (x8 + x13) | 0; t = x7 ^ x8; x7 = (t << 12) | (t >>> 20);
    x2 = (x2 + x7) | 0; t = x13 ^ x2; x13 = (t << 8) | (t >>> 24);
    x8 = (x8 + x13) | 0; t = x7 ^ x8; x7 = (t << 7) | (t >>> 25);
    x3 = (x3 + x4) | 0; t = x14 ^ x3; x14 = (t << 16) | (t >>> 16);
    x9 = (x9 + x14) | 0; t = x4 ^ x9; x4 = (t << 12) | (t >>> 20);
    x3 = (x3 + x4) | 0; t = x14 ^ x3; x14 = (t << 8) | (t >>> 24);
    x9 = (x9 + x14) | 0; t = x4 ^ x9; x4 = (t << 7) | (t >>> 25);
  }
  const words = [x0 + i0, x1 + i1, x2 + i2, x3 + i3, x4 + i4, x5 + i5, x6 + i6, x7 + i7,
    x8 + i8, x9 + i9, x10 + i10, x11 + i11, x12 + i12, x13 + i13, x14 + i14, x15 + i15];
  for (let i = 0, o = 0; i < 16; i++, o += 4) {
    const w = words[i];
    out[o] = w; out[o + 1] = w >>> 8; out[o + 2] = w >>> 16; out[o + 3] = w >>> 24;
  }
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
