// libos/util/types_module.ts — `node:util/types`: the same predicates as util.types (Node's 42, no more).
// Layer: libos.
import types from "./types.ts";

export default types;
export const {
  isTypedArray, isUint8Array, isUint8ClampedArray, isUint16Array, isUint32Array, isInt8Array, isInt16Array, isInt32Array,
  isFloat32Array, isFloat64Array, isBigInt64Array, isBigUint64Array, isArrayBuffer, isSharedArrayBuffer,
  isAnyArrayBuffer, isArrayBufferView, isDataView, isMap, isSet, isWeakMap, isWeakSet, isDate, isRegExp, isPromise,
  isMapIterator, isSetIterator, isGeneratorObject, isAsyncFunction, isGeneratorFunction, isArgumentsObject,
  isNativeError, isModuleNamespaceObject, isNumberObject, isStringObject, isBooleanObject, isBigIntObject,
  isSymbolObject, isBoxedPrimitive, isProxy, isExternal, isKeyObject, isCryptoKey,
} = types;
