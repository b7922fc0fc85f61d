// libos/fs/node/read_stream.ts — fs.ReadStream (fs.createReadStream) on libos/stream's Readable, as Node 20's:
// highWaterMark 64 KiB, start/end (inclusive), fd (a number or a FileHandle), flags/mode, encoding, autoClose,
// emitClose, a user `fs`; 'open' and 'ready' after the open, bytesRead, pending, close(cb). Each _read reads at
// most highWaterMark bytes into a fresh buffer (shrunk by copying when the read was short, as Node does).
// Layer: libos. Depends on stream_common.ts, validate.ts, errors.ts, encoding.ts, libos/stream.

import { finished, Readable } from "../../stream/index.ts";
import { Buffer } from "./encoding.ts";
import { outOfRange } from "./errors.ts";
import {
  construct, defaultFs, destroyStream, errorOrDestroy, importFd, kFs, kIoDone, kIsPerformingIO, openReadFs,
  type StreamFs,
} from "./stream_common.ts";
import { getOptions, getValidatedFd, toPathIfFileURL, validateFunction, validateInteger, validatePath } from "./validate.ts";

interface ReadStreamOptions {
  fd?: unknown;
  fs?: StreamFs;
  flags?: unknown;
  mode?: unknown;
  start?: unknown;
  end?: unknown;
  highWaterMark?: number;
  autoClose?: boolean;
  autoDestroy?: boolean;
  encoding?: unknown;
  [k: string]: unknown;
}

interface ReadStreamThis {
  fd: number | null;
  path: unknown;
  flags: unknown;
  mode: unknown;
  start: number | undefined;
  end: number;
  pos: number | undefined;
  bytesRead: number;
  destroyed: boolean;
  _readableState: { autoDestroy: boolean };
  [kFs]: StreamFs;
  [kIsPerformingIO]: boolean;
  push(chunk: Uint8Array | null): boolean;
  emit(event: string | symbol, ...args: unknown[]): boolean;
  destroy(err?: Error): void;
}

/** fs.ReadStream(path, options): callable with or without `new`, as Node's. */
export function ReadStream(this: ReadStreamThis, path: unknown, options?: unknown): unknown {
  if (!(this instanceof ReadStream)) return new (ReadStream as unknown as new (p: unknown, o: unknown) => unknown)(path, options);
  const o = { ...getOptions(options, {}) } as ReadStreamOptions;
  if (o.highWaterMark === undefined) o.highWaterMark = 64 * 1024;
  if (o.autoDestroy === undefined) o.autoDestroy = false;
  if (o.fd === null || o.fd === undefined) {
    this.fd = null;
    this[kFs] = o.fs || defaultFs;
    validateFunction(this[kFs].open, "options.fs.open");
    this.path = toPathIfFileURL(path);
    this.flags = o.flags === undefined ? "r" : o.flags;
    this.mode = o.mode === undefined ? 0o666 : o.mode;
    validatePath(this.path);
  } else {
    this.fd = getValidatedFd(importFd(this as never, o));
  }
  o.autoDestroy = o.autoClose === undefined ? true : o.autoClose;
  validateFunction(this[kFs].read, "options.fs.read");
  if (o.autoDestroy) validateFunction(this[kFs].close, "options.fs.close");
  this.start = o.start as number | undefined;
  this.end = o.end as number;
  this.pos = undefined;
  this.bytesRead = 0;
  this[kIsPerformingIO] = false;
  if (this.start !== undefined) {
    validateInteger(this.start, "start", 0);
    this.pos = this.start;
  }
  if (this.end === undefined) {
    this.end = Infinity;
  } else if (this.end !== Infinity) {
    validateInteger(this.end, "end", 0);
    if (this.start !== undefined && this.start > this.end) throw outOfRange("start", `<= "end" (here: ${this.end})`, this.start);
  }
  Reflect.apply(Readable, this, [o]);
  return undefined;
}
Object.setPrototypeOf(ReadStream.prototype, Readable.prototype);
Object.setPrototypeOf(ReadStream, Readable);

Object.defineProperty(ReadStream.prototype, "autoClose", {
  get(this: ReadStreamThis) { return this._readableState.autoDestroy; },
  set(this: ReadStreamThis, val: boolean) { this._readableState.autoDestroy = val; },
  configurable: true,
});

Object.defineProperty(ReadStream.prototype, "pending", {
  get(this: ReadStreamThis) { return this.fd === null; },
  configurable: true,
});

const proto = ReadStream.prototype as Record<string, unknown>;
proto.open = openReadFs;
proto._construct = construct;
proto._destroy = destroyStream;

proto._read = function (this: ReadStreamThis, n: number): void {
  n = this.pos !== undefined ? Math.min(this.end - this.pos + 1, n) : Math.min(this.end - this.bytesRead + 1, n);
  if (n <= 0) {
    this.push(null);
    return;
  }
  const buf = Buffer.allocUnsafeSlow(n);
  this[kIsPerformingIO] = true;
  this[kFs].read(this.fd as number, buf, 0, n, this.pos, (er: Error | null, bytesRead: number, data: Uint8Array) => {
    this[kIsPerformingIO] = false;
    if (this.destroyed) {
      this.emit(kIoDone, er);
      return;
    }
    if (er) {
      errorOrDestroy(this as never, er);
    } else if (bytesRead > 0) {
      if (this.pos !== undefined) this.pos += bytesRead;
      this.bytesRead += bytesRead;
      let chunk = data;
      if (bytesRead !== data.length) {
        chunk = Buffer.allocUnsafeSlow(bytesRead);
        chunk.set(data.subarray(0, bytesRead));
      }
      this.push(chunk);
    } else {
      this.push(null);
    }
  });
};

proto.close = function (this: ReadStreamThis, cb?: unknown): void {
  if (typeof cb === "function") finished(this as never, cb as () => void);
  this.destroy();
};

/** fs.createReadStream(path, options). */
export function createReadStream(path: unknown, options?: unknown): unknown {
  return new (ReadStream as unknown as new (p: unknown, o: unknown) => unknown)(path, options);
}
