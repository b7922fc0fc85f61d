// libos/crypto/_validate.ts — argument checks with Node 20's errors (internal/validators), and the conversions every
// node:crypto function makes: data (string + encoding, Buffer, TypedArray, DataView, ArrayBuffer) to bytes, and
// bytes to an output encoding. Pure TypeScript (tested hosted). Private to libos/crypto. Layer: libos.
import { Buffer } from "../buffer/index.ts";
import { invalidArgType, invalidArgValue, outOfRange } from "./_errors.ts";

type NodeBuffer = import("node:buffer").Buffer;

export function validateString(value: unknown, name: string): asserts value is string {
  if (typeof value !== "string") throw invalidArgType(name, "string", value);
}

export function validateBoolean(value: unknown, name: string): asserts value is boolean {
  if (typeof value !== "boolean") throw invalidArgType(name, "boolean", value);
}

export function validateFunction(value: unknown, name: string): asserts value is (...args: any[]) => unknown {
  if (typeof value !== "function") throw invalidArgType(name, "Function", value);
}

/** An object (not null, not an array); `nullable` lets null through. */
export function validateObject(value: unknown, name: string, nullable = false): asserts value is Record<string, any> {
  if (value === null && nullable) return;
  if (value === null || Array.isArray(value) || typeof value !== "object") throw invalidArgType(name, "Object", value);
}

export function validateInteger(value: unknown, name: string, min = Number.MIN_SAFE_INTEGER,
                                max = Number.MAX_SAFE_INTEGER): asserts value is number {
  if (typeof value !== "number") throw invalidArgType(name, "number", value);
  if (!Number.isInteger(value)) throw outOfRange(name, "an integer", value);
  if (value < min || value > max) throw outOfRange(name, `>= ${min} && <= ${max}`, value);
}

export function validateInt32(value: unknown, name: string, min = -2147483648, max = 2147483647): asserts value is number {
  validateInteger(value, name, min, max);
}

export function validateUint32(value: unknown, name: string, positive = false): asserts value is number {
  validateInteger(value, name, positive ? 1 : 0, 4294967295);
}

export function validateNumber(value: unknown, name: string, min?: number, max?: number): asserts value is number {
  if (typeof value !== "number") throw invalidArgType(name, "number", value);
  if ((min != null && value < min) || (max != null && value > max) || ((min != null || max != null) && Number.isNaN(value))) {
    throw outOfRange(name, `${min != null ? `>= ${min}` : ""}${min != null && max != null ? " && " : ""}${max != null ? `<= ${max}` : ""}`, value);
  }
}

export function validateOneOf<T>(value: unknown, name: string, oneOf: readonly T[]): asserts value is T {
  if (!oneOf.includes(value as T)) {
    const allowed = oneOf.map((v) => (typeof v === "string" ? `'${v}'` : String(v))).join(", ");
    throw invalidArgValue(name, value, `must be one of: ${allowed}`);
  }
}

/** Node's encoding names, normalised (undefined for an unknown one). */
export function normalizeEncoding(enc: unknown): string | undefined {
  if (enc == null || enc === "utf8" || enc === "utf-8") return "utf8";
  const e = String(enc).toLowerCase();
  switch (e) {
    case "utf8": case "utf-8": return "utf8";
    case "ucs2": case "ucs-2": case "utf16le": case "utf-16le": return "utf16le";
    case "latin1": case "binary": return "latin1";
    case "base64": case "base64url": case "hex": case "ascii": return e;
    case "": return "utf8";
  }
  return undefined;
}

/** Node's check that hex input has an even length (validateEncoding). */
export function validateEncoding(data: string, encoding: unknown): void {
  if (normalizeEncoding(encoding) === "hex" && data.length % 2 !== 0) {
    throw invalidArgValue("encoding", encoding, `is invalid for data of length ${data.length}`);
  }
}

export const isArrayBufferView = (v: unknown): v is ArrayBufferView => ArrayBuffer.isView(v);
export const isAnyArrayBuffer = (v: unknown): v is ArrayBuffer =>
  v instanceof ArrayBuffer || (typeof SharedArrayBuffer === "function" && v instanceof SharedArrayBuffer) ||
  Object.prototype.toString.call(v) === "[object ArrayBuffer]";

/** The bytes of a view or buffer, without copying. */
export function viewBytes(v: ArrayBufferView | ArrayBuffer): Uint8Array {
  if (v instanceof Uint8Array) return v;
  if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  return new Uint8Array(v);
}

/** A string in an encoding (unknown encodings read as UTF-8, as Node's native code does). */
export function stringBytes(s: string, encoding?: unknown): Uint8Array {
  const enc = normalizeEncoding(encoding) ?? "utf8";
  if (enc === "base64url") return Buffer.from(s.replace(/-/g, "+").replace(/_/g, "/"), "base64");
  return Buffer.from(s, enc as BufferEncoding);
}

/** Bytes as a string in a (normalised) encoding; base64url here because the buffer package lacks it. */
export function bytesToString(b: Uint8Array, enc: string): string {
  const buf = b instanceof Buffer ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  if (enc === "base64url") return buf.toString("base64").replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
  return buf.toString(enc as BufferEncoding);
}

/**
 * Node's getArrayBufferOrView: strings (in `encoding`; "buffer" means UTF-8), ArrayBuffers and views become bytes;
 * anything else throws ERR_INVALID_ARG_TYPE naming `name`.
 */
export function toBytes(value: unknown, name: string, encoding?: unknown): Uint8Array {
  if (typeof value === "string") return stringBytes(value, encoding === "buffer" ? "utf8" : encoding);
  if (isAnyArrayBuffer(value)) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return viewBytes(value);
  throw invalidArgType(name, ["string", "ArrayBuffer", "Buffer", "TypedArray", "DataView"], value);
}

/** Data for update() calls: a string in `encoding`, or a view (not an ArrayBuffer), as Hash/Hmac/Cipher take it. */
export function dataBytes(data: unknown, encoding: unknown, name = "data"): Uint8Array {
  if (typeof data === "string") {
    validateEncoding(data, encoding);
    return stringBytes(data, encoding);
  }
  if (!ArrayBuffer.isView(data)) throw invalidArgType(name, ["string", "Buffer", "TypedArray", "DataView"], data);
  return viewBytes(data);
}

/** A Buffer over an ArrayBuffer the native side returned (no copy). */
export function toBuffer(ab: ArrayBuffer): NodeBuffer {
  return Buffer.from(ab, 0, ab.byteLength);
}

/** Output: a Buffer, or a string when `encoding` names one ("buffer" and unknown names give a Buffer). */
export function encodeOutput(ab: ArrayBuffer, encoding: unknown): NodeBuffer | string {
  const buf = toBuffer(ab);
  if (encoding === undefined || encoding === "buffer") return buf;
  const enc = normalizeEncoding(encoding);
  return enc ? bytesToString(buf, enc) : buf;
}
