// test/unit/util_more/util.test.ts — libos/util's Node 20 additions against host Node's node:util: the cases of
// test/fixtures/assert_util/util_cases.mjs (parseArgs, styleText, MIMEType/MIMEParams, getSystemErrorName/Map,
// toUSVString, stripVTControlCharacters, transferable abort signals, aborted, deprecate codes, util.types) run with
// both in this process and must print the same lines; plus the exports of node:util and node:util/types.
import nodeUtil from "node:util";
import { describe, expect, it } from "vitest";
import * as ourUtilNamed from "../../../libos/util/index.ts";
import ourUtil from "../../../libos/util/index.ts";
import ourTypes, * as ourTypesNamed from "../../../libos/util/types_module.ts";
import { AbortController as OurController, AbortSignal as OurSignal } from "../../../libos/web/abort.ts";
// @ts-expect-error: a plain .mjs fixture without types
import { deprecateCases, utilAsyncCases, utilCases } from "../../fixtures/assert_util/util_cases.mjs";

/** Runs `f` with unijs's AbortController/AbortSignal as the globals (the cases make signals through them). */
async function withOurAbort<T>(f: () => T | Promise<T>): Promise<T> {
  const g = globalThis as Record<string, unknown>;
  const saved = [g.AbortController, g.AbortSignal];
  g.AbortController = OurController;
  g.AbortSignal = OurSignal;
  try { return await f(); } finally { [g.AbortController, g.AbortSignal] = saved; }
}

describe("node:util additions against host Node, case by case", async () => {
  const theirs: string[] = utilCases(nodeUtil);
  const ours: string[] = await withOurAbort(() => utilCases(ourUtil));
  it("runs every case on both", () => {
    expect(ours.length).toBe(theirs.length);
    expect(ours.length).toBeGreaterThan(130);
  });
  for (let i = 0; i < theirs.length; i++) {
    const name = theirs[i].slice(0, theirs[i].indexOf(":"));
    it(name, () => expect(ours[i]).toBe(theirs[i]));
  }
  it("aborted()", async () => {
    expect(await withOurAbort(() => utilAsyncCases(ourUtil))).toEqual(await utilAsyncCases(nodeUtil));
  });
});

describe("deprecate", () => {
  it("warns once per code, once per wrapper without one, and validates the code", () => {
    const run = (util: unknown) => {
      const lines: string[] = [];
      const saved = process.emitWarning;
      process.emitWarning = ((msg: string, type: string, code?: unknown) =>
        lines.push(`${type} ${typeof code === "string" ? code : "-"} ${msg}`)) as typeof process.emitWarning;
      try {
        deprecateCases(util, (l: string) => lines.push(l));
      } finally { process.emitWarning = saved; }
      return lines;
    };
    // Host Node's own wrapper keeps its per-code memory across calls: use codes it has not seen in this process.
    expect(run(ourUtil)).toEqual(run(nodeUtil));
  });
});

describe("exports", () => {
  it("node:util has Node 20's names (less the internal/experimental ones listed)", () => {
    const missing = Object.keys(nodeUtil).filter((k) => !(k in ourUtil)).sort();
    expect(missing).toEqual([]);
    for (const k of Object.keys(nodeUtil)) expect(typeof (ourUtilNamed as Record<string, unknown>)[k], k).not.toBe("undefined");
  });
  it("util.types and node:util/types have exactly Node's predicates", () => {
    expect(Object.keys(ourUtil.types).sort()).toEqual(Object.keys(nodeUtil.types).sort());
    expect(Object.keys(ourTypes).sort()).toEqual(Object.keys(nodeUtil.types).sort());
    const named = Object.keys(ourTypesNamed).filter((k) => k !== "default").sort();
    expect(named).toEqual(Object.keys(nodeUtil.types).sort());
  });
});
