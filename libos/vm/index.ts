// libos/vm/index.ts — `node:vm` on separate engine realms (boot/native/vm_glue.c: a fresh QuickJS context per vm
// context, with its own global object and intrinsics, in the image's one heap): Script, createContext,
// runInContext/runInNewContext/runInThisContext, isContext, compileFunction (params, parsingContext,
// contextExtensions), measureMemory, constants, createScript, with Node 20's argument errors and
// ERR_SCRIPT_EXECUTION_TIMEOUT for `timeout`.
//
// Contextified sandboxes (./contextify.ts): the realm's global reflects the sandbox. Properties the sandbox has
// when code starts running are accessors on the global that read and write the sandbox live (also from functions
// that run later); globals the code creates (`x = 1`, `globalThis.y = 2`, `var z`, function declarations) are
// copied to the sandbox when the run ends, and from then on the configurable ones are live accessors too, while
// `var`/function declarations (non-configurable on a global) are copied both ways at the start and end of each run.
// Sandbox properties shadow the realm's built-ins (as in Node); top-level let/const/class stay in the realm (as in
// Node). Not reflected: properties inherited by the sandbox from its prototype chain, and sandbox keys added while
// code of that context runs until the next run starts.
// Engine differences (QuickJS, not V8): SyntaxError messages are worded differently; cached data is never
// produced (produceCachedData → cachedDataProduced false; given cachedData is rejected, as V8 may always do);
// `microtaskMode: "afterEvaluate"` runs the image's pending promise jobs after the script (one shared queue);
// `breakOnSigint` has no effect (there is no SIGINT); import() inside vm code is not supported.
// Layer: libos. Depends on the platform's vm primitives, libos/util/errors.ts.

import { platform } from "../../kernel/platform.ts";
import { invalidArgType, nodeError, validateBoolean, validateInt32, validateObject, validateString } from "../util/errors.ts";
import { afterRun, beforeRun, contextOf, createRealmContext, type ContextState, isContextObject, type VmNative } from "./contextify.ts";

const native = (): VmNative => {
  const hal = platform() as unknown as Partial<VmNative>;
  if (!hal.vmRealm) throw new Error("node:vm: this image has no vm primitives (libos/vm is linked with boot/native/vm_glue.c)");
  return hal as VmNative;
};

const DEFAULT_FILENAME = "evalmachine.<anonymous>";

/** vm.constants (Node 20.20). */
export const constants = Object.freeze(Object.assign(Object.create(null) as object, {
  USE_MAIN_CONTEXT_DEFAULT_LOADER: Symbol("vm_dynamic_import_main_context_default"),
  DONT_CONTEXTIFY: Symbol("vm_context_no_contextify"),
})) as { readonly USE_MAIN_CONTEXT_DEFAULT_LOADER: symbol; readonly DONT_CONTEXTIFY: symbol };

interface ScriptOptions {
  filename?: string;
  lineOffset?: number;
  columnOffset?: number;
  cachedData?: ArrayBufferView;
  produceCachedData?: boolean;
  importModuleDynamically?: unknown;
}

interface RunOptions {
  displayErrors?: boolean;
  timeout?: number;
  breakOnSigint?: boolean;
  microtaskMode?: string;
}

function validateTimeout(timeout: unknown): number {
  if (timeout === undefined) return 0;
  if (typeof timeout !== "number") throw invalidArgType("options.timeout", "number", timeout);
  if (!Number.isInteger(timeout)) throw nodeError(RangeError, "ERR_OUT_OF_RANGE", `The value of "options.timeout" is out of range. It must be an integer. Received ${timeout}`);
  if (timeout < 1 || timeout > 4294967295) {
    throw nodeError(RangeError, "ERR_OUT_OF_RANGE", `The value of "options.timeout" is out of range. It must be >= 1 && <= 4294967295. Received ${timeout}`);
  }
  return timeout;
}

function runOptions(options: unknown): { timeout: number; afterEvaluate: boolean } {
  if (options === undefined || typeof options === "string") return { timeout: 0, afterEvaluate: false };
  validateObject(options, "options");
  const o = options as RunOptions;
  if (o.displayErrors !== undefined) validateBoolean(o.displayErrors, "options.displayErrors");
  if (o.breakOnSigint !== undefined) validateBoolean(o.breakOnSigint, "options.breakOnSigint");
  return { timeout: validateTimeout(o.timeout), afterEvaluate: false };
}

function validateContextOptions(options: unknown): { afterEvaluate: boolean } {
  if (options === undefined) return { afterEvaluate: false };
  validateObject(options, "options");
  const o = options as { name?: unknown; origin?: unknown; codeGeneration?: unknown; microtaskMode?: unknown; importModuleDynamically?: unknown };
  if (o.name !== undefined) validateString(o.name, "options.name");
  if (o.origin !== undefined) validateString(o.origin, "options.origin");
  if (o.codeGeneration !== undefined) {
    validateObject(o.codeGeneration, "options.codeGeneration");
    const cg = o.codeGeneration as { strings?: unknown; wasm?: unknown };
    if (cg.strings !== undefined) validateBoolean(cg.strings, "options.codeGeneration.strings");
    if (cg.wasm !== undefined) validateBoolean(cg.wasm, "options.codeGeneration.wasm");
  }
  if (o.microtaskMode !== undefined && o.microtaskMode !== "afterEvaluate") {
    throw nodeError(TypeError, "ERR_INVALID_ARG_VALUE",
      `The property 'options.microtaskMode' must be one of: 'afterEvaluate', undefined. Received ${typeof o.microtaskMode === "string" ? `'${o.microtaskMode}'` : String(o.microtaskMode)}`);
  }
  return { afterEvaluate: o.microtaskMode === "afterEvaluate" };
}

function scriptOptions(options: unknown): { filename: string; prefix: string; options: ScriptOptions } {
  if (typeof options === "string") return { filename: options, prefix: "", options: {} };
  if (options === undefined) options = {};
  validateObject(options, "options");
  const o = options as ScriptOptions;
  const filename = o.filename ?? DEFAULT_FILENAME;
  validateString(filename, "options.filename");
  const lineOffset = o.lineOffset ?? 0, columnOffset = o.columnOffset ?? 0;
  validateInt32(lineOffset, "options.lineOffset");
  validateInt32(columnOffset, "options.columnOffset");
  if (o.cachedData !== undefined && !ArrayBuffer.isView(o.cachedData)) {
    throw invalidArgType("options.cachedData", ["Buffer", "TypedArray", "DataView"], o.cachedData);
  }
  if (o.produceCachedData !== undefined) validateBoolean(o.produceCachedData, "options.produceCachedData");
  if (o.importModuleDynamically !== undefined && typeof o.importModuleDynamically !== "function" &&
      o.importModuleDynamically !== constants.USE_MAIN_CONTEXT_DEFAULT_LOADER) {
    throw invalidArgType("options.importModuleDynamically", ["function", "vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER"] as never, o.importModuleDynamically);
  }
  // Line and column offsets: the engine takes neither, so the source is shifted by blank lines and spaces.
  const prefix = "\n".repeat(Math.max(0, lineOffset)) + " ".repeat(Math.max(0, columnOffset));
  return { filename, prefix, options: o };
}

const timedOut = Object.freeze({});

function timeoutError(ms: number): Error {
  return nodeError(Error, "ERR_SCRIPT_EXECUTION_TIMEOUT", `Script execution timed out after ${ms}ms`);
}

const kSource = Symbol("kSource");
const kFilename = Symbol("kFilename");
const kCompiled = Symbol("kCompiled");

/** Compiled code: runs in this realm or in any vm context (compiled once per realm it runs in). */
export class Script {
  cachedDataRejected?: boolean;
  cachedDataProduced?: boolean;
  declare [kSource]: string;
  declare [kFilename]: string;
  declare [kCompiled]: WeakMap<object, object>;

  constructor(code: unknown, options?: string | ScriptOptions) {
    const source = `${code}`;
    const { filename, prefix, options: o } = scriptOptions(options);
    Object.defineProperty(this, kSource, { value: prefix + source });
    Object.defineProperty(this, kFilename, { value: filename });
    Object.defineProperty(this, kCompiled, { value: new WeakMap() });
    // Compiling here reports syntax errors at construction, as Node does (the image's own realm compiles it).
    this[kCompiled].set(MAIN, native().vmCompile(null, this[kSource], filename));
    if (o.cachedData !== undefined) this.cachedDataRejected = true;
    if (o.produceCachedData) this.cachedDataProduced = false;
  }

  /** Runs in the image's own realm (globals are the app's globals). */
  runInThisContext(options?: RunOptions): unknown {
    const { timeout } = runOptions(options);
    return run(this[kCompiled].get(MAIN)!, timeout);
  }

  /** Runs in a context made by vm.createContext. */
  runInContext(contextifiedObject: object, options?: RunOptions): unknown {
    const state = requireContext(contextifiedObject);
    const { timeout } = runOptions(options);
    return runIn(this, state, timeout);
  }

  /** Contextifies `contextObject` (a new object when absent), then runs in it. */
  runInNewContext(contextObject?: object, options?: RunOptions & { contextName?: string; contextOrigin?: string }): unknown {
    const context = createContext(contextObject, contextOptionsOf(options));
    return this.runInContext(context, options);
  }
}

/** The key the image's own realm's compilation is stored under. */
const MAIN = Object.freeze({});

function run(compiled: object, timeout: number): unknown {
  const r = native().vmRun(compiled, timeout, timedOut);
  if (r === timedOut) throw timeoutError(timeout);
  return r;
}

function runIn(script: Script, state: ContextState, timeout: number): unknown {
  let compiled = script[kCompiled].get(state.realm);
  if (!compiled) {
    compiled = native().vmCompile(state.realm, script[kSource], script[kFilename]);
    script[kCompiled].set(state.realm, compiled);
  }
  beforeRun(state);
  try {
    return run(compiled, timeout);
  } finally {
    afterRun(state);
    if (state.afterEvaluate) platform().runJobs();
  }
}

function contextOptionsOf(options: unknown): object | undefined {
  if (options === undefined || typeof options === "string" || options === null || typeof options !== "object") return undefined;
  const o = options as { contextName?: unknown; contextOrigin?: unknown; contextCodeGeneration?: unknown; microtaskMode?: unknown };
  const out: Record<string, unknown> = {};
  if (o.contextName !== undefined) { validateString(o.contextName, "options.contextName"); out.name = o.contextName; }
  if (o.contextOrigin !== undefined) { validateString(o.contextOrigin, "options.contextOrigin"); out.origin = o.contextOrigin; }
  if (o.contextCodeGeneration !== undefined) out.codeGeneration = o.contextCodeGeneration;
  if (o.microtaskMode !== undefined) out.microtaskMode = o.microtaskMode;
  return out;
}

function requireContext(obj: unknown): ContextState {
  if (typeof obj !== "object" || obj === null) throw invalidArgType("object", "object", obj);
  const state = contextOf(obj);
  if (!state) {
    throw nodeError(TypeError, "ERR_INVALID_ARG_TYPE",
      `The "contextifiedObject" argument must be an vm.Context. Received ${describeForContext(obj)}`);
  }
  return state;
}

function describeForContext(v: unknown): string {
  if (v === null) return "null";
  if (v === undefined) return "undefined";
  if (typeof v === "object") {
    const name = (v as { constructor?: { name?: string } }).constructor?.name;
    return name !== undefined ? `an instance of ${name}` : "[Object: null prototype]";
  }
  return invalidArgType("x", "object", v).message.replace(/^.*Received /, "");
}

/**
 * Makes `contextObject` a vm context (its own realm whose global reflects the object's properties) and returns it;
 * an object that is one already is returned as it is. `vm.constants.DONT_CONTEXTIFY` returns a new realm's global
 * itself instead.
 */
export function createContext(contextObject: object | symbol = {}, options?: { name?: string; origin?: string; codeGeneration?: object; microtaskMode?: string }): object {
  if (contextObject === constants.DONT_CONTEXTIFY) {
    const { afterEvaluate } = validateContextOptions(options);
    return createRealmContext(native(), null, afterEvaluate).global;
  }
  if (typeof contextObject !== "object" || contextObject === null) throw invalidArgType("object", "object", contextObject);
  if (isContextObject(contextObject)) return contextObject;
  const { afterEvaluate } = validateContextOptions(options);
  createRealmContext(native(), contextObject, afterEvaluate);
  return contextObject;
}

/** True for objects vm.createContext made into contexts. */
export function isContext(object: unknown): boolean {
  if (typeof object !== "object" || object === null) throw invalidArgType("object", "object", object);
  return isContextObject(object);
}

export function createScript(code: unknown, options?: string | ScriptOptions): Script {
  return new Script(code, options);
}

export function runInContext(code: unknown, contextifiedObject: object, options?: string | (ScriptOptions & RunOptions)): unknown {
  requireContext(contextifiedObject);
  return createScript(code, options).runInContext(contextifiedObject, typeof options === "string" ? undefined : options);
}

export function runInNewContext(code: unknown, contextObject?: object, options?: string | (ScriptOptions & RunOptions & { contextName?: string })): unknown {
  const script = createScript(code, options);
  const context = createContext(contextObject, contextOptionsOf(options) as never);
  return script.runInContext(context, typeof options === "string" ? undefined : options);
}

export function runInThisContext(code: unknown, options?: string | (ScriptOptions & RunOptions)): unknown {
  return createScript(code, options).runInThisContext(typeof options === "string" ? undefined : options);
}

let wrapperCount = 0;

/** A function whose body is `code` and whose parameters are `params`, compiled in `parsingContext` (this realm when
 *  absent), with the properties of each `contextExtensions` object in scope. */
export function compileFunction(code: unknown, params: unknown = [], options: {
  filename?: string; lineOffset?: number; columnOffset?: number; parsingContext?: object; contextExtensions?: object[];
  cachedData?: ArrayBufferView; produceCachedData?: boolean; importModuleDynamically?: unknown;
} = {}): (...args: unknown[]) => unknown {
  validateString(code, "code");
  if (!Array.isArray(params)) throw nodeError(TypeError, "ERR_INVALID_ARG_TYPE", `The "params" argument must be an instance of Array. Received ${describeForParams(params)}`);
  params.forEach((p, i) => validateString(p, `params[${i}]`));
  validateObject(options, "options");
  const { filename, prefix } = scriptOptions({ ...options, filename: options.filename ?? "" });
  const ctx = options.parsingContext;
  let state: ContextState | undefined;
  if (ctx !== undefined) {
    if (typeof ctx !== "object" || ctx === null || !contextOf(ctx)) {
      throw invalidArgType("options.parsingContext", "Context", ctx);
    }
    state = contextOf(ctx);
  }
  const extensions = options.contextExtensions ?? [];
  if (!Array.isArray(extensions)) throw invalidArgType("options.contextExtensions", "Array", extensions);
  extensions.forEach((e, i) => validateObject(e, `options.contextExtensions[${i}]`));
  // The body keeps its own line numbers: the wrapper opens on the code's first line. Each extension object is a
  // `with` scope around the function (what V8's context extensions are).
  const ext = extensions.map((_, i) => `__unijs_ext${i}`);
  const open = ext.map((e) => `with (${e}) `).join("");
  const id = `__unijs_compile${++wrapperCount}`;
  const source = `${prefix}(function ${id}(${ext.join(", ")}) { ${open}return function (${(params as string[]).join(", ")}) {${code}\n}; })`;
  const n = native();
  const compiled = n.vmCompile(state ? state.realm : null, source, filename);
  if (state) beforeRun(state);
  let make: (...e: object[]) => (...args: unknown[]) => unknown;
  try {
    make = n.vmRun(compiled, 0, timedOut) as typeof make;
  } finally {
    if (state) afterRun(state);
  }
  return make(...extensions);
}

function describeForParams(v: unknown): string {
  return invalidArgType("x", "object", v).message.replace(/^.*Received /, "");
}

let measureWarned = false;

/** vm.measureMemory(): the heap as the engine counts it (one heap for every realm of the image). */
export function measureMemory(options: { mode?: string; execution?: string } = {}): Promise<unknown> {
  validateObject(options, "options");
  const mode = options.mode ?? "summary", execution = options.execution ?? "default";
  if (mode !== "summary" && mode !== "detailed") {
    throw nodeError(TypeError, "ERR_INVALID_ARG_VALUE", `The property 'options.mode' must be one of: 'summary', 'detailed'. Received '${String(mode)}'`);
  }
  if (execution !== "default" && execution !== "eager") {
    throw nodeError(TypeError, "ERR_INVALID_ARG_VALUE", `The property 'options.execution' must be one of: 'default', 'eager'. Received '${String(execution)}'`);
  }
  if (!measureWarned) {
    measureWarned = true;
    process.emitWarning("vm.measureMemory is an experimental feature and might change at any time", "ExperimentalWarning");
  }
  const used = platform().memoryUsage().heapUsed;
  const total = { jsMemoryEstimate: used, jsMemoryRange: [used, used] };
  return Promise.resolve(mode === "summary" ? { total } : { total, current: total, other: [] });
}

export default {
  Script, createContext, createScript, runInContext, runInNewContext, runInThisContext, isContext, compileFunction,
  measureMemory, constants,
};
