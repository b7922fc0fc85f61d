import { describe, expect, it } from "vitest";
import {
  adjustChecksum, combine, finish, fold, internetChecksum, onesSum, onesSumRanges, pseudoHeaderSum, swap16,
} from "../../../libos/net/wire/checksum.ts";
import { hex, rng } from "./_helpers.ts";

// The IPv4 header of a real ICMP echo request 10.0.2.15 → 10.0.2.2 (checksum 0xd469 at bytes 10..11).
const IP_HEADER = hex("4500 0054 4e2f 4000 4001 d469 0a00 020f 0a00 0202");

describe("checksum", () => {
  it("sums RFC 1071's example words", () => {
    // RFC 1071 §3: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2.
    expect(onesSum(hex("0001f203f4f5f6f7"))).toBe(0xddf2);
    expect(internetChecksum(hex("0001f203f4f5f6f7"))).toBe(0x220d);
  });

  it("verifies a real header: the sum including the checksum field is 0xffff", () => {
    expect(onesSum(IP_HEADER)).toBe(0xffff);
    const zeroed = IP_HEADER.slice();
    zeroed[10] = zeroed[11] = 0;
    expect(internetChecksum(zeroed)).toBe(0xd469);
  });

  it("pads an odd trailing byte with zero and honours start/end", () => {
    expect(onesSum(hex("ab"))).toBe(0xab00);
    expect(onesSum(hex("0102ab"), 2)).toBe(0xab00);
    expect(onesSum(hex("ffff0001ffff"), 2, 4)).toBe(0x0001);
    expect(onesSum(new Uint8Array(0))).toBe(0);
  });

  it("folds carries end-around, also for sums above 2^32", () => {
    expect(fold(0x1ffff)).toBe(0x0001);
    expect(fold(0x12345)).toBe(0x2346);
    expect(fold(0x1_0000_0000 * 3 + 5)).toBe(fold(fold(0x1_0000_0000 * 3) + 5));
    expect(combine(0xffff, 0x0001)).toBe(0x0001);
    expect(finish(0xffff)).toBe(0);
    expect(finish(0)).toBe(0xffff);
  });

  it("sums long buffers the same as in chunks", () => {
    const next = rng(7);
    const big = new Uint8Array(200_001);
    for (let i = 0; i < big.length; i++) big[i] = next() & 0xff;
    let chunked = 0;
    for (let i = 0; i < big.length; i += 1000) {
      chunked = combine(chunked, onesSum(big, i, Math.min(i + 1000, big.length)));
    }
    expect(onesSum(big)).toBe(chunked);
  });

  it("combines ranges of odd length as if they were one buffer", () => {
    const next = rng(42);
    for (let trial = 0; trial < 200; trial++) {
      const parts: Uint8Array[] = [];
      let total = 0;
      for (let k = 0, n = 1 + (next() % 5); k < n; k++) {
        const p = new Uint8Array(next() % 9);
        for (let i = 0; i < p.length; i++) p[i] = next() & 0xff;
        parts.push(p);
        total += p.length;
      }
      const whole = new Uint8Array(total);
      let at = 0;
      for (const p of parts) {
        whole.set(p, at);
        at += p.length;
      }
      expect(onesSumRanges(parts)).toBe(onesSum(whole));
    }
    expect(swap16(0x1234)).toBe(0x3412);
  });

  it("computes the IPv4 pseudo-header sum", () => {
    // 10.0.2.15 → 10.0.2.2, TCP, 40 bytes: 0a00+020f+0a00+0202+0006+0028
    expect(pseudoHeaderSum(0x0a00020f, 0x0a000202, 6, 40)).toBe(0x0a00 + 0x020f + 0x0a00 + 0x0202 + 6 + 40);
    expect(pseudoHeaderSum(0xffffffff, 0xffffffff, 17, 0xffff)).toBe(fold(4 * 0xffff + 17 + 0xffff));
  });

  it("adjusts a checksum incrementally (RFC 1624) like a full recomputation", () => {
    // Decrement the TTL of the real header: word 8..9 changes from 0x4001 to 0x3f01.
    const h = IP_HEADER.slice();
    const old = (h[8] << 8) | h[9];
    h[8] = 0x3f;
    const updated = adjustChecksum(0xd469, old, (h[8] << 8) | h[9]);
    h[10] = h[11] = 0;
    expect(updated).toBe(internetChecksum(h));
    const next = rng(3);
    for (let trial = 0; trial < 500; trial++) {
      const data = new Uint8Array(20);
      for (let i = 0; i < 20; i++) data[i] = next() & 0xff;
      data[10] = data[11] = 0;
      const before = internetChecksum(data);
      const w = 2 * (next() % 10 === 5 ? 4 : next() % 5);
      const oldWord = (data[w] << 8) | data[w + 1];
      const newWord = next() & 0xffff;
      data[w] = newWord >>> 8;
      data[w + 1] = newWord & 0xff;
      const full = internetChecksum(data);
      const inc = adjustChecksum(before, oldWord, newWord);
      // 0x0000 and 0xffff are the same ones'-complement value.
      expect(inc === full || (inc ^ full) === 0xffff).toBe(true);
    }
  });

  // onesSum sums the bulk 32 bits at a time through a Uint32Array; it must equal the byte-pair definition for every
  // alignment of the view, start and end, odd lengths, initial sums, and ranges past the 8 MiB split.
  const byPairs = (b: Uint8Array, s: number, e: number, init: number) => {
    let sum = init;
    let i = s;
    for (; i < e - 1; i += 2) sum += (b[i] << 8) | b[i + 1];
    if (i < e) sum += b[i] << 8;
    return fold(sum);
  };
  it("word-at-a-time sum equals the byte-pair sum for 20,000 random ranges and alignments", () => {
    const next = rng(0x5eed);
    const r = () => next() / 2 ** 32;
    const buf = new ArrayBuffer(70_000);
    const all = new Uint8Array(buf);
    for (let i = 0; i < all.length; i++) all[i] = Math.floor(r() * 256);
    for (let t = 0; t < 20_000; t++) {
      const off = Math.floor(r() * 64);
      const len = Math.floor(r() * (t % 10 === 0 ? 69_000 - off : 2000));
      const b = new Uint8Array(buf, off, len);
      const s = Math.floor(r() * Math.max(1, len));
      const e = s + Math.floor(r() * (len - s + 1));
      const init = Math.floor(r() * 0x10000);
      expect(onesSum(b, s, e, init)).toBe(byPairs(b, s, e, init));
    }
    const ones = new Uint8Array(66_000).fill(0xff);
    expect(onesSum(ones)).toBe(byPairs(ones, 0, ones.length, 0));
  });
  it("sums ranges over 8 MiB in pieces without losing precision", () => {
    const b = new Uint8Array(20 * 1024 * 1024 + 7);
    for (let i = 0; i < b.length; i++) b[i] = (i * 7919) >>> 3;
    for (const s of [0, 1, 2, 3]) expect(onesSum(b, s)).toBe(byPairs(b, s, b.length, 0));
  });
});
