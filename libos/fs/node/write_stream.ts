// libos/fs/node/write_stream.ts — fs.WriteStream (fs.createWriteStream) on libos/stream's Writable, as Node 20's:
// flags 'w' by default, start, fd (a number or a FileHandle), mode, encoding (setDefaultEncoding), flush (fsync
// before close), autoClose, emitClose, a user `fs` (write and/or writev); 'open' and 'ready', bytesWritten,
// pending, close(cb) ends the stream, destroySoon. Corked or queued chunks go out in one writev.
// Layer: libos. Depends on stream_common.ts, validate.ts, errors.ts, encoding.ts, libos/stream.

import { Writable } from "../../stream/index.ts";
import { nextTick } from "./dispatch.ts";
import { Buffer } from "./encoding.ts";
import { invalidArgType, streamDestroyed, systemError } from "./errors.ts";
import {
  construct, defaultFs, destroyStream, importFd, kFs, kIoDone, kIsPerformingIO, openWriteFs, type StreamFs,
} from "./stream_common.ts";
import {
  getOptions, getValidatedFd, toPathIfFileURL, validateBoolean, validateFunction, validateInteger, validatePath,
} from "./validate.ts";

interface WriteStreamOptions {
  fd?: unknown;
  fs?: StreamFs;
  flags?: unknown;
  mode?: unknown;
  start?: unknown;
  flush?: unknown;
  autoClose?: boolean;
  autoDestroy?: boolean;
  decodeStrings?: boolean;
  encoding?: unknown;
  [k: string]: unknown;
}

interface WriteStreamThis {
  fd: number | null;
  path: unknown;
  flags: unknown;
  mode: unknown;
  start: number | undefined;
  pos: number | undefined;
  bytesWritten: number;
  flush: boolean;
  destroyed: boolean;
  closed: boolean;
  autoClose: boolean;
  _write: unknown;
  _writev: unknown;
  _writableState: { autoDestroy: boolean };
  [kFs]: StreamFs;
  [kIsPerformingIO]: boolean;
  emit(event: string | symbol, ...args: unknown[]): boolean;
  on(event: string, fn: (...a: unknown[]) => void): unknown;
  end(): unknown;
  destroy(err?: Error): void;
  setDefaultEncoding(enc: unknown): unknown;
}

/** fs.WriteStream(path, options): callable with or without `new`, as Node's. */
export function WriteStream(this: WriteStreamThis, path: unknown, options?: unknown): unknown {
  if (!(this instanceof WriteStream)) return new (WriteStream as unknown as new (p: unknown, o: unknown) => unknown)(path, options);
  const o = { ...getOptions(options, {}) } as WriteStreamOptions;
  o.decodeStrings = true;
  if (o.fd === null || o.fd === undefined) {
    this.fd = null;
    this[kFs] = o.fs || defaultFs;
    validateFunction(this[kFs].open, "options.fs.open");
    this.path = toPathIfFileURL(path);
    this.flags = o.flags === undefined ? "w" : o.flags;
    this.mode = o.mode === undefined ? 0o666 : o.mode;
    validatePath(this.path);
  } else {
    this.fd = getValidatedFd(importFd(this as never, o));
  }
  o.autoDestroy = o.autoClose === undefined ? true : o.autoClose;
  const ops = this[kFs];
  if (!ops.write && !ops.writev) throw invalidArgType("options.fs.write", "function", ops.write);
  if (ops.write) validateFunction(ops.write, "options.fs.write");
  if (ops.writev) validateFunction(ops.writev, "options.fs.writev");
  if (o.autoDestroy) validateFunction(ops.close, "options.fs.close");
  if (o.flush === null || o.flush === undefined) {
    this.flush = false;
  } else {
    validateBoolean(o.flush, "options.flush");
    validateFunction(ops.fsync, "options.fs.fsync");
    this.flush = o.flush;
  }
  if (!ops.write) this._write = null;
  if (!ops.writev) this._writev = null;
  this.start = o.start as number | undefined;
  this.pos = undefined;
  this.bytesWritten = 0;
  this[kIsPerformingIO] = false;
  if (this.start !== undefined) {
    validateInteger(this.start, "start", 0);
    this.pos = this.start;
  }
  Reflect.apply(Writable, this, [o]);
  if (o.encoding) this.setDefaultEncoding(o.encoding);
  return undefined;
}
Object.setPrototypeOf(WriteStream.prototype, Writable.prototype);
Object.setPrototypeOf(WriteStream, Writable);

Object.defineProperty(WriteStream.prototype, "autoClose", {
  get(this: WriteStreamThis) { return this._writableState.autoDestroy; },
  set(this: WriteStreamThis, val: boolean) { this._writableState.autoDestroy = val; },
  configurable: true,
});

Object.defineProperty(WriteStream.prototype, "pending", {
  get(this: WriteStreamThis) { return this.fd === null; },
  configurable: true,
});

type Done = (err?: Error | null) => void;

/** Writes all of `data`, retrying short writes (up to 5 writes of nothing in a row, as Node). */
function writeAll(this: WriteStreamThis, data: Uint8Array, size: number, pos: number | undefined, cb: Done, retries = 0): void {
  this[kFs].write!(this.fd as number, data, 0, size, pos, (er: Error & { code?: string } | null, bytesWritten: number, buffer: Uint8Array) => {
    if (er?.code === "EAGAIN") {
      er = null;
      bytesWritten = 0;
    }
    if (this.destroyed || er) {
      cb(er || streamDestroyed("write"));
      return;
    }
    this.bytesWritten += bytesWritten;
    retries = bytesWritten ? 0 : retries + 1;
    size -= bytesWritten;
    if (pos !== undefined) pos += bytesWritten;
    if (retries > 5) cb(systemError("write failed"));
    else if (size) writeAll.call(this, buffer.subarray(bytesWritten), size, pos, cb, retries);
    else cb();
  });
}

function writevAll(this: WriteStreamThis, chunks: Uint8Array[], size: number, pos: number | undefined, cb: Done, retries = 0): void {
  this[kFs].writev!(this.fd as number, chunks, this.pos, (er: Error & { code?: string } | null, bytesWritten: number, buffers: Uint8Array[]) => {
    if (er?.code === "EAGAIN") {
      er = null;
      bytesWritten = 0;
    }
    if (this.destroyed || er) {
      cb(er || streamDestroyed("writev"));
      return;
    }
    this.bytesWritten += bytesWritten;
    retries = bytesWritten ? 0 : retries + 1;
    size -= bytesWritten;
    if (pos !== undefined) pos += bytesWritten;
    if (retries > 5) cb(systemError("writev failed"));
    else if (size) writevAll.call(this, [Buffer.concat(buffers).subarray(bytesWritten)], size, pos, cb, retries);
    else cb();
  });
}

const proto = WriteStream.prototype as Record<string, unknown>;
proto.open = openWriteFs;
proto._construct = construct;
proto._destroy = destroyStream;

proto._write = function (this: WriteStreamThis, data: Uint8Array, _encoding: string, cb: Done): void {
  this[kIsPerformingIO] = true;
  writeAll.call(this, data, data.length, this.pos, (er) => {
    this[kIsPerformingIO] = false;
    if (this.destroyed) {
      cb(er);
      this.emit(kIoDone, er);
      return;
    }
    cb(er);
  });
  if (this.pos !== undefined) this.pos += data.length;
};

proto._writev = function (this: WriteStreamThis, data: { chunk: Uint8Array }[], cb: Done): void {
  const chunks = data.map((d) => d.chunk);
  let size = 0;
  for (const c of chunks) size += c.length;
  this[kIsPerformingIO] = true;
  writevAll.call(this, chunks, size, this.pos, (er) => {
    this[kIsPerformingIO] = false;
    if (this.destroyed) {
      cb(er);
      this.emit(kIoDone, er);
      return;
    }
    cb(er);
  });
  if (this.pos !== undefined) this.pos += size;
};

/** close(cb): ends the stream (cb on 'close'; at once if already closed). */
proto.close = function (this: WriteStreamThis, cb?: () => void): void {
  if (cb) {
    if (this.closed) {
      nextTick(cb);
      return;
    }
    this.on("close", cb);
  }
  if (!this.autoClose) this.on("finish", this.destroy.bind(this) as () => void);
  this.end();
};

proto.destroySoon = (Writable.prototype as unknown as { end: unknown }).end;

/** fs.createWriteStream(path, options). */
export function createWriteStream(path: unknown, options?: unknown): unknown {
  return new (WriteStream as unknown as new (p: unknown, o: unknown) => unknown)(path, options);
}
