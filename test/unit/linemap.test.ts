import { describe, expect, it } from "vitest";
import { buildLineMap, decodeVlq } from "../../boot/image/linemap.ts";
import { mapLine, mapStack } from "../../kernel/stack_trace.ts";

describe("decodeVlq", () => {
  it("decodes single and multi-digit signed values", () => {
    expect(decodeVlq("AAAA")).toEqual([0, 0, 0, 0]);
    expect(decodeVlq("AACA")).toEqual([0, 0, 1, 0]);
    expect(decodeVlq("D")).toEqual([-1]);
    expect(decodeVlq("gB")).toEqual([16]);
    expect(decodeVlq("hB")).toEqual([-16]);
    expect(decodeVlq("2HQA")).toEqual([123, 8, 0]);
    expect(decodeVlq("ACSA")).toEqual([0, 1, 9, 0]);
  });
  it("rejects characters outside Base64", () => {
    expect(() => decodeVlq("A*A")).toThrow(/invalid Base64 VLQ character '\*'/);
  });
});

describe("buildLineMap", () => {
  // gen line 1 → a.ts:1, line 2 → a.ts:2, line 3 → none, line 4 → b.ts:11 (delta +9), line 5 → b.ts:12
  const map = { sources: ["a.ts", "b.ts"], mappings: "AAAA;AACA;;ACSA;AACA" };

  it("groups consecutive lines of one source into runs", () => {
    const lm = buildLineMap(map, "x.bundle.js");
    expect(lm.runs).toEqual([1, 0, 1, 2, 4, 1, 11, 2]);
    expect(lm.bundle).toBe("x.bundle.js");
  });

  it("maps lines and leaves unmapped ones alone", () => {
    const lm = buildLineMap(map, "x.bundle.js");
    expect(mapLine(lm, 1)).toBe("a.ts:1");
    expect(mapLine(lm, 2)).toBe("a.ts:2");
    expect(mapLine(lm, 3)).toBeNull();
    expect(mapLine(lm, 4)).toBe("b.ts:11");
    expect(mapLine(lm, 5)).toBe("b.ts:12");
    expect(mapLine(lm, 99)).toBeNull();
    expect(mapLine(lm, 0)).toBeNull();
  });

  it("rewrites QuickJS stack frames", () => {
    const lm = buildLineMap(map, "x.bundle.js");
    const stack = "    at f (x.bundle.js:4)\n    at g (x.bundle.js:3)\n    at h (native)\n    at x.bundle.js:2";
    expect(mapStack(stack, lm)).toBe("    at f (b.ts:11)\n    at g (x.bundle.js:3)\n    at h (native)\n    at a.ts:2");
  });
});
