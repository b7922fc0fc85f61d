// libos/globals/error_stack.ts — V8's stack-trace API for images whose code mentions it (boot/image/globals.ts:
// captureStackTrace, prepareStackTrace, stackTraceLimit): Error.captureStackTrace(obj, fn), Error.prepareStackTrace
// (err, callSites) with CallSite objects, Error.stackTraceLimit, and `err.stack` in V8's shape
// ("Error: msg\n    at fn (file:line:col)"), file/line/column mapped to the app's sources through the image's line
// map (kernel/stack_trace.ts). depd (express, koa) calls these when it loads and reads call sites' file names.
//
// How: the engine (QuickJS) writes a frames-only stack string into every error it makes. The frames are parsed
// from that string; the Error constructors are replaced by wrappers (same prototypes, so instanceof and subclassing
// keep working) that turn an error's `stack` into a lazy accessor, formatted on first read as V8 does, with the
// Error.prepareStackTrace that is set at that time. Errors the engine itself throws (a TypeError for calling
// undefined) keep the engine's stack string; console and "Uncaught" printing give them V8's header.
// GAPS (the engine's frames carry less than V8's): frames are matched to captureStackTrace's `fn` by name;
// getThis()/getFunction() answer undefined (V8's answer in strict code), getTypeName()/getMethodName() null,
// isConstructor() false ("at new Foo" prints as "at Foo"); eval code has no origin (getEvalOrigin() undefined);
// a call's column is where the engine puts it (the "(" of a call, the `return` of a tail call, "Error" in
// `new Error`; V8: the callee's name, `new`), and esbuild's minifying may turn a call into a tail call; an async function's caller frames end
// at its first await, as the engine records them.
// Layer: libos (globals). Depends on kernel/stack_trace.ts for the line map.

import { loadLineMap, mapLine, mapLineColumn, type LineMap } from "../../kernel/stack_trace.ts";

/** One frame as the engine printed it (before mapping). */
export interface RawFrame {
  functionName: string | null;
  fileName: string | null;
  line: number | null;
  column: number | null;
  /** A builtin function (the engine prints "(native)"). */
  native: boolean;
}

/** Parses the engine's stack string ("    at fn (file:line:col)" per line, "(native)" for builtins). */
export function parseEngineStack(stack: string): RawFrame[] {
  const frames: RawFrame[] = [];
  for (const text of stack.split("\n")) {
    const m = /^\s*at (.*?)(?: \((.*)\))?$/.exec(text);
    if (!m) continue;
    const name = m[1] === "<anonymous>" || m[1] === "" ? null : m[1];
    const where = m[2];
    if (where === undefined || where === "native") {
      frames.push({ functionName: name, fileName: null, line: null, column: null, native: where === "native" });
      continue;
    }
    const loc = /^(.*?)(?::(\d+)(?::(\d+))?)?$/.exec(where) as RegExpExecArray;
    frames.push({ functionName: name, fileName: loc[1], line: loc[2] ? Number(loc[2]) : null,
      column: loc[3] ? Number(loc[3]) : null, native: false });
  }
  return frames;
}

/** Where the sources in the line map live inside the image (/app/... as __filename says, /unijs/... for the runtime). */
export interface SourcePaths {
  /** The line map's path prefix of the app's root ("" or e.g. "examples/hello/"), null if unknown. */
  appPrefix: string | null;
  /** The app's root in the image ("/app"). */
  appDir: string;
}

/** Finds the app's root among the line map's sources from the entry's path in the image (process.argv[1]). */
export function sourcePaths(map: LineMap | null, entry: string | undefined, appDir = "/app"): SourcePaths {
  if (!map || !entry || !entry.startsWith(appDir + "/")) return { appPrefix: null, appDir };
  const rel = entry.slice(appDir.length + 1);
  const src = map.sources.find((s) => (s === rel || s.endsWith("/" + rel)) && !s.includes("node_modules/"));
  return { appPrefix: src === undefined ? null : src.slice(0, src.length - rel.length), appDir };
}

/** A line map source as a path in the image. */
export function imageFileName(source: string, paths: SourcePaths): string {
  if (paths.appPrefix !== null && source.startsWith(paths.appPrefix) && !source.slice(paths.appPrefix.length).startsWith("../")) {
    return `${paths.appDir}/${source.slice(paths.appPrefix.length)}`;
  }
  if (/^(libos|kernel|drivers)\//.test(source)) return `/unijs/${source}`;
  return source;
}

/** A frame as CallSite reports it: mapped to the app's sources. */
export interface Frame {
  functionName: string | null;
  /** "Object" for a CommonJS module's top level (V8's "Object.<anonymous>"), else null. */
  typeName: string | null;
  fileName: string | null;
  line: number | null;
  column: number | null;
  native: boolean;
  /** Code made by eval() or new Function(). */
  evaluated: boolean;
  /** A frame of the unijs runtime that starts the app (not shown, as Node shows none of its own loader here). */
  runtime: boolean;
}

/** Maps a parsed frame through the line map. */
export function mapFrame(raw: RawFrame, map: LineMap | null, paths: SourcePaths): Frame {
  const frame: Frame = { ...raw, typeName: null, runtime: false, evaluated: false };
  if (raw.fileName === "unijs-entry.js" || (raw.functionName === "runMain" && raw.fileName?.includes("start"))) frame.runtime = true;
  // V8 shows no frame for Function.prototype.call/apply (depd counts frames: log.call(...) must not add one).
  if (raw.native && (raw.functionName === "call" || raw.functionName === "apply")) frame.runtime = true;
  // Code made by eval or new Function: the engine names its file "<input>".
  if (raw.fileName === "<input>") {
    frame.fileName = null;
    frame.evaluated = true;
  }
  if (!map || raw.fileName !== map.bundle || raw.line === null) return frame;
  const at = (raw.column !== null ? mapLineColumn(map, raw.line, raw.column) : null) ?? mapLine(map, raw.line);
  if (!at) {
    frame.runtime = true;                       // bundle glue (module wrappers, the entry stub): no source line
    return frame;
  }
  const m = /^(.*?):(\d+)(?::(\d+))?$/.exec(at) as RegExpExecArray;
  frame.fileName = imageFileName(m[1], paths);
  frame.line = Number(m[2]);
  frame.column = m[3] ? Number(m[3]) : null;
  if (/^\/unijs\/libos\/runtime\/start\.ts$/.test(frame.fileName) || m[1] === "unijs-entry.js") frame.runtime = true;
  return frame;
}

/** V8's CallSite: what Error.prepareStackTrace receives, one per frame. */
export class CallSite {
  readonly #f: Frame;
  constructor(frame: Frame) {
    this.#f = frame;
  }
  getThis(): undefined { return undefined; }
  getTypeName(): string | null { return this.#f.typeName; }
  getFunction(): undefined { return undefined; }
  getFunctionName(): string | null { return this.#f.functionName; }
  getMethodName(): string | null { return null; }
  getFileName(): string | undefined { return this.#f.fileName ?? undefined; }
  getLineNumber(): number | null { return this.#f.line; }
  getColumnNumber(): number | null { return this.#f.column; }
  getEvalOrigin(): string | undefined { return undefined; }
  getScriptNameOrSourceURL(): string | undefined { return this.#f.fileName ?? undefined; }
  getScriptHash(): string { return ""; }
  getEnclosingLineNumber(): number | null { return null; }
  getEnclosingColumnNumber(): number | null { return null; }
  getPosition(): number { return 0; }
  getPromiseIndex(): number | null { return null; }
  isToplevel(): boolean { return this.#f.typeName === null; }
  isEval(): boolean { return this.#f.evaluated; }
  isNative(): boolean { return false; }
  isConstructor(): boolean { return false; }
  isAsync(): boolean { return false; }
  isPromiseAll(): boolean { return false; }
  toString(): string {
    const f = this.#f;
    const position = f.line !== null ? `:${f.line}${f.column !== null ? `:${f.column}` : ""}` : "";
    const location = f.fileName === null ? `<anonymous>${f.evaluated ? position : ""}` : `${f.fileName}${position}`;
    const name = f.typeName ? `${f.typeName}.${f.functionName ?? "<anonymous>"}` : f.functionName;
    return name ? `${name} (${location})` : location;
  }
}

/** V8's header line: ErrorUtils::ToString (name defaults to "Error", message to ""). */
export function errorHeader(err: unknown): string {
  if (err === null || (typeof err !== "object" && typeof err !== "function")) return String(err);
  const e = err as { name?: unknown; message?: unknown };
  let name: string, message: string;
  try {
    name = e.name === undefined ? "Error" : String(e.name);
    message = e.message === undefined ? "" : String(e.message);
  } catch {
    return "<error>";
  }
  if (!name) return message;
  if (!message) return name;
  return `${name}: ${message}`;
}

/** V8's default formatting: the header, then "    at <site>" per frame. */
export function formatStack(err: unknown, sites: CallSite[]): string {
  return errorHeader(err) + sites.map((s) => `\n    at ${s}`).join("");
}

type Prepare = (err: unknown, sites: CallSite[]) => unknown;

/** Node 20's default Error.prepareStackTrace: V8's formatting. */
function ErrorPrepareStackTrace(error: unknown, trace: CallSite[]): string {
  return formatStack(error, Array.isArray(trace) ? trace : []);
}

/** The frames of an engine stack string, mapped, runtime frames dropped; `skip` drops the innermost ones. */
function framesOf(engineStack: string, skip: number | "through-wrapper"): Frame[] {
  const raw = parseEngineStack(engineStack);
  // An error made through a wrapper: Reflect.construct (a builtin frame), then the wrapper, then its caller.
  if (skip === "through-wrapper") skip = raw.findIndex((f) => !f.native) + 1;
  const map = loadLineMap();
  paths ??= sourcePaths(map, typeof process === "object" ? process.argv?.[1] : undefined);
  return appFrames(raw.slice(skip).map((f) => mapFrame(f, map, paths as SourcePaths)));
}

/** Drops the runtime's frames. A frame of the app called straight from bundle glue (esbuild's CommonJS module
 *  loader) is a module's top level: V8 calls it "Object.<anonymous>". */
export function appFrames(frames: Frame[]): Frame[] {
  const out: Frame[] = [];
  for (let i = 0; i < frames.length; i++) {
    const f = frames[i];
    if (f.runtime) continue;
    const caller = frames[i + 1];
    if (caller?.runtime && f.functionName === null && f.fileName !== null && !f.native) out.push({ ...f, typeName: "Object" });
    else out.push(f);
  }
  return out;
}

let paths: SourcePaths | undefined;
const NativeError = Error;
const ERRORS = ["Error", "TypeError", "RangeError", "SyntaxError", "ReferenceError", "EvalError", "URIError", "AggregateError"] as const;

/** The number of frames Error.stackTraceLimit asks for, or null when it is not a number (V8 then records no stack). */
function frameLimit(): number | null {
  const limit = (globalThis.Error as unknown as { stackTraceLimit?: unknown }).stackTraceLimit;
  if (typeof limit !== "number" || Number.isNaN(limit)) return null;
  return Math.max(0, Math.min(limit, 2 ** 31));
}

/** What a stack is made from: the engine's frames at capture time, read and mapped only when `stack` is read
 *  (an app may make many errors and never look at their stacks). */
interface Capture {
  engineStack: string;
  /** Innermost frames to drop (the capturing functions themselves). */
  skip: number | "through-wrapper";
  /** captureStackTrace's `fn`: frames up to its topmost call are dropped (all of them if it is not there). */
  cutAt?: unknown;
  limit: number;
}

function capturedFrames(c: Capture): Frame[] {
  let frames = framesOf(c.engineStack, c.skip);
  if (typeof c.cutAt === "function") {
    const name = (c.cutAt as { name?: unknown }).name;
    const at = typeof name === "string" && name ? frames.findIndex((f) => f.functionName === name) : -1;
    frames = at < 0 ? [] : frames.slice(at + 1);
  }
  return frames.slice(0, c.limit);
}

/** Gives `target` a lazily formatted `stack` (V8 formats on first read, with the prepareStackTrace set then). */
function defineLazyStack(target: object, capture: Capture): void {
  let value: unknown;
  let formatted = false;
  Object.defineProperty(target, "stack", {
    get() {
      if (!formatted) {
        formatted = true;
        const sites = capturedFrames(capture).map((f) => new CallSite(f));
        const prepare = (globalThis.Error as unknown as { prepareStackTrace?: unknown }).prepareStackTrace;
        value = typeof prepare === "function" && prepare !== ErrorPrepareStackTrace
          ? (prepare as Prepare).call(globalThis.Error, target, sites) : formatStack(target, sites);
      }
      return value;
    },
    set(v: unknown) {
      formatted = true;
      value = v;
    },
    enumerable: false,
    configurable: true,
  });
}

/** Error.captureStackTrace(targetObject[, constructorOpt]). */
function captureStackTrace(targetObject: object, constructorOpt?: unknown): void {
  if (targetObject === null || (typeof targetObject !== "object" && typeof targetObject !== "function")) {
    throw new TypeError("invalid_argument");                 // sic: V8's message
  }
  const limit = frameLimit();
  if (limit === null) return;
  // The engine's frames: this function, then its caller.
  defineLazyStack(targetObject, { engineStack: String(new NativeError().stack ?? ""), skip: 1, cutAt: constructorOpt, limit });
}

/** Installs Error.captureStackTrace, Error.stackTraceLimit (10) and V8-shaped stacks for errors made by the Error
 *  constructors, and Node 20's default Error.prepareStackTrace (V8's format) for the app to replace. */
export function install(): void {
  const g = globalThis as unknown as Record<string, unknown>;
  for (const name of ERRORS) {
    const Native = g[name] as ErrorConstructor | undefined;
    if (typeof Native !== "function") continue;
    // A wrapper with the native prototype: `new Error()`, `Error()`, `class X extends Error` all come through it.
    const wrapper = {
      [name]: function (this: unknown, ...args: unknown[]) {
        const err = Reflect.construct(Native, args, new.target ?? wrapper) as Error;
        const limit = frameLimit();
        if (limit === null) Object.defineProperty(err, "stack", { value: undefined, writable: true, configurable: true, enumerable: false });
        // The engine's frames in the error it made: Reflect.construct, this wrapper, then the code that called it.
        else defineLazyStack(err, { engineStack: String(err.stack ?? ""), skip: "through-wrapper", limit });
        return err;
      },
    }[name];
    Object.defineProperty(wrapper, "length", { value: Native.length, configurable: true });
    Object.defineProperty(wrapper, "prototype", { value: Native.prototype, writable: false, enumerable: false, configurable: false });
    Object.defineProperty(Native.prototype, "constructor", { value: wrapper, writable: true, enumerable: false, configurable: true });
    if (name !== "Error") Object.setPrototypeOf(wrapper, g.Error as object);
    g[name] = wrapper;
  }
  const E = g.Error as object;
  Object.defineProperty(E, "captureStackTrace", { value: captureStackTrace, writable: true, enumerable: false, configurable: true });
  Object.defineProperty(E, "prepareStackTrace", { value: ErrorPrepareStackTrace, writable: true, enumerable: false, configurable: true });
  Object.defineProperty(E, "stackTraceLimit", { value: 10, writable: true, enumerable: true, configurable: true });
}
