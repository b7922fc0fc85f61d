// libos/fs/node/read_write.ts — fs.read/readSync/readv/readvSync/write/writeSync/writev/writevSync with every
// argument form Node 20 accepts (buffer + offset/length/position, an options object, strings with a position and
// an encoding) and its checks. Positions: a number ≥ 0 or bigint reads/writes there (pread/pwrite), null/-1 at the
// file position, which then moves.
// Layer: libos. Depends on dispatch.ts, validate.ts, encoding.ts, errors.ts.

import { complete, nextTick, sys } from "./dispatch.ts";
import { encodeString } from "./encoding.ts";
import { ctxOrder, invalidArgValue } from "./errors.ts";
import {
  getValidatedFd, isArrayBufferView, validateBuffer, validateBufferArray, validateEncoding, validateFunction,
  validateInteger, validateObject, validateOffsetLengthRead, validateOffsetLengthWrite, validatePosition,
  validateStringAfterArrayBufferView,
} from "./validate.ts";

/** A position as the VFS takes it: null for "the file position". */
export function vfsPosition(position: unknown): number | null {
  if (typeof position === "bigint") return position < 0n ? null : Number(position);
  return typeof position === "number" && position >= 0 ? position : null;
}

/** Reads `length` bytes into `buffer` at `offset`. */
export function readCore(fd: number, buffer: ArrayBufferView, offset: number, length: number, position: number | null): number {
  const view = new Uint8Array(buffer.buffer, buffer.byteOffset + offset, length);
  return sys("read", undefined, undefined, (v) => v.read(fd, view, position));
}

/** Writes `length` bytes of `buffer` from `offset`. */
export function writeCore(fd: number, buffer: ArrayBufferView, offset: number, length: number, position: number | null): number {
  const view = new Uint8Array(buffer.buffer, buffer.byteOffset + offset, length);
  return sys("write", undefined, undefined, (v) => v.write(fd, view, position));
}

/** readv: fills the buffers in order until one is not filled. */
export function readvCore(fd: number, buffers: ArrayBufferView[], position: number | null): number {
  let total = 0;
  for (const b of buffers) {
    if (b.byteLength === 0) continue;
    const n = readCore(fd, b, 0, b.byteLength, position === null ? null : position + total);
    total += n;
    if (n < b.byteLength) break;
  }
  return total;
}

/** writev: the buffers one after the other. */
export function writevCore(fd: number, buffers: ArrayBufferView[], position: number | null): number {
  let total = 0;
  for (const b of buffers) total += writeCore(fd, b, 0, b.byteLength, position === null ? null : position + total);
  return total;
}

/** `{ offset = 0, length = buffer.byteLength - offset, position = null } = options ?? {}` (defaults only for
 *  undefined, as destructuring has it). */
export function optionDefaults(options: unknown, buffer: ArrayBufferView | undefined): { offset: unknown; length: unknown; position: unknown } {
  const o = (options ?? {}) as { offset?: unknown; length?: unknown; position?: unknown };
  const offset = o.offset === undefined ? 0 : o.offset;
  const length = o.length === undefined ? (buffer?.byteLength as number) - (offset as number) : o.length;
  const position = o.position === undefined ? null : o.position;
  return { offset, length, position };
}

interface ReadArgs {
  buffer: ArrayBufferView;
  offset: number;
  length: number;
  position: number | null;
}

/** Node's checks after the arguments are sorted out; `null` when the read is of 0 bytes. */
function checkRead(buffer: ArrayBufferView, offset: unknown, length: unknown, position: unknown): ReadArgs | null {
  if (offset === undefined || offset === null) offset = 0;
  else validateInteger(offset, "offset", 0);
  const len = (length as number) | 0;
  if (len === 0) return null;
  if (buffer.byteLength === 0) throw invalidArgValue("buffer", buffer, "is empty and cannot be written");
  validateOffsetLengthRead(offset as number, len, buffer.byteLength);
  if (position === null || position === undefined) position = -1;
  validatePosition(position, "position");
  return { buffer, offset: offset as number, length: len, position: vfsPosition(position) };
}

/** fs.readSync(fd, buffer[, offset[, length[, position]]]) or (fd, buffer, options) → bytes read. */
export function readSync(fd: unknown, buffer: unknown, offsetOrOptions?: unknown, length?: unknown, position?: unknown): number {
  const n = getValidatedFd(fd);
  validateBuffer(buffer);
  let offset = offsetOrOptions;
  if (arguments.length <= 3 || typeof offsetOrOptions === "object") {
    if (offsetOrOptions !== undefined) validateObject(offsetOrOptions, "options", true);
    ({ offset, length, position } = optionDefaults(offsetOrOptions, buffer));
  }
  const a = checkRead(buffer, offset, length, position);
  return a ? readCore(n, a.buffer, a.offset, a.length, a.position) : 0;
}

/** fs.read(fd, buffer, offset, length, position, cb(err, bytesRead, buffer)), (fd, buffer, options, cb),
 *  (fd, options, cb) or (fd, cb) (a 16 KiB buffer is allocated). */
export function read(fd: unknown, buffer?: unknown, offsetOrOptions?: unknown, length?: unknown, position?: unknown, callback?: unknown): void {
  const n = getValidatedFd(fd);
  let offset = offsetOrOptions;
  if (arguments.length <= 4) {
    let params: Record<string, unknown> | null | undefined = null;
    if (arguments.length === 4) {
      validateObject(offsetOrOptions, "options", true);
      callback = length;
      params = offsetOrOptions as Record<string, unknown> | null;
    } else if (arguments.length === 3) {
      if (!isArrayBufferView(buffer)) {
        params = buffer as Record<string, unknown> | null | undefined;
        buffer = (params ?? {}).buffer ?? new Uint8Array(16384);
      }
      callback = offsetOrOptions;
    } else {
      callback = buffer;
      buffer = new Uint8Array(16384);
    }
    if (params !== undefined) validateObject(params, "options", true);
    ({ offset, length, position } = optionDefaults(params, buffer as ArrayBufferView | undefined));
  }
  validateBuffer(buffer);
  validateFunction(callback, "cb");
  const cb = callback as (err: Error | null, bytesRead: number, buffer: unknown) => void;
  const buf = buffer;
  const a = checkRead(buf, offset, length, position);
  if (!a) {
    nextTick(() => cb(null, 0, buf));
    return;
  }
  complete<number>((err, bytes) => cb(err, bytes ?? 0, buf), () => readCore(n, a.buffer, a.offset, a.length, a.position));
}
/**
 * util.promisify(fs.read) resolves to { bytesRead, buffer } in Node (through an internal symbol its promisify
 * knows); here the same object comes from a util.promisify.custom function (libos/util's promisify honours it).
 */
function promisifyAs(fn: (...args: any[]) => void, count: string, data: string): void {
  Object.defineProperty(fn, Symbol.for("nodejs.util.promisify.custom"), {
    value: (...args: unknown[]) => new Promise((resolve, reject) => {
      fn(...args, (err: Error | null, n: number, b: unknown) => (err ? reject(err) : resolve({ [count]: n, [data]: b })));
    }),
    enumerable: false, configurable: true, writable: false,
  });
}

promisifyAs(read, "bytesRead", "buffer");

/** fs.readvSync(fd, buffers[, position]) → bytes read. */
export function readvSync(fd: unknown, buffers: unknown, position?: unknown): number {
  const n = getValidatedFd(fd);
  validateBufferArray(buffers);
  return readvCore(n, buffers, typeof position === "number" ? vfsPosition(position) : null);
}

/** fs.readv(fd, buffers[, position], cb(err, bytesRead, buffers)). */
export function readv(fd: unknown, buffers: unknown, position?: unknown, callback?: unknown): void {
  const n = getValidatedFd(fd);
  validateBufferArray(buffers);
  callback ||= position;
  validateFunction(callback, "cb");
  const pos = typeof position === "number" ? vfsPosition(position) : null;
  const cb = callback as (err: Error | null, n: number, b: unknown) => void;
  complete<number>((err, bytes) => cb(err, bytes ?? 0, buffers), () => readvCore(n, buffers, pos));
}
promisifyAs(readv, "bytesRead", "buffers");

/** Sorts out a buffer write's offset/length/position (the options object form included). */
function bufferWriteArgs(buffer: ArrayBufferView, offsetOrOptions: unknown, length: unknown, position: unknown): ReadArgs {
  let offset = offsetOrOptions;
  if (typeof offset === "object") ({ offset, length, position } = optionDefaults(offsetOrOptions, buffer));
  if (offset === null || offset === undefined || typeof offset === "function") offset = 0;
  else validateInteger(offset, "offset", 0);
  if (typeof length !== "number") length = buffer.byteLength - (offset as number);
  validateOffsetLengthWrite(offset as number, length as number, buffer.byteLength);
  return { buffer, offset: offset as number, length: length as number, position: vfsPosition(position) };
}

/** fs.writeSync(fd, buffer[, offset[, length[, position]]]), (fd, buffer, options) or (fd, string[, position[,
 *  encoding]]) → bytes written. */
export function writeSync(fd: unknown, buffer: unknown, offsetOrOptions?: unknown, length?: unknown, position?: unknown): number {
  const n = getValidatedFd(fd);
  let a: ReadArgs;
  if (isArrayBufferView(buffer)) {
    a = bufferWriteArgs(buffer, offsetOrOptions, length, position);
  } else {
    validateStringAfterArrayBufferView(buffer, "buffer");
    validateEncoding(buffer, length);
    const bytes = encodeString(buffer, length);
    a = { buffer: bytes, offset: 0, length: bytes.length, position: vfsPosition(offsetOrOptions) };
  }
  try {
    return writeCore(n, a.buffer, a.offset, a.length, a.position);
  } catch (e) {
    throw ctxOrder(e);
  }
}

/** fs.write(fd, buffer, offset[, length[, position]], cb(err, written, buffer)) or (fd, string[, position[,
 *  encoding]], cb(err, written, string)). */
export function write(fd: unknown, buffer: unknown, offsetOrOptions?: unknown, length?: unknown, position?: unknown, callback?: unknown): void {
  const n = getValidatedFd(fd);
  if (isArrayBufferView(buffer)) {
    callback ||= position || length || offsetOrOptions;
    validateFunction(callback, "cb");
    const a = bufferWriteArgs(buffer, offsetOrOptions, typeof length === "function" ? undefined : length,
      typeof position === "function" ? undefined : position);
    const cb = callback as (err: Error | null, written: number, b: unknown) => void;
    complete<number>((err, w) => cb(err, w ?? 0, buffer), () => writeCore(n, a.buffer, a.offset, a.length, a.position));
    return;
  }
  validateStringAfterArrayBufferView(buffer, "buffer");
  let pos: unknown = offsetOrOptions, enc: unknown = length;
  if (typeof position !== "function") {
    if (typeof offsetOrOptions === "function") {
      position = offsetOrOptions;
      pos = null;
    } else {
      position = length;
    }
    enc = "utf8";
  }
  validateEncoding(buffer, enc);
  validateFunction(position, "cb");
  const cb = position as (err: Error | null, written: number, b: unknown) => void;
  const str = buffer;
  complete<number>((err, w) => cb(err, w ?? 0, str), () => {
    const bytes = encodeString(str, enc);
    return writeCore(n, bytes, 0, bytes.length, vfsPosition(pos));
  });
}
promisifyAs(write, "bytesWritten", "buffer");

/** fs.writevSync(fd, buffers[, position]) → bytes written. */
export function writevSync(fd: unknown, buffers: unknown, position?: unknown): number {
  const n = getValidatedFd(fd);
  validateBufferArray(buffers);
  if (buffers.length === 0) return 0;
  return writevCore(n, buffers, typeof position === "number" ? vfsPosition(position) : null);
}

/** fs.writev(fd, buffers[, position], cb(err, bytesWritten, buffers)). */
export function writev(fd: unknown, buffers: unknown, position?: unknown, callback?: unknown): void {
  const n = getValidatedFd(fd);
  validateBufferArray(buffers);
  callback ||= position;
  validateFunction(callback, "cb");
  const cb = callback as (err: Error | null, n: number, b: unknown) => void;
  if (buffers.length === 0) {
    nextTick(() => cb(null, 0, buffers));
    return;
  }
  const pos = typeof position === "number" ? vfsPosition(position) : null;
  complete<number>((err, w) => cb(err, w ?? 0, buffers), () => writevCore(n, buffers, pos));
}
promisifyAs(writev, "bytesWritten", "buffer");
