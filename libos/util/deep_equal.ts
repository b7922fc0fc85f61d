// libos/util/deep_equal.ts — util.isDeepStrictEqual, Node's "deep strict" comparison: same prototype and
// [[Class]], Object.is for primitives, own enumerable keys (and enumerable symbols), Map/Set by content (object
// keys matched deeply), Dates by time, RegExps by source/flags/lastIndex, boxed primitives, Errors by name and
// message too, typed arrays and ArrayBuffers by bytes; cycles are handled. Layer: libos. Depends on types.ts.

import * as t from "./types.ts";

type Memo = { a: WeakMap<object, object> };

function ownKeys(o: object): (string | symbol)[] {
  const keys: (string | symbol)[] = Object.keys(o);
  for (const s of Object.getOwnPropertySymbols(o)) if (Object.prototype.propertyIsEnumerable.call(o, s)) keys.push(s);
  return keys;
}

function bytesEqual(a: ArrayBufferView | ArrayBuffer, b: ArrayBufferView | ArrayBuffer): boolean {
  const x = a instanceof ArrayBuffer || t.isAnyArrayBuffer(a) ? new Uint8Array(a as ArrayBuffer) : new Uint8Array((a as ArrayBufferView).buffer, (a as ArrayBufferView).byteOffset, (a as ArrayBufferView).byteLength);
  const y = b instanceof ArrayBuffer || t.isAnyArrayBuffer(b) ? new Uint8Array(b as ArrayBuffer) : new Uint8Array((b as ArrayBufferView).buffer, (b as ArrayBufferView).byteOffset, (b as ArrayBufferView).byteLength);
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

function setHasDeep(set: Set<unknown>, v: unknown, memo: Memo): boolean {
  for (const x of set) if (equal(x, v, memo)) return true;
  return false;
}

function equal(a: unknown, b: unknown, memo: Memo): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) {
    return false;                                       // functions compare by identity only
  }
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (Object.prototype.toString.call(a) !== Object.prototype.toString.call(b)) return false;
  const seen = memo.a.get(a);
  if (seen === b) return true;
  memo.a.set(a, b);
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && a.length !== (b as unknown[]).length) return false;
  if (t.isDate(a)) { if (!t.isDate(b) || (a as Date).getTime() !== (b as Date).getTime()) return false; }
  else if (t.isRegExp(a)) {
    const ra = a as RegExp, rb = b as RegExp;
    if (!t.isRegExp(b) || ra.source !== rb.source || ra.flags !== rb.flags || ra.lastIndex !== rb.lastIndex) return false;
  } else if (t.isNativeError(a) || a instanceof Error) {
    const ea = a as Error, eb = b as Error;
    if (ea.message !== eb.message || ea.name !== eb.name) return false;
  } else if (t.isArrayBufferView(a)) {
    if (!t.isArrayBufferView(b) || !bytesEqual(a as ArrayBufferView, b as ArrayBufferView)) return false;
    if (t.isTypedArray(a) && (a as Uint8Array).length !== (b as Uint8Array).length) return false;
  } else if (t.isAnyArrayBuffer(a)) {
    if (!t.isAnyArrayBuffer(b) || !bytesEqual(a as ArrayBuffer, b as ArrayBuffer)) return false;
  } else if (t.isBoxedPrimitive(a)) {
    if (!t.isBoxedPrimitive(b) || !Object.is((a as Number).valueOf(), (b as Number).valueOf())) return false;
  }
  const ka = ownKeys(a), kb = ownKeys(b);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!Object.prototype.propertyIsEnumerable.call(b, k)) return false;
    if (!equal((a as Record<string | symbol, unknown>)[k], (b as Record<string | symbol, unknown>)[k], memo)) return false;
  }
  if (t.isMap(a)) {
    const ma = a as Map<unknown, unknown>, mb = b as Map<unknown, unknown>;
    if (ma.size !== mb.size) return false;
    for (const [k, v] of ma) {
      if (mb.has(k)) { if (!equal(v, mb.get(k), memo)) return false; continue; }
      if (typeof k !== "object" || k === null) return false;
      let found = false;
      for (const [k2, v2] of mb) if (typeof k2 === "object" && k2 !== null && !ma.has(k2) && equal(k, k2, memo) && equal(v, v2, memo)) { found = true; break; }
      if (!found) return false;
    }
  } else if (t.isSet(a)) {
    const sa = a as Set<unknown>, sb = b as Set<unknown>;
    if (sa.size !== sb.size) return false;
    for (const v of sa) {
      if (sb.has(v)) continue;
      if (typeof v !== "object" || v === null || !setHasDeep(sb, v, memo)) return false;
    }
  }
  return true;
}

/** True if `a` and `b` are deeply and strictly equal (Node's assert.deepStrictEqual without the throw). */
export function isDeepStrictEqual(a: unknown, b: unknown): boolean {
  return equal(a, b, { a: new WeakMap() });
}
