// console formatting against the host's own util.format / util.inspect, for the cases we claim to match.
import { format as nodeFormat, inspect as nodeInspect } from "node:util";
import { describe, expect, it } from "vitest";
import { format, inspect } from "../../libos/console/inspect.ts";

class Point { constructor(public x: number, public y: number) {} }

const values: [string, unknown][] = [
  ["string", "plain"],
  ["number", 42],
  ["negative zero", -0],
  ["float", 1.5e-7],
  ["bigint", 12345678901234567890n],
  ["boolean", true],
  ["null", null],
  ["undefined", undefined],
  ["symbol", Symbol("s")],
  ["array", [1, "two", [3, [4, [5, [6]]]]]],
  ["empty array", []],
  ["object", { a: 1, "b-c": "x", nested: { deep: { deeper: { deepest: 1 } } } }],
  ["empty object", {}],
  ["class instance", new Point(1, 2)],
  ["null prototype", Object.assign(Object.create(null), { k: 1 })],
  ["map", new Map<unknown, unknown>([["k", 1], [2, { v: true }]])],
  ["set", new Set([1, "a"])],
  ["date", new Date(0)],
  ["regexp", /ab+c/gi],
  ["function", function named() {}],
  ["arrow", () => 1],
  ["class", Point],
  ["typed array", new Uint8Array([1, 2, 3])],
  ["boxed", new Number(3)],
  ["quotes", ["it's", 'say "hi"', "a\nb"]],
  ["long array", Array.from({ length: 120 }, (_, i) => i % 3)],
];

describe("inspect matches util.inspect", () => {
  for (const [name, v] of values) {
    it(name, () => {
      if (name === "long array") {
        // Node groups long number arrays into columns; we keep one per line but the same items and tail.
        expect(inspect(v)).toContain("... 20 more items");
        return;
      }
      expect(inspect(v)).toBe(nodeInspect(v));
    });
  }

  it("breaks long objects over lines and marks cycles", () => {
    const o: Record<string, unknown> = { name: "a fairly long string value here", other: "another long string value" };
    o.self = o;
    const s = inspect(o);
    expect(s.split("\n").length).toBeGreaterThan(1);
    expect(s).toContain("self: [Circular *1]");
  });
});

describe("format matches util.format", () => {
  const cases: unknown[][] = [
    ["hello", "world"],
    ["%s is %d years", "Bob", 42],
    ["%i / %f", 3.9, "2.5"],
    ["%j", { a: [1, 2] }],
    ["100%% sure", 1],
    ["%s", 5n],
    ["%d", 5n],
    ["%O", [1, { a: 2 }]],
    ["missing %s %s", "one"],
    [1, "a", { b: 2 }],
    ["%c styled", "color: red"],
    [],
  ];
  for (const args of cases) {
    it(JSON.stringify(args, (_, v) => (typeof v === "bigint" ? `${v}n` : v)), () => {
      expect(format(...args)).toBe(nodeFormat(...args));
    });
  }
});
