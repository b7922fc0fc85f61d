// test/unit/intl/error_stack.test.ts — the pure parts of libos/globals/error_stack.ts: parsing the engine's stack
// strings, mapping frames through a line map to paths in the image, V8's CallSite strings and header line.
import { describe, expect, it } from "vitest";
import type { LineMap } from "../../../kernel/stack_trace.ts";
import { appFrames, CallSite, errorHeader, formatStack, imageFileName, mapFrame, parseEngineStack, sourcePaths,
  type Frame } from "../../../libos/globals/error_stack.ts";

const MAP: LineMap = {
  bundle: "app.bundle.js",
  sources: ["unijs-entry.js", "examples/demo/main.js", "examples/demo/node_modules/depd/index.js", "libos/runtime/start.ts"],
  // bundle lines 10-19 → main.js 1-10; 30-39 → depd 100-109; 50 → start.ts 7; 60 → the entry stub
  runs: [10, 1, 1, 10, 30, 2, 100, 10, 50, 3, 7, 1, 60, 0, 1, 1],
};

describe("parseEngineStack", () => {
  it("reads QuickJS's frames: named, anonymous, native, without a location", () => {
    const frames = parseEngineStack("    at inner (app.bundle.js:12:18)\n    at <anonymous> (app.bundle.js:14:3)\n" +
      "    at map (native)\n    at <eval> (<input>:4:9)\n    at bare\n");
    expect(frames).toEqual([
      { functionName: "inner", fileName: "app.bundle.js", line: 12, column: 18, native: false },
      { functionName: null, fileName: "app.bundle.js", line: 14, column: 3, native: false },
      { functionName: "map", fileName: null, line: null, column: null, native: true },
      { functionName: "<eval>", fileName: "<input>", line: 4, column: 9, native: false },
      { functionName: "bare", fileName: null, line: null, column: null, native: false },
    ]);
  });
  it("ignores lines that are not frames (a V8-style header)", () => {
    expect(parseEngineStack("Error: x\n    at f (a.js:1:2)")).toHaveLength(1);
  });
});

describe("paths in the image", () => {
  const paths = sourcePaths(MAP, "/app/main.js");
  it("finds the app's root from the entry's path", () => {
    expect(paths).toEqual({ appPrefix: "examples/demo/", appDir: "/app" });
    expect(sourcePaths(MAP, "/app/other.js").appPrefix).toBeNull();
    expect(sourcePaths(null, "/app/main.js").appPrefix).toBeNull();
  });
  it("names the app's files and packages under /app and the runtime under /unijs", () => {
    expect(imageFileName("examples/demo/main.js", paths)).toBe("/app/main.js");
    expect(imageFileName("examples/demo/node_modules/depd/index.js", paths)).toBe("/app/node_modules/depd/index.js");
    expect(imageFileName("libos/events/index.ts", paths)).toBe("/unijs/libos/events/index.ts");
    expect(imageFileName("../elsewhere/x.js", paths)).toBe("../elsewhere/x.js");
  });
});

describe("mapFrame and appFrames", () => {
  const paths = sourcePaths(MAP, "/app/main.js");
  const raw = (line: number, functionName: string | null = "f", column: number | null = null) =>
    ({ functionName, fileName: "app.bundle.js", line, column, native: false });
  it("maps bundle lines to sources, drops the runtime's frames and Function.prototype.call", () => {
    const frames = [raw(12, "inner"), { functionName: "call", fileName: null, line: null, column: null, native: true },
      raw(33, "log"), raw(15, null), raw(20, null), raw(50, "runMain"), raw(60, null)].map((f) => mapFrame(f, MAP, paths));
    const shown = appFrames(frames);
    expect(shown.map((f) => `${f.functionName}@${f.fileName}:${f.line}`)).toEqual(
      ["inner@/app/main.js:3", "log@/app/node_modules/depd/index.js:103", "null@/app/main.js:6"]);
    expect(shown[2].typeName).toBe("Object");                     // called from bundle glue: a module's top level
    expect(String(new CallSite(shown[2]))).toBe("Object.<anonymous> (/app/main.js:6)");
  });
  it("marks code made by eval/new Function", () => {
    const f = mapFrame({ functionName: null, fileName: "<input>", line: 4, column: 9, native: false }, MAP, paths);
    expect(f.evaluated).toBe(true);
    expect(new CallSite(f).isEval()).toBe(true);
    expect(new CallSite(f).getFileName()).toBeUndefined();
  });
});

describe("CallSite and V8's format", () => {
  const frame = (over: Partial<Frame>): Frame => ({ functionName: "fn", typeName: null, fileName: "/app/a.js", line: 3,
    column: 9, native: false, runtime: false, evaluated: false, ...over });
  it("answers what V8 answers for strict code", () => {
    const c = new CallSite(frame({}));
    expect([c.getFunctionName(), c.getFileName(), c.getLineNumber(), c.getColumnNumber(), c.getThis(), c.getFunction(),
      c.isNative(), c.isConstructor(), c.isToplevel(), c.isEval(), c.getTypeName()]).toEqual(
      ["fn", "/app/a.js", 3, 9, undefined, undefined, false, false, true, false, null]);
  });
  it("prints frames as V8 does", () => {
    expect(String(new CallSite(frame({})))).toBe("fn (/app/a.js:3:9)");
    expect(String(new CallSite(frame({ functionName: null })))).toBe("/app/a.js:3:9");
    expect(String(new CallSite(frame({ fileName: null, native: true, line: null, column: null })))).toBe("fn (<anonymous>)");
  });
  it("builds the header from name and message", () => {
    expect(errorHeader(new TypeError("bad"))).toBe("TypeError: bad");
    expect(errorHeader({})).toBe("Error");
    expect(errorHeader({ message: "m" })).toBe("Error: m");
    expect(errorHeader({ name: "", message: "m" })).toBe("m");
    expect(errorHeader({ name: "N", message: "" })).toBe("N");
    expect(formatStack(new RangeError("r"), [new CallSite(frame({}))])).toBe("RangeError: r\n    at fn (/app/a.js:3:9)");
  });
});
