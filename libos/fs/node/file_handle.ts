// libos/fs/node/file_handle.ts — fs/promises' FileHandle (an EventEmitter owning a descriptor, 'close' when closed;
// calls in flight and streams hold a reference so close() waits for them) and the promise operations on a handle
// (read/readv/write/writev/readFile/writeFile/appendFile/stat/truncate/sync/datasync/chmod/chown/utimes), with
// Node 20's argument handling. A call on a closed handle rejects with EBADF "file closed". Not available:
// readableWebStream (unijs has no web streams) and readLines (no node:readline); both throw saying so.
// Layer: libos. Depends on the call files of this folder, dispatch.ts, errors.ts, validate.ts, libos/events.

import { EventEmitter } from "../../events/index.ts";
import { fsetattrCore, fsyncCore, ftruncateCore, toTimespec } from "./attr_calls.ts";
import { checkAborted, settle, type SignalLike } from "./dispatch.ts";
import { Buffer, decodeBytes, encodeString } from "./encoding.ts";
import { codedError, invalidArgValue, invalidState } from "./errors.ts";
import { closeCore } from "./open_close.ts";
import { readAllCore } from "./read_file.ts";
import { optionDefaults, readCore, readvCore, vfsPosition, writeCore, writevCore } from "./read_write.ts";
import { ReadStream } from "./read_stream.ts";
import { fstatCore } from "./stat_calls.ts";
import type { NodeStats } from "./stats.ts";
import { kRef, kUnref, registerFileHandle } from "./stream_common.ts";
import { WriteStream } from "./write_stream.ts";
import {
  getOptions, isArrayBufferView, parseFileMode, toUnixTimestamp, validateBoolean, validateBuffer, validateBufferArray,
  validateEncoding, validateInteger, validateObject, validateOffsetLengthRead, validateOffsetLengthWrite,
  validateStringAfterArrayBufferView,
} from "./validate.ts";

const kFd = Symbol("kFd");
const kRefs = Symbol("kRefs");
const kClosePromise = Symbol("kClosePromise");
const kCloseResolve = Symbol("kCloseResolve");
const kCloseReject = Symbol("kCloseReject");

/** Bytes per write when writing a whole file through a handle (Node's kWriteFileMaxChunkSize). */
const WRITE_CHUNK = 512 * 1024;

/** A file opened by fs/promises' open(). */
export class FileHandle extends EventEmitter {
  [kFd]: number;
  [kRefs] = 1;
  [kClosePromise]: Promise<void> | null | undefined = null;
  [kCloseResolve]?: () => void;
  [kCloseReject]?: (e: unknown) => void;

  constructor(fd: number) {
    super();
    this[kFd] = fd;
  }

  /** The descriptor (-1 once closed). */
  get fd(): number {
    return this[kFd];
  }

  appendFile(data: unknown, options?: unknown): Promise<void> {
    return fsCall("writeFile", this, () => writeFileHandle(this, data, getOptions(options, { encoding: "utf8", flag: "a" })));
  }

  chmod(mode: unknown): Promise<void> {
    return fsCall("fchmod", this, async () => {
      const m = parseFileMode(mode, "mode");
      return settle(() => fsetattrCore("fchmod", this.fd, { mode: m }));
    });
  }

  chown(uid: unknown, gid: unknown): Promise<void> {
    return fsCall("fchown", this, async () => {
      validateInteger(uid, "uid", -1, 2 ** 32 - 1);
      validateInteger(gid, "gid", -1, 2 ** 32 - 1);
      return settle(() => fsetattrCore("fchown", this.fd, { uid, gid }));
    });
  }

  datasync(): Promise<void> {
    return fsCall("fdatasync", this, () => settle(() => fsyncCore(this.fd, true)));
  }

  sync(): Promise<void> {
    return fsCall("fsync", this, () => settle(() => fsyncCore(this.fd, false)));
  }

  read(buffer?: unknown, offset?: unknown, length?: unknown, position?: unknown): Promise<{ bytesRead: number; buffer: unknown }> {
    return fsCall("read", this, () => readHandle(this, buffer, offset, length, position));
  }

  readv(buffers: unknown, position?: unknown): Promise<{ bytesRead: number; buffers: unknown }> {
    return fsCall("readv", this, async () => {
      validateBufferArray(buffers);
      const pos = typeof position === "number" ? vfsPosition(position) : null;
      const bytesRead = await settle(() => readvCore(this.fd, buffers, pos));
      return { __proto__: null, bytesRead, buffers } as unknown as { bytesRead: number; buffers: unknown };
    });
  }

  readFile(options?: unknown): Promise<unknown> {
    return fsCall("readFile", this, () => readFileHandle(this, getOptions(options, { flag: "r" })));
  }

  /** Needs node:readline, which unijs does not have. */
  readLines(): never {
    throw codedError(Error, "ERR_METHOD_NOT_IMPLEMENTED", "The readLines() method is not implemented (unijs has no node:readline)");
  }

  stat(options?: { bigint?: boolean }): Promise<NodeStats> {
    return fsCall("fstat", this, () => settle(() => fstatCore(this.fd, !!options?.bigint)));
  }

  truncate(len: unknown = 0): Promise<void> {
    return fsCall("ftruncate", this, async () => {
      validateInteger(len, "len");
      const l = Math.max(0, len);
      return settle(() => ftruncateCore(this.fd, l));
    });
  }

  utimes(atime: unknown, mtime: unknown): Promise<void> {
    return fsCall("futimes", this, async () => {
      const t = { atime: toTimespec(toUnixTimestamp(atime, "atime")), mtime: toTimespec(toUnixTimestamp(mtime, "mtime")) };
      return settle(() => fsetattrCore("futime", this.fd, t));
    });
  }

  write(buffer: unknown, offsetOrOptions?: unknown, length?: unknown, position?: unknown): Promise<{ bytesWritten: number; buffer: unknown }> {
    return fsCall("write", this, () => writeHandle(this, buffer, offsetOrOptions, length, position));
  }

  writev(buffers: unknown, position?: unknown): Promise<{ bytesWritten: number; buffers: unknown }> {
    return fsCall("writev", this, async () => {
      validateBufferArray(buffers);
      const pos = typeof position === "number" ? vfsPosition(position) : null;
      if (buffers.length === 0) return { __proto__: null, bytesWritten: 0, buffers } as unknown as { bytesWritten: number; buffers: unknown };
      const bytesWritten = await settle(() => writevCore(this.fd, buffers, pos));
      return { __proto__: null, bytesWritten, buffers } as unknown as { bytesWritten: number; buffers: unknown };
    });
  }

  writeFile(data: unknown, options?: unknown): Promise<void> {
    return fsCall("writeFile", this, () => writeFileHandle(this, data, getOptions(options, { encoding: "utf8", flag: "w" })));
  }

  /** Closes the descriptor once no call or stream holds the handle; 'close' is emitted at once. */
  close = (): Promise<void> => {
    if (this[kFd] === -1) return Promise.resolve();
    if (this[kClosePromise]) return this[kClosePromise]!;
    this[kRefs]--;
    if (this[kRefs] === 0) {
      const fd = this[kFd];
      this[kFd] = -1;
      this[kClosePromise] = settle(() => closeCore(fd)).finally(() => { this[kClosePromise] = undefined; });
    } else {
      this[kClosePromise] = new Promise<void>((resolve, reject) => {
        this[kCloseResolve] = resolve;
        this[kCloseReject] = reject;
      }).finally(() => {
        this[kClosePromise] = undefined;
        this[kCloseReject] = undefined;
        this[kCloseResolve] = undefined;
      });
    }
    this.emit("close");
    return this[kClosePromise]!;
  };

  /** Web streams are not part of unijs. */
  readableWebStream(): never {
    if (this[kFd] === -1) throw invalidState("The FileHandle is closed");
    throw codedError(Error, "ERR_METHOD_NOT_IMPLEMENTED", "The readableWebStream() method is not implemented (unijs has no web streams)");
  }

  createReadStream(options?: object): unknown {
    return new (ReadStream as unknown as new (p: unknown, o: unknown) => unknown)(undefined, { ...options, fd: this });
  }

  createWriteStream(options?: object): unknown {
    return new (WriteStream as unknown as new (p: unknown, o: unknown) => unknown)(undefined, { ...options, fd: this });
  }

  [kRef](): void {
    this[kRefs]++;
  }

  [kUnref](): void {
    this[kRefs]--;
    if (this[kRefs] === 0) {
      const fd = this[kFd];
      this[kFd] = -1;
      settle(() => closeCore(fd)).then(this[kCloseResolve], this[kCloseReject]);
    }
  }
}
registerFileHandle(FileHandle as never);

/** Node's fsCall: EBADF "file closed" on a closed handle; holds a reference while `fn` runs. */
async function fsCall<T>(name: string, handle: FileHandle, fn: () => Promise<T>): Promise<T> {
  if (handle.fd === -1) {
    const err = new Error("file closed") as Error & { code: string; syscall: string };
    err.code = "EBADF";
    err.syscall = name;
    throw err;
  }
  try {
    handle[kRef]();
    return await fn();
  } finally {
    handle[kUnref]();
  }
}

/** FileHandle.read / fsPromises' read: (buffer, offset, length, position), (buffer, options) or (options). */
async function readHandle(handle: FileHandle, bufferOrParams: unknown, offset: unknown, length: unknown, position: unknown): Promise<{ bytesRead: number; buffer: unknown }> {
  let buffer = bufferOrParams;
  if (!isArrayBufferView(buffer)) {
    if (bufferOrParams !== undefined) validateObject(bufferOrParams, "options", true);
    const p = (bufferOrParams ?? {}) as { buffer?: unknown };
    buffer = p.buffer === undefined ? Buffer.alloc(16384) : p.buffer;
    ({ offset, length, position } = optionDefaults(bufferOrParams, buffer as ArrayBufferView));
    validateBuffer(buffer);
  }
  const buf = buffer as ArrayBufferView;
  if (offset !== null && typeof offset === "object") ({ offset, length, position } = optionDefaults(offset, buf));
  if (offset === null || offset === undefined) offset = 0;
  else validateInteger(offset, "offset", 0);
  length ??= buf.byteLength - (offset as number);
  if (length === 0) return { __proto__: null, bytesRead: 0, buffer } as unknown as { bytesRead: number; buffer: unknown };
  if (buf.byteLength === 0) throw invalidArgValue("buffer", buffer, "is empty and cannot be written");
  validateOffsetLengthRead(offset as number, length as number, buf.byteLength);
  const pos = Number.isSafeInteger(position) ? vfsPosition(position) : null;
  const bytesRead = await settle(() => readCore(handle.fd, buf, offset as number, length as number, pos));
  return { __proto__: null, bytesRead, buffer } as unknown as { bytesRead: number; buffer: unknown };
}

/** FileHandle.write: a buffer with offset/length/position (or options), or a string with position/encoding. */
async function writeHandle(handle: FileHandle, buffer: unknown, offsetOrOptions: unknown, length: unknown, position: unknown): Promise<{ bytesWritten: number; buffer: unknown }> {
  const result = (bytesWritten: number) => ({ __proto__: null, bytesWritten, buffer }) as unknown as { bytesWritten: number; buffer: unknown };
  if ((buffer as ArrayBufferView | undefined)?.byteLength === 0) return result(0);
  let offset = offsetOrOptions;
  if (isArrayBufferView(buffer)) {
    if (typeof offset === "object") ({ offset, length, position } = optionDefaults(offsetOrOptions, buffer));
    if (offset === null || offset === undefined) offset = 0;
    else validateInteger(offset, "offset", 0);
    if (typeof length !== "number") length = buffer.byteLength - (offset as number);
    const pos = typeof position === "number" ? vfsPosition(position) : null;
    validateOffsetLengthWrite(offset as number, length as number, buffer.byteLength);
    return result(await settle(() => writeCore(handle.fd, buffer, offset as number, length as number, pos)));
  }
  validateStringAfterArrayBufferView(buffer, "buffer");
  validateEncoding(buffer, length);
  const bytes = encodeString(buffer, length);
  return result(await settle(() => writeCore(handle.fd, bytes, 0, bytes.length, vfsPosition(offset))));
}

const isIterable = (v: unknown): boolean =>
  v !== null && v !== undefined && (typeof (v as { [Symbol.iterator]?: unknown })[Symbol.iterator] === "function" ||
    typeof (v as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === "function");

/** An iterable of chunks other than a buffer or a string (promises' writeFile takes these). */
export const isCustomIterable = (v: unknown): boolean => isIterable(v) && !isArrayBufferView(v) && typeof v !== "string";

/** Writes data (bytes, or the chunks of an iterable) at the handle's position, in 512 KiB writes. */
export async function writeFileHandle(handle: FileHandle, data: unknown, options: { encoding?: unknown; signal?: unknown; flush?: unknown }): Promise<void> {
  const signal = options.signal as SignalLike | undefined;
  const encoding = options.encoding;
  if (!isArrayBufferView(data) && !isCustomIterable(data)) {
    validateStringAfterArrayBufferView(data, "data");
    data = encodeString(data as string, encoding || "utf8");
  }
  checkAborted(signal);
  const writeChunks = async (bytes: ArrayBufferView): Promise<void> => {
    let done = 0;
    while (done < bytes.byteLength) {
      const n = Math.min(WRITE_CHUNK, bytes.byteLength - done);
      const at = done;
      done += await settle(() => writeCore(handle.fd, bytes, at, n, null));
      checkAborted(signal);
    }
  };
  if (isCustomIterable(data)) {
    for await (const chunk of data as AsyncIterable<unknown>) {
      checkAborted(signal);
      await writeChunks(isArrayBufferView(chunk) ? chunk : encodeString(chunk as string, encoding || "utf8"));
    }
    return;
  }
  if ((data as ArrayBufferView).byteLength === 0) return;
  await writeChunks(data as ArrayBufferView);
}

/** Reads the rest of the handle's file (one read for a regular file), decoded when an encoding is given. */
export async function readFileHandle(handle: FileHandle, options: { encoding?: unknown; signal?: unknown }): Promise<unknown> {
  const signal = options.signal as SignalLike | undefined;
  checkAborted(signal);
  const data = await settle(() => readAllCore(handle.fd), signal);
  checkAborted(signal);
  return options.encoding && options.encoding !== "buffer" ? decodeBytes(data, options.encoding) : data;
}

/** The flush option as promises' writeFile validates it. */
export function flushOption(o: { flush?: unknown }): boolean {
  const flush = o.flush ?? false;
  validateBoolean(flush, "options.flush");
  return flush;
}
