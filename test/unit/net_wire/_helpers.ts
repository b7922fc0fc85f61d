// test/unit/net_wire/_helpers.ts — shared helpers of the wire-format tests: hex fixtures, 0xa5-filled buffers,
// truncation sweeps and a seeded fuzzer that accepts only a Repr or a WireError.

import { mulberry32 } from "../../sim/prng.ts";
import { expect } from "vitest";
import { WireError } from "../../../libos/net/wire/error.ts";

/** Bytes of a hex string; whitespace and "|" separators are ignored. */
export function hex(text: string): Uint8Array {
  const clean = text.replace(/[\s|]/g, "");
  if (clean.length % 2 !== 0 || /[^0-9a-fA-F]/.test(clean)) throw new Error(`bad hex fixture: ${text}`);
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Lowercase hex of bytes. */
export function toHex(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += (b < 16 ? "0" : "") + b.toString(16);
  return s;
}

/** A buffer of `n` bytes of 0xa5, so that a field emit forgets shows. */
export function filled(n: number): Uint8Array {
  return new Uint8Array(n).fill(0xa5);
}

/** A deterministic PRNG (mulberry32) giving integers in [0, 2^32). */
export const rng = mulberry32;

/** Asserts that `fn` throws a WireError (of `kind` unless "any") with an "expected …, found …" message. */
export function expectWireError(fn: () => unknown, kind: WireError["kind"] | "any" = "any"): WireError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, "expected a WireError to be thrown").toBeInstanceOf(WireError);
  const err = caught as WireError;
  if (kind !== "any") expect(err.kind, err.message).toBe(kind);
  expect(err.message).toMatch(/^expected .+, found .+/);
  return err;
}

/** Asserts that parsing every proper prefix of `bytes` throws WireError ("truncated" unless `kind` says else). */
export function expectTruncationRejected(bytes: Uint8Array, parse: (b: Uint8Array) => unknown,
                                         kind: WireError["kind"] | "any" = "truncated"): void {
  for (let len = 0; len < bytes.length; len++) expectWireError(() => parse(bytes.slice(0, len)), kind);
}

/**
 * Runs `parse` over `count` buffers: half purely random (0..maxLen bytes), half mutations of the `seeds`
 * (flipped bytes, cut or extended), and asserts each either returns or throws WireError. Returns how many parsed.
 */
export function fuzz(seed: number, count: number, seeds: Uint8Array[], maxLen: number,
                     parse: (b: Uint8Array) => unknown): number {
  const next = rng(seed);
  let ok = 0;
  for (let n = 0; n < count; n++) {
    let buf: Uint8Array;
    if (n % 2 === 0 || seeds.length === 0) {
      buf = new Uint8Array(next() % (maxLen + 1));
      for (let i = 0; i < buf.length; i++) buf[i] = next() & 0xff;
    } else {
      const base = seeds[next() % seeds.length];
      const cut = next() % 4 === 0 ? next() % (base.length + 1) : base.length;
      const extra = next() % 8 === 0 ? next() % 16 : 0;
      buf = new Uint8Array(cut + extra);
      buf.set(base.subarray(0, cut));
      for (let i = cut; i < buf.length; i++) buf[i] = next() & 0xff;
      const flips = 1 + (next() % 4);
      for (let f = 0; f < flips && buf.length > 0; f++) buf[next() % buf.length] = next() & 0xff;
    }
    try {
      parse(buf);
      ok++;
    } catch (e) {
      if (!(e instanceof WireError)) {
        throw new Error(`parse threw ${String(e)} instead of a WireError on ${toHex(buf)}`);
      }
    }
  }
  return ok;
}
