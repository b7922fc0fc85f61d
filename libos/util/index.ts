// libos/util/index.ts — `node:util`: format/inspect (node-inspect-extracted), promisify/callbackify, inherits,
// deprecate, debuglog, types, isDeepStrictEqual, TextEncoder/TextDecoder, toUSVString, stripVTControlCharacters and
// Node's deprecated is* predicates (old packages still call util.isArray etc.). Layer: libos.

import { isDeepStrictEqual } from "./deep_equal.ts";
import { callbackify, debuglog, deprecate, inherits, promisify } from "./functions.ts";
import { format, formatWithOptions, inspect, stripVTControlCharacters } from "./inspect.ts";
import { TextDecoder, TextEncoder } from "./text_codec.ts";
import types from "./types.ts";

export { callbackify, debuglog, deprecate, format, formatWithOptions, inherits, inspect, isDeepStrictEqual, promisify,
  stripVTControlCharacters, TextDecoder, TextEncoder, types };
/** Node's alias of debuglog. */
export const debug = debuglog;

/** Replaces lone surrogates with U+FFFD. */
export function toUSVString(s: string): string {
  return String(s).replace(/[\ud800-\udbff](?![\udc00-\udfff])|(^|[^\ud800-\udbff])[\udc00-\udfff]/g,
    (_m, pre?: string) => (pre !== undefined ? pre + "\ufffd" : "\ufffd"));
}

// Node's deprecated type predicates (kept by Node 20, still used by old packages).
export const isArray = Array.isArray;
export const isBoolean = (v: unknown) => typeof v === "boolean";
export const isBuffer = (v: unknown) => !!v && typeof (v as { constructor?: { isBuffer?: (x: unknown) => boolean } }).constructor?.isBuffer === "function" &&
  !!(v as { constructor: { isBuffer: (x: unknown) => boolean } }).constructor.isBuffer(v);
export const isDate = types.isDate;
export const isError = (v: unknown) => types.isNativeError(v) || v instanceof Error;
export const isFunction = (v: unknown) => typeof v === "function";
export const isNull = (v: unknown) => v === null;
export const isNullOrUndefined = (v: unknown) => v === null || v === undefined;
export const isNumber = (v: unknown) => typeof v === "number";
export const isObject = (v: unknown) => v !== null && typeof v === "object";
export const isPrimitive = (v: unknown) => v === null || (typeof v !== "object" && typeof v !== "function");
export const isRegExp = types.isRegExp;
export const isString = (v: unknown) => typeof v === "string";
export const isSymbol = (v: unknown) => typeof v === "symbol";
export const isUndefined = (v: unknown) => v === undefined;

/** Node's util.log (deprecated): "d Mon HH:MM:SS - message". */
export function log(...args: unknown[]): void {
  const d = new Date();
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const pad = (n: number) => String(n).padStart(2, "0");
  const time = `${d.getDate()} ${months[d.getMonth()]} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  globalThis.process?.stdout?.write(`${time} - ${format(...args)}\n`);
}

export default {
  callbackify, debug, debuglog, deprecate, format, formatWithOptions, inherits, inspect, isDeepStrictEqual, promisify,
  stripVTControlCharacters, TextDecoder, TextEncoder, toUSVString, types, isArray, isBoolean, isBuffer, isDate,
  isError, isFunction, isNull, isNullOrUndefined, isNumber, isObject, isPrimitive, isRegExp, isString, isSymbol,
  isUndefined, log,
};
