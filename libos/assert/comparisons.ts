// libos/assert/comparisons.ts — Node 20's deep equality for assert: isDeepStrictEqual (Object.is for primitives,
// same prototype and type tag, own enumerable string and symbol keys) and isDeepEqual (loose: == for primitives,
// prototypes ignored, symbol keys ignored), with Node's rules for arrays (holes, extra keys), typed arrays (bytes;
// float arrays by value when loose), Sets and Maps (object members matched deeply, loose primitive matches such as
// 1 == '1'), Dates, RegExps (source, flags, lastIndex), boxed primitives, Errors (message, name, cause, errors even
// when not enumerable), KeyObjects (equals) and CryptoKeys (algorithm, usages, extractable, key), URLs (href) and
// cycles. Written from the behaviour of Node 20's lib/internal/util/comparisons.js.
// Layer: libos. Depends on libos/util/types.ts.

import * as t from "../util/types.ts";

type Obj = Record<PropertyKey, unknown>;
interface Memo { set: Set<unknown> | undefined; a: unknown; b: unknown; c: unknown; d: unknown; deep: boolean; deleteFailures: boolean }

const NO_ITERATOR = 0, IS_ARRAY = 1, IS_SET = 2, IS_MAP = 3;
const enumerable = (o: object, k: PropertyKey) => Object.prototype.propertyIsEnumerable.call(o, k);
const hasOwn = (o: object, k: PropertyKey) => Object.prototype.hasOwnProperty.call(o, k);
const typedTag = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype), Symbol.toStringTag)!.get!;

/** Own enumerable keys that are not array indexes (and enumerable symbols when `symbols`). Object.keys lists
 *  the indexes first, in order: a typed array has exactly `length` of them, an array at most `length`. */
function nonIndexKeys(o: object, symbols: boolean): PropertyKey[] {
  const all = Object.keys(o);
  const keys: PropertyKey[] = ArrayBuffer.isView(o) && !(o instanceof DataView)
    ? all.slice((o as Uint8Array).length)
    : all.filter((k) => !/^(0|[1-9]\d*)$/.test(k) || Number(k) >= 2 ** 32 - 1);
  if (symbols) for (const s of Object.getOwnPropertySymbols(o)) if (enumerable(o, s)) keys.push(s);
  return keys;
}

function bytesOf(v: ArrayBufferView | ArrayBuffer): Uint8Array {
  return ArrayBuffer.isView(v) ? new Uint8Array(v.buffer, v.byteOffset, v.byteLength) : new Uint8Array(v);
}

function sameBytes(a: ArrayBufferView | ArrayBuffer, b: ArrayBufferView | ArrayBuffer): boolean {
  const x = bytesOf(a), y = bytesOf(b);
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

function sameFloats(a: Float64Array, b: Float64Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;   // (sic: by byte count, as Node 20)
  return true;
}

function sameBoxed(a: object, b: object): boolean {
  if (t.isNumberObject(a)) return t.isNumberObject(b) && Object.is(Number.prototype.valueOf.call(a), Number.prototype.valueOf.call(b));
  if (t.isStringObject(a)) return t.isStringObject(b) && String.prototype.valueOf.call(a) === String.prototype.valueOf.call(b);
  if (t.isBooleanObject(a)) return t.isBooleanObject(b) && Boolean.prototype.valueOf.call(a) === Boolean.prototype.valueOf.call(b);
  if (t.isBigIntObject(a)) return t.isBigIntObject(b) && BigInt.prototype.valueOf.call(a) === BigInt.prototype.valueOf.call(b);
  return t.isSymbolObject(b) && Symbol.prototype.valueOf.call(a) === Symbol.prototype.valueOf.call(b);
}

/** The KeyObject a CryptoKey wraps (libos/crypto keeps it under its own symbol "kKeyObject"). */
function cryptoKeyObject(k: object): unknown {
  const sym = Object.getOwnPropertySymbols(k).find((s) => s.description === "kKeyObject");
  return sym === undefined ? undefined : (k as Record<symbol, unknown>)[sym];
}

const isError = (v: unknown) => t.isNativeError(v) || v instanceof Error;
function isURL(v: unknown): boolean {
  const U = (globalThis as { URL?: Function }).URL;
  return typeof U === "function" && v instanceof U;
}

function inner(a: unknown, b: unknown, strict: boolean, memos: Memo | undefined): boolean {
  if (a === b) return a !== 0 || Object.is(a, b) || !strict;
  if (strict) {
    if (typeof a === "number") return Number.isNaN(a) && Number.isNaN(b);
    if (typeof a !== "object" || typeof b !== "object" || a === null || b === null ||
        Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  } else {
    if (a === null || typeof a !== "object") {
      // eslint-disable-next-line eqeqeq
      if (b === null || typeof b !== "object") return a == b || (Number.isNaN(a) && Number.isNaN(b));
      return false;
    }
    if (b === null || typeof b !== "object") return false;
  }
  const x = a as Obj, y = b as Obj;
  const tag = Object.prototype.toString.call(x);
  if (tag !== Object.prototype.toString.call(y)) return false;

  if (Array.isArray(x)) {
    if (!Array.isArray(y) || x.length !== y.length) return false;
    const kx = nonIndexKeys(x, strict), ky = nonIndexKeys(y, strict);
    if (kx.length !== ky.length) return false;
    return keyCheck(x, y, strict, memos, IS_ARRAY, kx);
  } else if (tag === "[object Object]") {
    return keyCheck(x, y, strict, memos, NO_ITERATOR);
  } else if (t.isDate(x)) {
    if (!t.isDate(y) || Date.prototype.getTime.call(x) !== Date.prototype.getTime.call(y)) return false;
  } else if (t.isRegExp(x)) {
    const rx = x as unknown as RegExp, ry = y as unknown as RegExp;
    if (!t.isRegExp(y) || rx.source !== ry.source || rx.flags !== ry.flags || rx.lastIndex !== ry.lastIndex) return false;
  } else if (ArrayBuffer.isView(x)) {
    if (typedTag.call(x) !== typedTag.call(y)) return false;
    if (!strict && (t.isFloat32Array(x) || t.isFloat64Array(x))) {
      if (!sameFloats(x as unknown as Float64Array, y as unknown as Float64Array)) return false;
    } else if (!ArrayBuffer.isView(y) || !sameBytes(x, y)) return false;
    const kx = nonIndexKeys(x, strict), ky = nonIndexKeys(y, strict);
    if (kx.length !== ky.length) return false;
    return keyCheck(x, y, strict, memos, NO_ITERATOR, kx);
  } else if (t.isSet(x)) {
    if (!t.isSet(y) || (x as unknown as Set<unknown>).size !== (y as unknown as Set<unknown>).size) return false;
    return keyCheck(x, y, strict, memos, IS_SET);
  } else if (t.isMap(x)) {
    if (!t.isMap(y) || (x as unknown as Map<unknown, unknown>).size !== (y as unknown as Map<unknown, unknown>).size) return false;
    return keyCheck(x, y, strict, memos, IS_MAP);
  } else if (t.isAnyArrayBuffer(x)) {
    if (!t.isAnyArrayBuffer(y) || !sameBytes(x as unknown as ArrayBuffer, y as unknown as ArrayBuffer)) return false;
  } else if (isError(x)) {
    if (!isError(y)) return false;
    for (const k of ["message", "name"]) {
      const e = enumerable(x, k);
      if (e !== enumerable(y, k) || (!e && x[k] !== y[k])) return false;
    }
    for (const k of ["cause", "errors"]) {
      const e = enumerable(x, k);
      if (e !== enumerable(y, k) || (!e && !inner(x[k], y[k], strict, memos))) return false;
    }
  } else if (t.isBoxedPrimitive(x)) {
    if (!sameBoxed(x, y)) return false;
  } else if (Array.isArray(y) || ArrayBuffer.isView(y) || t.isSet(y) || t.isMap(y) || t.isDate(y) || t.isRegExp(y) ||
             t.isAnyArrayBuffer(y) || t.isBoxedPrimitive(y) || isError(y)) {
    return false;
  } else if (t.isKeyObject(x)) {
    if (!t.isKeyObject(y) || !(x as unknown as { equals(o: unknown): boolean }).equals(y)) return false;
  } else if (t.isCryptoKey(x)) {
    const kx = cryptoKeyObject(x), ky = cryptoKeyObject(y);
    if (!t.isCryptoKey(y) || x.extractable !== y.extractable || !inner(x.algorithm, y.algorithm, strict, memos) ||
        !inner(x.usages, y.usages, strict, memos) || !inner(kx, ky, strict, memos)) return false;
  } else if (isURL(x)) {
    if (!isURL(y) || x.href !== y.href) return false;
  }
  return keyCheck(x, y, strict, memos, NO_ITERATOR);
}

function keyCheck(a: Obj, b: Obj, strict: boolean, memos: Memo | undefined, kind: number, aKeys?: PropertyKey[]): boolean {
  const arrayLike = aKeys !== undefined;
  const keys: PropertyKey[] = aKeys ?? Object.keys(a);
  for (const k of keys) if (!enumerable(b, k)) return false;
  if (!arrayLike) {
    if (keys.length !== Object.keys(b).length) return false;
    if (strict) {
      const symsA = Object.getOwnPropertySymbols(a);
      const symsB = Object.getOwnPropertySymbols(b);
      if (symsA.length !== 0) {
        let count = 0;
        for (const s of symsA) {
          if (enumerable(a, s)) {
            if (!enumerable(b, s)) return false;
            keys.push(s);
            count++;
          } else if (enumerable(b, s)) return false;
        }
        if (symsA.length !== symsB.length && symsB.filter((s) => enumerable(b, s)).length !== count) return false;
      } else if (symsB.length !== 0 && symsB.some((s) => enumerable(b, s))) return false;
    }
  }
  if (keys.length === 0 && (kind === NO_ITERATOR || (kind === IS_ARRAY && (a as unknown as unknown[]).length === 0) ||
      (a as unknown as Set<unknown>).size === 0)) return true;

  if (memos === undefined) {
    return objEquiv(a, b, strict, keys, { set: undefined, a, b, c: undefined, d: undefined, deep: false, deleteFailures: false }, kind);
  }
  if (memos.set === undefined) {
    if (memos.deep === false) {
      if (memos.a === a && memos.b === b) return true;
      memos.c = a;
      memos.d = b;
      memos.deep = true;
      const result = objEquiv(a, b, strict, keys, memos, kind);
      memos.deep = false;
      return result;
    }
    memos.set = new Set([memos.a, memos.b, memos.c, memos.d]);
  }
  const set = memos.set;
  const size = set.size;
  set.add(a);
  set.add(b);
  if (size === set.size) return true;                      // both already on the path: a cycle
  const eq = objEquiv(a, b, strict, keys, memos, kind);
  if (eq || memos.deleteFailures) {
    set.delete(a);
    set.delete(b);
  }
  return eq;
}

function setHasEqual(set: Set<unknown>, v: unknown, strict: boolean, memo: Memo): boolean {
  const saved = memo.deleteFailures;
  memo.deleteFailures = true;
  for (const x of set) {
    if (inner(x, v, strict, memo)) {
      set.delete(x);
      memo.deleteFailures = saved;
      return true;
    }
  }
  memo.deleteFailures = saved;
  return false;
}

/** For a primitive missing from the other collection: null/undefined = look up that value; a boolean = the answer. */
function looseAlternative(prim: unknown): unknown {
  switch (typeof prim) {
    case "undefined": return null;
    case "object": return undefined;
    case "symbol": return false;
    case "string": return !Number.isNaN(+(prim as string));   // only a string that converts to a number can match
    case "number": return !Number.isNaN(prim);
  }
  return true;
}

function setMightHaveLoose(a: Set<unknown>, b: Set<unknown>, prim: unknown): boolean {
  const alt = looseAlternative(prim);
  if (alt != null) return alt as boolean;
  return b.has(alt) && !a.has(alt);
}

function mapMightHaveLoose(a: Map<unknown, unknown>, b: Map<unknown, unknown>, prim: unknown, item: unknown, memo: Memo): boolean {
  const alt = looseAlternative(prim);
  if (alt != null) return alt as boolean;
  const cur = b.get(alt);
  if ((cur === undefined && !b.has(alt)) || !inner(item, cur, false, memo)) return false;
  return !a.has(alt) && inner(item, cur, false, memo);
}

function setEquiv(a: Set<unknown>, b: Set<unknown>, strict: boolean, memo: Memo): boolean {
  let set: Set<unknown> | null = null;
  for (const v of a) {
    if (!b.has(v)) {
      if ((typeof v !== "object" || v === null) && (strict || !setMightHaveLoose(a, b, v))) return false;
      if (set === null) {
        if (b.size === 1) return inner(v, b.values().next().value, strict, memo);
        set = new Set();
      }
      set.add(v);
    }
  }
  if (set !== null) {
    for (const v of b) {
      if (typeof v === "object" && v !== null) {
        if (!a.has(v) && !setHasEqual(set, v, strict, memo)) return false;
      } else if (!strict && !a.has(v) && !setHasEqual(set, v, strict, memo)) return false;
    }
    return set.size === 0;
  }
  return true;
}

function mapHasEqualEntry(set: Set<unknown>, map: Map<unknown, unknown>, key2: unknown, item2: unknown, strict: boolean, memo: Memo): boolean {
  const saved = memo.deleteFailures;
  memo.deleteFailures = true;
  for (const key1 of set) {
    if (inner(key1, key2, strict, memo) && inner(map.get(key1), item2, strict, memo)) {
      set.delete(key1);
      memo.deleteFailures = saved;
      return true;
    }
  }
  memo.deleteFailures = saved;
  return false;
}

function mapEquiv(a: Map<unknown, unknown>, b: Map<unknown, unknown>, strict: boolean, memo: Memo): boolean {
  let set: Set<unknown> | null = null;
  for (const [key, item1] of a) {
    if (typeof key === "object" && key !== null) {
      if (set === null) {
        if (b.size === 1) {
          const [key2, item2] = b.entries().next().value as [unknown, unknown];
          return inner(key, key2, strict, memo) && inner(item1, item2, strict, memo);
        }
        set = new Set();
      }
      set.add(key);
    } else {
      const item2 = b.get(key);
      if ((item2 === undefined && !b.has(key)) || !inner(item1, item2, strict, memo)) {
        if (strict) return false;
        if (!mapMightHaveLoose(a, b, key, item1, memo)) return false;
        set ??= new Set();
        set.add(key);
      }
    }
  }
  if (set !== null) {
    for (const [key, item] of b) {
      if (typeof key === "object" && key !== null) {
        if (!mapHasEqualEntry(set, a, key, item, strict, memo)) return false;
      } else if (!strict && (!a.has(key) || !inner(a.get(key), item, strict, memo)) &&
                 !mapHasEqualEntry(set, a, key, item, strict, memo)) return false;
    }
    return set.size === 0;
  }
  return true;
}

function objEquiv(a: Obj, b: Obj, strict: boolean, keys: PropertyKey[], memos: Memo, kind: number): boolean {
  for (const k of keys) if (!inner(a[k], b[k], strict, memos)) return false;
  if (kind === IS_ARRAY) {
    const arrA = a as unknown as unknown[], arrB = b as unknown as unknown[];
    for (let i = 0; i < arrA.length; i++) {
      if (hasOwn(arrA, i)) {
        if (!hasOwn(arrB, i) || !inner(arrA[i], arrB[i], strict, memos)) return false;
      } else if (hasOwn(arrB, i)) return false;
      else {                                                // a hole: compare the remaining keys by name
        const keysA = Object.keys(arrA);
        for (; i < keysA.length; i++) {
          const k = keysA[i];
          if (!hasOwn(arrB, k) || !inner(a[k], b[k], strict, memos)) return false;
        }
        return keysA.length === Object.keys(arrB).length;
      }
    }
  } else if (kind === IS_SET) {
    if (!setEquiv(a as unknown as Set<unknown>, b as unknown as Set<unknown>, strict, memos)) return false;
  } else if (kind === IS_MAP) {
    if (!mapEquiv(a as unknown as Map<unknown, unknown>, b as unknown as Map<unknown, unknown>, strict, memos)) return false;
  }
  return true;
}

/** assert.deepEqual's comparison. */
export function isDeepEqual(a: unknown, b: unknown): boolean {
  return inner(a, b, false, undefined);
}

/** assert.deepStrictEqual's comparison (util.isDeepStrictEqual). */
export function isDeepStrictEqual(a: unknown, b: unknown): boolean {
  return inner(a, b, true, undefined);
}
