// libos/util/types.ts — `node:util/types` (util.types): what kind of built-in object a value is, checked through
// the engine's internal slots (a getter or method that throws on anything else), not through instanceof or
// Symbol.toStringTag, so values from other realms and spoofed tags are judged as Node judges them. isProxy and
// isExternal cannot be answered from JavaScript and are always false. Layer: libos. No dependencies.

const tag = (v: unknown) => Object.prototype.toString.call(v);
const isObj = (v: unknown): v is object => (typeof v === "object" && v !== null) || typeof v === "function";

function probe(fn: ((this: unknown) => unknown) | undefined, v: unknown): boolean {
  if (!isObj(v) || !fn) return false;
  try { fn.call(v); return true; } catch { return false; }
}

const getter = (proto: object, key: PropertyKey) => Object.getOwnPropertyDescriptor(proto, key)?.get as ((this: unknown) => unknown) | undefined;
const TypedArrayProto = Object.getPrototypeOf(Uint8Array.prototype) as object;
const typedArrayTag = getter(TypedArrayProto, Symbol.toStringTag);
const arrayBufferLength = getter(ArrayBuffer.prototype, "byteLength");
const sharedLength = typeof SharedArrayBuffer === "function" ? getter(SharedArrayBuffer.prototype, "byteLength") : undefined;
const dataViewLength = getter(DataView.prototype, "byteLength");
const mapSize = getter(Map.prototype, "size");
const setSize = getter(Set.prototype, "size");
const regexpSource = getter(RegExp.prototype, "source");

/** The TypedArray kind of `v` ("Uint8Array", ...), or undefined. */
const typedKind = (v: unknown): string | undefined => (isObj(v) && typedArrayTag ? (typedArrayTag.call(v) as string | undefined) : undefined);

export const isTypedArray = (v: unknown): boolean => typedKind(v) !== undefined;
export const isUint8Array = (v: unknown) => typedKind(v) === "Uint8Array";
export const isUint8ClampedArray = (v: unknown) => typedKind(v) === "Uint8ClampedArray";
export const isUint16Array = (v: unknown) => typedKind(v) === "Uint16Array";
export const isUint32Array = (v: unknown) => typedKind(v) === "Uint32Array";
export const isInt8Array = (v: unknown) => typedKind(v) === "Int8Array";
export const isInt16Array = (v: unknown) => typedKind(v) === "Int16Array";
export const isInt32Array = (v: unknown) => typedKind(v) === "Int32Array";
export const isFloat32Array = (v: unknown) => typedKind(v) === "Float32Array";
export const isFloat64Array = (v: unknown) => typedKind(v) === "Float64Array";
export const isBigInt64Array = (v: unknown) => typedKind(v) === "BigInt64Array";
export const isBigUint64Array = (v: unknown) => typedKind(v) === "BigUint64Array";
export const isArrayBuffer = (v: unknown) => probe(arrayBufferLength, v);
export const isSharedArrayBuffer = (v: unknown) => probe(sharedLength, v);
export const isAnyArrayBuffer = (v: unknown) => isArrayBuffer(v) || isSharedArrayBuffer(v);
export const isArrayBufferView = (v: unknown) => ArrayBuffer.isView(v);
export const isDataView = (v: unknown) => probe(dataViewLength, v);
export const isMap = (v: unknown) => probe(mapSize, v);
export const isSet = (v: unknown) => probe(setSize, v);
export const isWeakMap = (v: unknown) => probe(function (this: unknown) { WeakMap.prototype.has.call(this, {}); }, v);
export const isWeakSet = (v: unknown) => probe(function (this: unknown) { WeakSet.prototype.has.call(this, {}); }, v);
export const isDate = (v: unknown) => probe(Date.prototype.getTime as (this: unknown) => unknown, v);
export const isRegExp = (v: unknown) => isObj(v) && v !== RegExp.prototype && probe(regexpSource, v);
export const isPromise = (v: unknown) => isObj(v) && tag(v) === "[object Promise]" && typeof (v as Promise<unknown>).then === "function";
export const isMapIterator = (v: unknown) => isObj(v) && tag(v) === "[object Map Iterator]";
export const isSetIterator = (v: unknown) => isObj(v) && tag(v) === "[object Set Iterator]";
export const isGeneratorObject = (v: unknown) => isObj(v) && tag(v) === "[object Generator]";
export const isAsyncFunction = (v: unknown) => typeof v === "function" && /^\[object Async(Generator)?Function\]$/.test(tag(v));
export const isGeneratorFunction = (v: unknown) => typeof v === "function" && /^\[object (Async)?GeneratorFunction\]$/.test(tag(v));
export const isArgumentsObject = (v: unknown) => isObj(v) && tag(v) === "[object Arguments]";
export const isNativeError = (v: unknown) => isObj(v) && tag(v) === "[object Error]";
export const isModuleNamespaceObject = (v: unknown) => isObj(v) && tag(v) === "[object Module]" && Object.getPrototypeOf(v) === null;
export const isNumberObject = (v: unknown) => probe(Number.prototype.valueOf as (this: unknown) => unknown, v);
export const isStringObject = (v: unknown) => probe(String.prototype.valueOf as (this: unknown) => unknown, v);
export const isBooleanObject = (v: unknown) => probe(Boolean.prototype.valueOf as (this: unknown) => unknown, v);
export const isBigIntObject = (v: unknown) => typeof BigInt === "function" && probe(BigInt.prototype.valueOf as (this: unknown) => unknown, v);
export const isSymbolObject = (v: unknown) => probe(Symbol.prototype.valueOf as (this: unknown) => unknown, v);
export const isBoxedPrimitive = (v: unknown) =>
  isNumberObject(v) || isStringObject(v) || isBooleanObject(v) || isBigIntObject(v) || isSymbolObject(v);
/** Not one of Node's util.types (kept out of the default export); used by structuredClone. */
export const isWeakRef = (v: unknown) => isObj(v) && tag(v) === "[object WeakRef]";
/** Cannot be told from JavaScript: always false. */
export const isProxy = (_v: unknown) => false;
/** Cannot be told from JavaScript: always false. */
export const isExternal = (_v: unknown) => false;
/** A node:crypto KeyObject (libos/crypto brands its prototype, so this needs no crypto import). */
export const isKeyObject = (v: unknown) => isObj(v) && (v as Record<symbol, unknown>)[Symbol.for("unijs.crypto.KeyObject")] === true;
/** A Web Crypto CryptoKey (branded by libos/crypto likewise). */
export const isCryptoKey = (v: unknown) => isObj(v) && (v as Record<symbol, unknown>)[Symbol.for("unijs.crypto.CryptoKey")] === true;

export default {
  isTypedArray, isUint8Array, isUint8ClampedArray, isUint16Array, isUint32Array, isInt8Array, isInt16Array, isInt32Array,
  isFloat32Array, isFloat64Array, isBigInt64Array, isBigUint64Array, isArrayBuffer, isSharedArrayBuffer,
  isAnyArrayBuffer, isArrayBufferView, isDataView, isMap, isSet, isWeakMap, isWeakSet, isDate, isRegExp, isPromise,
  isMapIterator, isSetIterator, isGeneratorObject, isAsyncFunction, isGeneratorFunction, isArgumentsObject,
  isNativeError, isModuleNamespaceObject, isNumberObject, isStringObject, isBooleanObject, isBigIntObject,
  isSymbolObject, isBoxedPrimitive, isProxy, isExternal, isKeyObject, isCryptoKey,
};
