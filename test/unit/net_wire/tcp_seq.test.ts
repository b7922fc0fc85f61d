import { describe, expect, it } from "vitest";
import { TcpSeqNumber as S } from "../../../libos/net/wire/tcp.ts";
import { rng } from "./_helpers.ts";

describe("TcpSeqNumber", () => {
  it("adds and subtracts modulo 2^32", () => {
    expect(S.add(0xffffffff, 1)).toBe(0);
    expect(S.add(0xffffffff, 2)).toBe(1);
    expect(S.add(0, -1)).toBe(0xffffffff);
    expect(S.add(5, 0x100000000)).toBe(5);
    expect(S.sub(1, 0xffffffff)).toBe(2);
    expect(S.sub(0xffffffff, 1)).toBe(-2);
    expect(S.sub(0x80000000, 0)).toBe(-0x80000000);
  });

  it("compares across the wrap", () => {
    expect(S.lt(0xfffffff0, 0x10)).toBe(true);
    expect(S.gt(0x10, 0xfffffff0)).toBe(true);
    expect(S.le(7, 7)).toBe(true);
    expect(S.ge(7, 7)).toBe(true);
    expect(S.lt(7, 7)).toBe(false);
    expect(S.gt(7, 7)).toBe(false);
    expect(S.lt(0, 0x7fffffff)).toBe(true);
    expect(S.lt(0, 0x80000001)).toBe(false);
    expect(S.max(0xfffffff0, 0x10)).toBe(0x10);
    expect(S.min(0xfffffff0, 0x10)).toBe(0xfffffff0);
  });

  it("tests window membership across the wrap", () => {
    expect(S.inRange(0xfffffffe, 0xfffffff0, 0x10)).toBe(true);
    expect(S.inRange(0x0f, 0xfffffff0, 0x10)).toBe(true);
    expect(S.inRange(0x10, 0xfffffff0, 0x10)).toBe(false);
    expect(S.inRange(0xffffffef, 0xfffffff0, 0x10)).toBe(false);
    expect(S.inRange(5, 5, 5)).toBe(false);
  });

  it("agrees with BigInt arithmetic on random pairs less than 2^31 apart", () => {
    const next = rng(11);
    const M = 1n << 32n;
    for (let i = 0; i < 10_000; i++) {
      const a = next();
      const d = (next() % 0x7fffffff) - 0x3fffffff;
      const b = Number(((BigInt(a) + BigInt(d)) % M + M) % M);
      expect(S.add(a, d)).toBe(b);
      expect(S.sub(b, a)).toBe(d);
      expect(S.lt(a, b)).toBe(d > 0);
      expect(S.ge(a, b)).toBe(d <= 0);
    }
  });
});
