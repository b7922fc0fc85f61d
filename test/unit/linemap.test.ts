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

describe("columns", () => {
  it("encodeVlq is decodeVlq's inverse", async () => {
    const { encodeVlq } = await import("../../boot/image/linemap.ts");
    for (const v of [[0], [1, -1, 15, -16, 16, 1000, -123456], [0, 0, 0, 0]]) expect(decodeVlq(encodeVlq(v))).toEqual(v);
  });

  it("maps an engine location (bundle line:column) to the same token in the source", async () => {
    const esbuild = await import("esbuild");
    const source = [
      "// a comment line",
      "export function parse(text: string): number {",
      "  const n: number = Number(text);",
      '  if (Number.isNaN(n)) throw new TypeError(`not a number: ${text}`);',
      "  return n * 2;",
      "}",
      "parse(process.argv[2] as string);",
    ].join("\n");
    const out = await esbuild.build({
      stdin: { contents: source, sourcefile: "app.ts", loader: "ts" }, bundle: true, write: false, format: "iife",
      outfile: "x.bundle.js", sourcemap: "external", minifySyntax: true, keepNames: true, logLevel: "silent",
    });
    const js = out.outputFiles.find((f) => f.path.endsWith(".js"))!.text.split("\n");
    const lm = buildLineMap(JSON.parse(out.outputFiles.find((f) => f.path.endsWith(".map"))!.text), "x.bundle.js");
    const src = source.split("\n");
    for (const token of ["TypeError", "Number(text)", "n * 2", "parse(process"]) {
      const genLine = js.findIndex((l) => l.includes(token));
      const genCol = js[genLine].indexOf(token);
      const srcLine = src.findIndex((l) => l.includes(token));
      const frame = `    at f (x.bundle.js:${genLine + 1}:${genCol + 1})`;
      expect(mapStack(frame, lm)).toBe(`    at f (app.ts:${srcLine + 1}:${src[srcLine].indexOf(token) + 1})`);
    }
  });

  it("a frame with a column past the line's segments maps to the last one; without column data, lines only", () => {
    const lm = buildLineMap({ sources: ["a.ts"], mappings: "AAAA,IAAI" }, "x.bundle.js");
    expect(mapStack("at g (x.bundle.js:1:99)", lm)).toBe("at g (a.ts:1:5)");
    expect(mapStack("at g (x.bundle.js:1:2)", lm)).toBe("at g (a.ts:1:1)");
    const old = { ...lm, columns: undefined };
    expect(mapStack("at g (x.bundle.js:1:99)", old)).toBe("at g (a.ts:1)");
  });
});

describe("which sources keep columns", () => {
  it("the app's own files do; npm packages, the unijs runtime and the entry stub map lines only", async () => {
    const { isAppSource } = await import("../../boot/image/linemap.ts");
    expect(["app.ts", "examples/http-server/index.ts", "../../home/me/app/src/a.ts"].every(isAppSource)).toBe(true);
    expect(["node_modules/events/events.js", "../x/node_modules/y/z.js", "libos/http/server_core.ts",
      "kernel/event_loop.ts", "drivers/virtio/virtqueue.ts", "unijs-entry.js"].some(isAppSource)).toBe(false);
    const lm = buildLineMap({ sources: ["node_modules/p/i.js", "app.ts"], mappings: "AAAA,IAAI;ACAA,IAAI" }, "x.bundle.js");
    expect(mapStack("at f (x.bundle.js:1:5)", lm)).toBe("at f (node_modules/p/i.js:1)");
    expect(mapStack("at g (x.bundle.js:2:1)", lm)).toBe("at g (app.ts:1:5)");   // source columns carry across lines
  });
});
