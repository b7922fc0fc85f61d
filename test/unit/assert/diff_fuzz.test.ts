// test/unit/assert/diff_fuzz.test.ts — seeded random values (nested objects, arrays, Maps, Sets, strings with
// newlines, numbers) and mutated copies: every failing deepStrictEqual/strictEqual/deepEqual/notDeepStrictEqual
// must give exactly host Node 20's message (the +/- line diff with its skipping and truncation rules).
import nodeAssert from "node:assert";
import { describe, expect, it } from "vitest";
import assert from "../../../libos/assert/index.ts";

function rng(seed: number) {
  return (n: number) => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
}

function value(r: (n: number) => number, depth: number): unknown {
  const k = r(depth > 3 ? 5 : 10);
  switch (k) {
    case 0: return r(100) - 50;
    case 1: return ["a", "bb", "line1\nline2", "", "x".repeat(r(40))][r(5)];
    case 2: return [true, false, null, undefined, NaN][r(5)];
    case 3: return r(3) === 0 ? -0 : 1.5;
    case 4: return `s${r(5)}`;
    case 5: case 6: {
      const o: Record<string, unknown> = {};
      for (let i = r(8); i > 0; i--) o[`k${r(12)}`] = value(r, depth + 1);
      return o;
    }
    case 7: return Array.from({ length: r(9) }, () => value(r, depth + 1));
    case 8: return new Map(Array.from({ length: r(4) }, () => [`m${r(6)}`, value(r, depth + 1)] as [string, unknown]));
    default: return new Set(Array.from({ length: r(4) }, () => r(10)));
  }
}

/** A copy of `v` with one change somewhere (or none). */
function mutate(v: unknown, r: (n: number) => number): unknown {
  if (Array.isArray(v)) {
    const c = v.map((x) => (r(4) === 0 ? mutate(x, r) : x));
    if (r(5) === 0) c.push(r(9));
    if (r(6) === 0) c.splice(r(c.length + 1), 1);
    return c;
  }
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [k, r(3) === 0 ? mutate(x, r) : x]));
  if (v instanceof Set) return r(2) ? new Set([...v, r(10)]) : new Set(v);
  if (v && typeof v === "object") {
    const c: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (r(8) !== 0) c[k] = r(4) === 0 ? mutate(x, r) : x;
    if (r(4) === 0) c[`n${r(5)}`] = r(9);
    return c;
  }
  return r(3) === 0 ? value(r, 3) : v;
}

const message = (f: () => void) => { try { f(); return "no throw"; } catch (e) { return (e as Error).message; } };

describe("assert messages on random values equal host Node's", () => {
  for (const op of ["deepStrictEqual", "strictEqual", "deepEqual", "notDeepStrictEqual", "notDeepEqual"] as const) {
    it(op, () => {
      const r = rng(op.length * 7919);
      const mismatches: string[] = [];
      let failures = 0;
      for (let i = 0; i < 400; i++) {
        const a = value(r, 0);
        const b = op.startsWith("not") && r(2) ? a : mutate(a, r);
        const want = message(() => (nodeAssert[op] as (x: unknown, y: unknown) => void)(a, b));
        const got = message(() => (assert[op] as (x: unknown, y: unknown) => void)(a, b));
        if (want !== "no throw") failures++;
        if (want !== got) mismatches.push(`${JSON.stringify(want)}\n  got ${JSON.stringify(got)}`);
      }
      expect(failures).toBeGreaterThan(50);
      expect(mismatches.slice(0, 3)).toEqual([]);
    });
  }
});
