// libos/web/structured_clone.ts — Node 20's structuredClone(value, { transfer }): the HTML structured clone
// algorithm as V8's serializer applies it — primitives (−0, NaN, BigInt), boxed primitives, Date, RegExp (lastIndex
// reset), Map, Set (subclasses become the base class), ArrayBuffer and every view (views over one buffer stay over
// one clone, with their offsets), Error objects (the standard type by `name`, else Error; message, stack, cause),
// arrays with holes and extra keys, plain objects (own enumerable string keys, getters read, prototype dropped),
// shared references and cycles; DataCloneError (a DOMException, code 25) with V8's messages for functions, symbols,
// WeakMap/WeakSet/Promise and the like; transfer of ArrayBuffers (the originals are detached) with Node's checks.
// Objects of the runtime that Node clones as host objects (Blob) say how through Symbol.for("unijs.structuredClone").
// Layer: libos (web). Depends on libos/util/types.ts, libos/util/errors.ts, libos/web/dom_exception.ts, kernel/platform.ts
// (to detach).
import { platformOrNull } from "../../kernel/platform.ts";
import { nodeError } from "../util/errors.ts";
import * as types from "../util/types.ts";
import { missingArgs } from "./_util.ts";
import { DOMException } from "./dom_exception.ts";

/** A host object's own clone (Blob and File define it). */
export const kClone = Symbol.for("unijs.structuredClone");

const ERRORS: Record<string, ErrorConstructor> = {
  Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError,
};

const cloneError = (what: string) => new DOMException(`${what} could not be cloned.`, "DataCloneError");

function describe(v: object): string {
  if (typeof v === "function") return Function.prototype.toString.call(v);
  if (types.isGeneratorObject(v)) return "[object Generator]";
  const tag = Object.prototype.toString.call(v).slice(8, -1);
  return `#<${tag === "WeakMap" || tag === "WeakSet" || tag === "Promise" || tag === "WeakRef" ? tag : "Object"}>`;
}

type ViewCtor = new (buffer: ArrayBufferLike, byteOffset: number, length: number) => ArrayBufferView;

/** A copy of the buffer's bytes, or null when it is detached (the engine then refuses to slice it). */
function copyOf(ab: ArrayBuffer): ArrayBuffer | null {
  if ((ab as { detached?: boolean }).detached === true) return null;
  try {
    return ab.slice(0);
  } catch {
    return null;
  }
}

/** Detaches a transferred buffer: ArrayBuffer#transfer where the engine has it; in an image, the platform's
 *  detach (hal.dmaFree detaches any ArrayBuffer, returning its memory through the buffer's own free function). */
function detach(ab: ArrayBuffer): void {
  const transfer = (ab as { transfer?: () => ArrayBuffer }).transfer;
  if (typeof transfer === "function") transfer.call(ab);
  else platformOrNull()?.dmaFree(ab);
}

class Cloner {
  readonly memo = new Map<object, unknown>();

  clone(v: unknown): unknown {
    if (typeof v === "symbol") throw cloneError(String(v));
    if (typeof v === "function") throw cloneError(describe(v));
    if (v === null || typeof v !== "object") return v;
    const seen = this.memo.get(v);
    if (seen !== undefined) return seen;
    return this.object(v);
  }

  private object(v: object): unknown {
    const host = (v as Record<symbol, unknown>)[kClone];
    if (typeof host === "function") return this.keep(v, (host as () => unknown).call(v));
    if (Array.isArray(v)) {
      const out: unknown[] = new Array(v.length);
      this.memo.set(v, out);
      for (const k of Object.keys(v)) out[k as unknown as number] = this.clone((v as unknown as Record<string, unknown>)[k]);
      return out;
    }
    if (types.isDate(v)) return this.keep(v, new Date((v as Date).getTime()));
    if (types.isRegExp(v)) return this.keep(v, new RegExp((v as RegExp).source, (v as RegExp).flags));
    if (types.isArrayBuffer(v)) {
      const copy = copyOf(v as ArrayBuffer);
      if (!copy) throw new DOMException("An ArrayBuffer is detached and could not be cloned.", "DataCloneError");
      return this.keep(v, copy);
    }
    if (types.isSharedArrayBuffer(v)) return this.keep(v, v);
    if (ArrayBuffer.isView(v)) {
      const buffer = this.clone(v.buffer) as ArrayBufferLike;
      const Ctor = (types.isDataView(v) ? DataView : viewCtor(v)) as unknown as ViewCtor;
      const len = types.isDataView(v) ? v.byteLength : (v as unknown as { length: number }).length;
      return this.keep(v, new Ctor(buffer, v.byteOffset, len));
    }
    if (types.isMap(v)) {
      const out = new Map();
      this.memo.set(v, out);
      for (const [k, x] of Map.prototype.entries.call(v)) out.set(this.clone(k), this.clone(x));
      return out;
    }
    if (types.isSet(v)) {
      const out = new Set();
      this.memo.set(v, out);
      for (const x of Set.prototype.values.call(v)) out.add(this.clone(x));
      return out;
    }
    if (types.isNumberObject(v)) return this.keep(v, Object(Number.prototype.valueOf.call(v)));
    if (types.isStringObject(v)) return this.keep(v, Object(String.prototype.valueOf.call(v)));
    if (types.isBooleanObject(v)) return this.keep(v, Object(Boolean.prototype.valueOf.call(v)));
    if (types.isBigIntObject(v)) return this.keep(v, Object(BigInt.prototype.valueOf.call(v)));
    if (types.isSymbolObject(v)) throw cloneError(String(Symbol.prototype.valueOf.call(v)));
    if (types.isNativeError(v)) return this.error(v as Error);
    if (types.isWeakMap(v) || types.isWeakSet(v) || types.isPromise(v) || types.isWeakRef(v) || types.isGeneratorObject(v) ||
        types.isMapIterator(v) || types.isSetIterator(v) || types.isModuleNamespaceObject(v)) {
      throw cloneError(describe(v));
    }
    const out: Record<string, unknown> = {};
    this.memo.set(v, out);
    for (const k of Object.keys(v)) {
      const x = (v as Record<string, unknown>)[k];
      if (typeof x === "function") throw cloneError(describe(x));
      out[k] = this.clone(x);
    }
    return out;
  }

  private error(e: Error): Error {
    const name = e.name;
    const Ctor = Object.prototype.hasOwnProperty.call(ERRORS, name) ? ERRORS[name] : Error;
    const msg = Object.getOwnPropertyDescriptor(e, "message");
    const out = msg && "value" in msg ? new Ctor(String(msg.value)) : new Ctor();
    this.memo.set(e, out);
    const stack = Object.getOwnPropertyDescriptor(e, "stack");
    if (stack && "value" in stack && typeof stack.value === "string") {
      Object.defineProperty(out, "stack", { value: stack.value, writable: true, enumerable: false, configurable: true });
    }
    if (Object.prototype.hasOwnProperty.call(e, "cause")) {
      Object.defineProperty(out, "cause", { value: this.clone((e as { cause?: unknown }).cause), writable: true, enumerable: false, configurable: true });
    }
    return out;
  }

  private keep<T>(from: object, to: T): T {
    this.memo.set(from, to);
    return to;
  }
}

function viewCtor(v: ArrayBufferView): unknown {
  // The engine's own constructor for the view's kind (a Buffer comes back a plain Uint8Array, as in Node).
  const tag = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype), Symbol.toStringTag)!.get!.call(v) as string;
  return (globalThis as unknown as Record<string, unknown>)[tag];
}

/** Node's structuredClone. */
export function structuredClone<T>(value: T, options?: { transfer?: Iterable<unknown> }): T {
  if (arguments.length === 0) throw nodeError(TypeError, "ERR_MISSING_ARGS", "The value argument must be specified");
  if (options !== undefined && options !== null && typeof options !== "object" && typeof options !== "function") {
    throw nodeError(TypeError, "ERR_INVALID_ARG_TYPE", "The options argument must be either an object or undefined");
  }
  const transfer = options?.transfer;
  const list: ArrayBuffer[] = [];
  if (transfer !== undefined && transfer !== null) {
    if (typeof (transfer as { [Symbol.iterator]?: unknown })[Symbol.iterator] !== "function") {
      throw nodeError(TypeError, "ERR_INVALID_ARG_TYPE", "Optional transferList argument must be an iterable");
    }
    for (const t of transfer) {
      if (!types.isArrayBuffer(t)) throw nodeError(TypeError, "ERR_INVALID_TRANSFER_OBJECT", "Found invalid object in transferList");
      if (list.includes(t as ArrayBuffer)) throw new DOMException("Transfer list contains duplicate ArrayBuffer", "DataCloneError");
      list.push(t as ArrayBuffer);
    }
  }
  const cloner = new Cloner();
  // A transferred buffer moves: the clone gets its bytes and the original is detached (where the engine can).
  const moved: ArrayBuffer[] = [];
  for (const ab of list) {
    const copy = copyOf(ab);
    if (copy) {
      cloner.memo.set(ab, copy);
      moved.push(ab);
    }
  }
  const out = cloner.clone(value) as T;
  for (const ab of moved) detach(ab);
  return out;
}

/** Kept for callers that want the missing-argument error alone (MessagePort.postMessage). */
export const missingValue = () => missingArgs("value");
