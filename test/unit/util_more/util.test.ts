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
        lines.push(`${type} ${typeof code === "string" ? code : "-"} ${msg}`)) as unknown as typeof process.emitWarning;
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

describe("parseEnv against host Node on seeded random .env texts", () => {
  it("30,000 texts parse to the same objects (keys, values, order)", () => {
    const parts = ["A", "B", "=", "=", " ", "  ", "\n", "\n", "\r\n", "#", "'", '"', "`", "x", "y z", "\\n", "export ", "\t",
      "1", "A=1", '"q"', "'s'", " # c", "\u00e9", "\ud83d\ude00", "\uffff", "export"];
    let seed = 7;
    const rnd = (n: number) => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
    const bad: string[] = [];
    for (let i = 0; i < 30000; i++) {
      let s = "";
      for (let j = 1 + rnd(12); j > 0; j--) s += parts[rnd(parts.length)];
      const want = JSON.stringify(nodeUtil.parseEnv(s)), got = JSON.stringify(ourUtil.parseEnv(s));
      if (want !== got) bad.push(`${JSON.stringify(s)}: node ${want}, ours ${got}`);
    }
    expect(bad.slice(0, 5)).toEqual([]);
  });
  it("a realistic file", () => {
    const text = "# settings\nexport HOST=localhost\nPORT = 8080 # the port\nNAME='my app'\nMULTI=\"a\\nb\"\nBLOCK=\"line1\nline2\"\nEMPTY=\n";
    expect({ ...ourUtil.parseEnv(text) }).toEqual({ ...nodeUtil.parseEnv(text) });
    expect(Object.getPrototypeOf(ourUtil.parseEnv(text))).toBe(null);
    expect(() => ourUtil.parseEnv(1 as unknown as string)).toThrow('The "content" argument must be of type string. Received type number (1)');
  });
});

describe("legacy helpers", () => {
  type Legacy = Record<"_extend" | "_errnoException" | "_exceptionWithHostPort", (...a: unknown[]) => any>;
  const node = nodeUtil as unknown as Legacy;
  it("_extend, _errnoException, _exceptionWithHostPort as Node", () => {
    const pick = (e: Error & Record<string, unknown>) => [e.message, e.errno, e.code, e.syscall, e.address, e.port, e.constructor === Error];
    expect(ourUtil._extend({ a: 1 }, { b: 2 })).toEqual(node._extend({ a: 1 }, { b: 2 }));
    expect(pick(ourUtil._errnoException(-2, "open", "x") as never)).toEqual(pick(node._errnoException(-2, "open", "x") as never));
    for (const args of [[-111, "connect", "127.0.0.1", 80], [-98, "listen", "::", 0, "1.2.3.4:5"], [-13, "bind"]] as const) {
      expect(pick(ourUtil._exceptionWithHostPort(...(args as [number, string])) as never))
        .toEqual(pick(node._exceptionWithHostPort(...(args as [number, string])) as never));
    }
  });
});

describe("images", () => {
  it("an app naming only util.transferableAbortController/Signal gets the abort globals installed", async () => {
    const { installersFor, mentionedGlobals } = await import("../../../boot/image/globals.ts");
    expect(installersFor(mentionedGlobals("const c = util.transferableAbortController();"))).toContain("libos/globals/abort.ts");
    expect(installersFor(mentionedGlobals("util.transferableAbortSignal(s)"))).toContain("libos/globals/abort.ts");
    expect(installersFor(mentionedGlobals("util.inherits(A, B)"))).not.toContain("libos/globals/abort.ts");
  });
});
