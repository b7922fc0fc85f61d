// test/unit/intl/collator.test.ts — libos/intl/collator.ts against the host Node's ICU collator (en-US): the same
// sorts, comparisons and resolved options for the same inputs, under each sensitivity, numeric and caseFirst.
import { describe, expect, it } from "vitest";
import { installCollator } from "../../../libos/intl/collator.ts";

const ours = { getCanonicalLocales: (l: unknown) => Intl.getCanonicalLocales(l as string) } as unknown as typeof Intl;
// installCollator also replaces String.prototype.localeCompare: keep the host's and restore it.
const hostLocaleCompare = Object.getOwnPropertyDescriptor(String.prototype, "localeCompare") as PropertyDescriptor;
installCollator(ours);
Object.defineProperty(String.prototype, "localeCompare", hostLocaleCompare);
const Ours = ours.Collator;

const LATIN1 = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i))
  .concat(Array.from({ length: 96 }, (_, i) => String.fromCharCode(0xa0 + i)));
const WORDS = ["resume", "Resume", "RESUME", "résumé", "résume", "résumés", "a", "A", "á", "à", "â", "ä", "ã", "å", "ā",
  "ab", "a b", "a-b", "a_b", "aB", "Ab", "item1", "item10", "item2", "item02", "Item 3", "", "z", "Z", "zebra", "Zebra",
  "éclair", "eclair", "Eclair", "coöperate", "cooperate", "straße", "strasse", "Straße", "æsir", "aesir", "Øre", "ore",
  "naïve", "naive", "NAÏVE", "façade", "facade", "ﬁle", "file", "x10y", "x9y", "x010y", "hello world", "hello-world",
  "helloworld", "Hello, World!", "12", "1.5", "-3", "$5", "€5", "50%", "a\u0301", "\u00e1", "ä", "a\u0308"];

function sorted(list: string[], c: (a: string, b: string) => number): string[] {
  return [...list].sort((a, b) => c(a, b) || (a < b ? -1 : a > b ? 1 : 0));
}

describe("Intl.Collator (en-US) compared with host ICU", () => {
  it("sorts Latin-1 characters in ICU's root order", () => {
    expect(sorted(LATIN1, new Ours("en").compare).join("")).toBe(sorted(LATIN1, new Intl.Collator("en").compare).join(""));
  });

  for (const options of [{}, { sensitivity: "base" }, { sensitivity: "accent" }, { sensitivity: "case" }, { numeric: true },
    { caseFirst: "upper" }, { caseFirst: "lower" }, { ignorePunctuation: true }, { usage: "search" }] as Intl.CollatorOptions[]) {
    it(`compares every pair of sample words like ICU with ${JSON.stringify(options)}`, () => {
      const a = new Ours("en-US", options).compare;
      const b = new Intl.Collator("en-US", options).compare;
      const diffs: string[] = [];
      for (const x of WORDS) for (const y of WORDS) if (a(x, y) !== b(x, y)) diffs.push(`${JSON.stringify(x)} vs ${JSON.stringify(y)}: ${a(x, y)} (ICU ${b(x, y)})`);
      expect(diffs).toEqual([]);
    });
  }

  it("resolves options and locales as Node does", () => {
    for (const [l, o] of [[undefined, {}], ["en-US", {}], ["en", { numeric: true }], ["en-u-kn", {}], ["en-US-u-kf-upper", {}],
      ["en-US-u-kn-false", { numeric: true }], [["de", "en-US"], { sensitivity: "base", ignorePunctuation: true }]] as const) {
      const ours = new Ours(l as string, o).resolvedOptions();
      const host = new Intl.Collator(l as string, o).resolvedOptions();
      if (Array.isArray(l)) host.locale = "en-US";           // host Node has full ICU: "de" exists there
      expect(ours).toEqual(host);
    }
  });

  it("rejects bad options with Node's messages and works without new", () => {
    expect(() => new Ours("en", { sensitivity: "x" as "base" })).toThrow(new RangeError("Value x out of range for Intl.Collator options property sensitivity"));
    expect(() => new Ours("en", { usage: "x" as "sort" })).toThrow(new RangeError("Value x out of range for Intl.Collator options property usage"));
    expect((Ours as unknown as (l: string) => Intl.Collator)("en").compare("a", "b")).toBe(-1);
    expect(Ours.length).toBe(0);
    expect(Object.prototype.toString.call(new Ours())).toBe("[object Intl.Collator]");
    expect(Ours.supportedLocalesOf(["en-US", "en-GB"])).toEqual(["en-US", "en-GB"]);
  });
});
