// libos/fs/node/validate.ts — node:fs's argument checks with Node 20's errors: paths (string, Buffer or file: URL,
// no NUL bytes), descriptors, integers and ranges, modes (numbers or octal strings), open flags ('r', 'wx+', ...),
// options objects and encodings, times (Date or seconds), buffers, offsets, lengths and positions.
// Layer: libos. Depends on errors.ts and flags of ../vfs.

import { utf8Decode } from "../../util/utf8.ts";
import { O_APPEND, O_CREAT, O_EXCL, O_RDONLY, O_RDWR, O_SYNC, O_TRUNC, O_WRONLY } from "../vfs/flags.ts";
import { codedError, invalidArgType, invalidArgValue, outOfRange } from "./errors.ts";

/** A path as node:fs takes it after validation: a string or the bytes of a Buffer/Uint8Array. */
export type PathLike = string | Uint8Array;

export const isInt32 = (v: unknown): v is number => v === ((v as number) | 0);
export const isUint32 = (v: unknown): v is number => v === ((v as number) >>> 0);
export const isArrayBufferView = (v: unknown): v is ArrayBufferView => ArrayBuffer.isView(v);

/** An integer in [min, max] (Node's validateInteger). */
export function validateInteger(value: unknown, name: string, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER, plain = false): asserts value is number {
  if (typeof value !== "number") throw invalidArgType(name, "number", value, plain);
  if (!Number.isInteger(value)) throw outOfRange(name, "an integer", value, plain);
  if (value < min || value > max) throw outOfRange(name, `>= ${min} && <= ${max}`, value, plain);
}

export function validateInt32(value: unknown, name: string, min = -2147483648, max = 2147483647, plain = false): asserts value is number {
  validateInteger(value, name, min, max, plain);
}

export function validateUint32(value: unknown, name: string, positive = false): asserts value is number {
  validateInteger(value, name, positive ? 1 : 0, 4_294_967_295);
}

export function validateBoolean(value: unknown, name: string): asserts value is boolean {
  if (typeof value !== "boolean") throw invalidArgType(name, "boolean", value);
}

export function validateFunction(value: unknown, name: string): asserts value is (...args: any[]) => unknown {
  if (typeof value !== "function") throw invalidArgType(name, "Function", value);
}

export function validateString(value: unknown, name: string): asserts value is string {
  if (typeof value !== "string") throw invalidArgType(name, "string", value);
}

/** A non-null, non-array object (`nullable`: null passes too). */
export function validateObject(value: unknown, name: string, nullable = false): void {
  if (value === null ? !nullable : typeof value !== "object" || Array.isArray(value)) throw invalidArgType(name, "Object", value);
}

export function validateBuffer(buffer: unknown, name = "buffer"): asserts buffer is ArrayBufferView {
  if (!isArrayBufferView(buffer)) throw invalidArgType(name, ["Buffer", "TypedArray", "DataView"], buffer);
}

/** Anything with `aborted` passes (AbortSignal, or a look-alike: unijs has no AbortController global). */
export function validateAbortSignal(signal: unknown, name: string): void {
  if (signal !== undefined && (signal === null || typeof signal !== "object" || !("aborted" in signal))) {
    throw invalidArgType(name, "AbortSignal", signal);
  }
}

/** A mode: an unsigned 32-bit integer or an octal string ("0644"); `def` when null or undefined. */
export function parseFileMode(value: unknown, name: string, def?: number): number {
  value ??= def;
  if (typeof value === "string") {
    if (!/^[0-7]+$/.test(value)) throw invalidArgValue(name, value, "must be a 32-bit unsigned integer or an octal string");
    value = parseInt(value, 8);
  }
  validateUint32(value, name);
  return value;
}

// ---- encodings ----

/** Node's encoding names (normalizeEncoding), lower-cased and resolved; undefined for an unknown one. */
export function normalizeEncoding(enc: unknown): string | undefined {
  if (enc === undefined || enc === null || enc === "") return "utf8";
  if (typeof enc !== "string") return undefined;
  switch (enc.toLowerCase()) {
    case "utf8": case "utf-8": return "utf8";
    case "ucs2": case "ucs-2": case "utf16le": case "utf-16le": return "utf16le";
    case "latin1": case "binary": return "latin1";
    case "base64": return "base64";
    case "base64url": return "base64url";
    case "hex": return "hex";
    case "ascii": return "ascii";
  }
  return undefined;
}

/** ERR_INVALID_ARG_VALUE for an unknown encoding ("buffer" passes where the caller allows it). */
export function assertEncoding(encoding: unknown): void {
  if (encoding && normalizeEncoding(encoding) === undefined) throw invalidArgValue("encoding", encoding, "is invalid encoding");
}

/** Hex data must have an even length (Node's validateEncoding). */
export function validateEncoding(data: string, encoding: unknown): void {
  if (normalizeEncoding(encoding) === "hex" && data.length % 2 !== 0) {
    throw invalidArgValue("encoding", encoding, `is invalid for data of length ${data.length}`);
  }
}

// ---- paths and descriptors ----

/** Node's isURL: a WHATWG URL (or look-alike), not a legacy url.parse() object. */
function isURL(v: unknown): v is { href: string; protocol: string; hostname: string; pathname: string } {
  const u = v as { href?: unknown; protocol?: unknown; auth?: unknown; path?: unknown } | null;
  return Boolean(u?.href && u.protocol && u.auth === undefined && u.path === undefined);
}

/** A file: URL's path (POSIX rules, Node's messages). */
export function fileURLToPathOf(url: { protocol: string; hostname: string; pathname: string }): string {
  if (url.protocol !== "file:") throw codedError(TypeError, "ERR_INVALID_URL_SCHEME", "The URL must be of scheme file");
  if (url.hostname !== "") throw codedError(TypeError, "ERR_INVALID_FILE_URL_HOST", 'File URL host must be "localhost" or empty on linux');
  const pathname = url.pathname;
  if (/%2f/i.test(pathname)) throw codedError(TypeError, "ERR_INVALID_FILE_URL_PATH", "File URL path must not include encoded / characters");
  return decodeURIComponent(pathname);
}

/** A file: URL becomes its path; anything else is returned as is. */
export function toPathIfFileURL(v: unknown): unknown {
  return isURL(v) ? fileURLToPathOf(v) : v;
}

/** Node's validatePath: a string or Uint8Array without NUL bytes. */
export function validatePath(path: unknown, name = "path"): asserts path is PathLike {
  if (typeof path !== "string" && !(path instanceof Uint8Array)) throw invalidArgType(name, ["string", "Buffer", "URL"], path);
  if (typeof path === "string" ? path.includes("\u0000") : path.includes(0)) {
    throw invalidArgValue(name, path, "must be a string, Uint8Array, or URL without null bytes");
  }
}

/** A path argument (string, Buffer, file: URL) validated, as Node's getValidatedPath. */
export function getValidatedPath(fileURLOrPath: unknown, name = "path"): PathLike {
  const path = toPathIfFileURL(fileURLOrPath);
  validatePath(path, name);
  return path;
}

/** The path as the VFS takes it (a Buffer's bytes decoded as UTF-8). */
export const pathString = (p: PathLike): string => (typeof p === "string" ? p : utf8Decode(p).text);

/** A descriptor: an int32 ≥ 0 (-0 is 0). `plain`: the error prints as Node's C++ checks print. */
export function getValidatedFd(fd: unknown, name = "fd", plain = false): number {
  if (Object.is(fd, -0)) return 0;
  validateInt32(fd, name, 0, 2147483647, plain);
  return fd;
}

/** Node's stringToFlags: 'r', 'r+', 'rs+', 'w', 'wx', 'w+', 'wx+', 'a', 'ax', 'a+', 'ax+', 'as', 'as+' or a number. */
export function stringToFlags(flags: unknown, name = "flags"): number {
  if (typeof flags === "number") {
    validateInt32(flags, name);
    return flags;
  }
  if (flags === null || flags === undefined) return O_RDONLY;
  switch (flags) {
    case "r": return O_RDONLY;
    case "rs": case "sr": return O_RDONLY | O_SYNC;
    case "r+": return O_RDWR;
    case "rs+": case "sr+": return O_RDWR | O_SYNC;
    case "w": return O_TRUNC | O_CREAT | O_WRONLY;
    case "wx": case "xw": return O_TRUNC | O_CREAT | O_WRONLY | O_EXCL;
    case "w+": return O_TRUNC | O_CREAT | O_RDWR;
    case "wx+": case "xw+": return O_TRUNC | O_CREAT | O_RDWR | O_EXCL;
    case "a": return O_APPEND | O_CREAT | O_WRONLY;
    case "ax": case "xa": return O_APPEND | O_CREAT | O_WRONLY | O_EXCL;
    case "as": case "sa": return O_APPEND | O_CREAT | O_WRONLY | O_SYNC;
    case "a+": return O_APPEND | O_CREAT | O_RDWR;
    case "ax+": case "xa+": return O_APPEND | O_CREAT | O_RDWR | O_EXCL;
    case "as+": case "sa+": return O_APPEND | O_CREAT | O_RDWR | O_SYNC;
  }
  throw invalidArgValue("flags", flags);
}

/** An options argument: undefined/function → defaults, a string → { encoding }, else an object (checked). */
export function getOptions<T extends object>(options: unknown, defaults: T = {} as T): T & { encoding?: unknown; signal?: unknown } {
  if (options === null || options === undefined || typeof options === "function") return defaults;
  let o: Record<string, unknown>;
  if (typeof options === "string") o = { ...defaults, encoding: options };
  else if (typeof options !== "object") throw invalidArgType("options", ["string", "Object"], options);
  else o = options as Record<string, unknown>;
  if (o.encoding !== "buffer") assertEncoding(o.encoding);
  if (o.signal !== undefined) validateAbortSignal(o.signal, "options.signal");
  return o as T & { encoding?: unknown };
}

/** Seconds since the epoch from a Date, a number (negative: now) or a numeric string (Node's toUnixTimestamp). */
export function toUnixTimestamp(time: unknown, name = "time"): number {
  // eslint-disable-next-line eqeqeq
  if (typeof time === "string" && +time == (time as unknown as number)) return +time;
  if (typeof time === "number" && Number.isFinite(time)) return time < 0 ? Date.now() / 1000 : time;
  if (time instanceof Date) return time.getTime() / 1000;
  throw invalidArgType(name, ["Date", "Time in seconds"], time);
}

// ---- buffers, offsets, lengths, positions ----

export function validateOffsetLengthRead(offset: number, length: number, bufferLength: number): void {
  if (offset < 0) throw outOfRange("offset", ">= 0", offset);
  if (length < 0) throw outOfRange("length", ">= 0", length);
  if (offset + length > bufferLength) throw outOfRange("length", `<= ${bufferLength - offset}`, length);
}

export function validateOffsetLengthWrite(offset: number, length: number, byteLength: number): void {
  if (offset > byteLength) throw outOfRange("offset", `<= ${byteLength}`, offset);
  if (length > byteLength - offset) throw outOfRange("length", `<= ${byteLength - offset}`, length);
  if (length < 0) throw outOfRange("length", ">= 0", length);
  validateInt32(length, "length", 0);
}

/** A read position: an integer ≥ -1 or a bigint in int64's range. */
export function validatePosition(position: unknown, name: string): void {
  if (typeof position === "number") validateInteger(position, name, -1);
  else if (typeof position === "bigint") {
    if (!(position >= -(2n ** 63n) && position <= 2n ** 63n - 1n)) {
      throw outOfRange(name, `>= ${-(2n ** 63n)} && <= ${2n ** 63n - 1n}`, position);
    }
  } else throw invalidArgType(name, ["integer", "bigint"], position);
}

export function validateBufferArray(buffers: unknown, name = "buffers"): asserts buffers is ArrayBufferView[] {
  if (!Array.isArray(buffers) || !buffers.every(isArrayBufferView)) throw invalidArgType(name, "ArrayBufferView[]", buffers);
}

export function validateStringAfterArrayBufferView(buffer: unknown, name: string): asserts buffer is string {
  if (typeof buffer !== "string") throw invalidArgType(name, ["string", "Buffer", "TypedArray", "DataView"], buffer);
}

/** access()/copyFile()'s mode as Node 20 checks it in C++: a number in [0, 7] (or null/undefined: `def`). */
export function getValidMode(mode: unknown, def: number): number {
  if (mode === null || mode === undefined) return def;
  if (typeof mode !== "number") throw codedError(TypeError, "ERR_INVALID_ARG_TYPE", "mode must be int32 or null/undefined", true);
  if (!(mode >= 0 && mode <= 7)) throw codedError(RangeError, "ERR_OUT_OF_RANGE", "mode is out of range: >= 0 && <= 7", true);
  return Math.trunc(mode);
}
