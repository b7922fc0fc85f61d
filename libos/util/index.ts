// libos/util/index.ts — `node:util`: format/inspect (node-inspect-extracted), promisify/callbackify, inherits,
// deprecate (codes), debuglog, types, isDeepStrictEqual (assert's comparison), TextEncoder/TextDecoder, toUSVString,
// stripVTControlCharacters, parseArgs, styleText, MIMEType/MIMEParams, aborted, transferableAbortSignal/Controller,
// getSystemErrorName/Map, parseEnv, _extend/_errnoException/_exceptionWithHostPort and Node's deprecated is* predicates (old packages still call util.isArray etc.).
// Layer: libos.

import { isDeepStrictEqual } from "../assert/comparisons.ts";
import { aborted, transferableAbortController, transferableAbortSignal } from "./abort.ts";
import { _errnoException, _exceptionWithHostPort, _extend, parseEnv } from "./legacy.ts";
import { MIMEParams, MIMEType } from "./mime.ts";
import { parseArgs } from "./parse_args.ts";
import { styleText } from "./style_text.ts";
import { getSystemErrorMap, getSystemErrorName } from "./system_errors.ts";
import { callbackify, debuglog, deprecate, inherits, promisify } from "./functions.ts";
import { format, formatWithOptions, inspect, stripVTControlCharacters } from "./inspect.ts";
import { TextDecoder, TextEncoder } from "./text_codec.ts";
import types from "./types.ts";

export { _errnoException, _exceptionWithHostPort, _extend, aborted, callbackify, debuglog, deprecate, format, formatWithOptions, getSystemErrorMap, getSystemErrorName, inherits,
  inspect, isDeepStrictEqual, MIMEParams, MIMEType, parseArgs, parseEnv, promisify, stripVTControlCharacters, styleText, TextDecoder,
  TextEncoder, transferableAbortController, transferableAbortSignal, types };
/** Node's alias of debuglog. */
export const debug = debuglog;

/** `${input}` with every lone surrogate replaced by U+FFFD (String.prototype.toWellFormed). */
export function toUSVString(input: unknown): string {
  const s = `${input as string}`;
  let out = "";
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    if (c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) { i++; continue; }
    out += `${s.slice(from, i)}\ufffd`;
    from = i + 1;
  }
  return from === 0 ? s : out + s.slice(from);
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
  isUndefined, log, aborted, getSystemErrorMap, getSystemErrorName, MIMEParams, MIMEType, parseArgs, styleText,
  transferableAbortController, transferableAbortSignal, _errnoException, _exceptionWithHostPort, _extend, parseEnv,
};
