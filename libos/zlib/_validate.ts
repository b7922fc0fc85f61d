// libos/zlib/_validate.ts — Node 20's argument checks as node:zlib applies them (internal/validators): numbers that
// fall back to a default when undefined or NaN, ranges, uint32s, callbacks, and what counts as a buffer. Private to
// libos/zlib. Layer: libos. Depends on libos/util/types (engine-slot checks for ArrayBuffers).
import { isArrayBuffer, isSharedArrayBuffer } from "../util/types.ts";
import { invalidArgType, outOfRange } from "./_errors.ts";

/** False for undefined and NaN (use the default), true for a finite number; throws for anything else. */
export function validateFiniteNumber(value: unknown, name: string): value is number {
  if (value === undefined) return false;
  if (Number.isFinite(value)) return true;
  if (Number.isNaN(value)) return false;
  if (typeof value !== "number") throw invalidArgType(name, "number", value);
  throw outOfRange(name, "a finite number", value);
}

/** `value` if it is a finite number in [lower, upper]; `def` when undefined or NaN; throws otherwise. */
export function checkRangesOrGetDefault<D>(value: unknown, name: string, lower: number, upper: number, def: D): number | D {
  if (!validateFiniteNumber(value, name)) return def;
  if (value < lower || value > upper) throw outOfRange(name, `>= ${lower} and <= ${upper}`, value);
  return value;
}

/** An integer in [0, 2^32). */
export function validateUint32(value: unknown, name: string): asserts value is number {
  if (typeof value !== "number") throw invalidArgType(name, "number", value);
  if (!Number.isInteger(value)) throw outOfRange(name, "an integer", value);
  if (value < 0 || value > 4_294_967_295) throw outOfRange(name, ">= 0 && <= 4294967295", value);
}

export function validateFunction(value: unknown, name: string): asserts value is (...args: never[]) => unknown {
  if (typeof value !== "function") throw invalidArgType(name, "Function", value);
}

/** An ArrayBuffer or SharedArrayBuffer (checked through the engine's slots, as Node's isAnyArrayBuffer). */
export const isAnyArrayBuffer = (v: unknown): v is ArrayBufferLike => isArrayBuffer(v) || isSharedArrayBuffer(v);

export const isArrayBufferView = (v: unknown): v is ArrayBufferView => ArrayBuffer.isView(v);
