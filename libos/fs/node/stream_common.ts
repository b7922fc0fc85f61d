// libos/fs/node/stream_common.ts — what fs.ReadStream and fs.WriteStream share, as Node 20's internal/fs/streams:
// the file operations they use (the fs callback API, a user's `fs` option, or a FileHandle's methods), opening in
// _construct ('open' then 'ready'), closing in _destroy once no I/O is in flight (fsync first with `flush`),
// errorOrDestroy, and the deprecated open() no-op.
// Layer: libos. Depends on the call files of this folder, errors.ts, validate.ts, libos/events.

import { close, open } from "./open_close.ts";
import { fsync } from "./attr_calls.ts";
import { read, write, writev } from "./read_write.ts";
import { invalidArgType, methodNotImplemented } from "./errors.ts";

type Cb = (...args: any[]) => void;

/** The file operations a stream calls (fs's own by default; Node lets users pass `fs`). */
export interface StreamFs {
  open: (path: unknown, flags: unknown, mode: unknown, cb: Cb) => void;
  read: (fd: number, buf: Uint8Array, offset: number, length: number, pos: number | undefined, cb: Cb) => void;
  write?: (fd: number, buf: Uint8Array, offset: number, length: number, pos: number | undefined, cb: Cb) => void;
  writev?: (fd: number, buffers: Uint8Array[], pos: number | undefined, cb: Cb) => void;
  close: (fd: number, cb: Cb) => void;
  fsync?: (fd: number, cb: Cb) => void;
}

export const defaultFs: StreamFs = {
  open: open as StreamFs["open"], read: read as StreamFs["read"], write: write as StreamFs["write"],
  writev: writev as StreamFs["writev"], close: close as StreamFs["close"], fsync: fsync as StreamFs["fsync"],
};

export const kFs = Symbol("kFs");
export const kHandle = Symbol("kHandle");
export const kIsPerformingIO = Symbol("kIsPerformingIO");
export const kIoDone = Symbol("kIoDone");
/** A FileHandle's reference count: streams and calls in flight hold it open (Node's kRef/kUnref). */
export const kRef = Symbol("kRef");
export const kUnref = Symbol("kUnref");

/** The FileHandle surface a stream uses (file_handle.ts implements it; imported lazily to avoid a cycle). */
export interface HandleLike {
  fd: number;
  close(): Promise<void>;
  sync(): Promise<void>;
  read(buf: Uint8Array, offset: number, length: number, pos: number | undefined): Promise<{ bytesRead: number; buffer: Uint8Array }>;
  write(buf: Uint8Array, offset: number, length: number, pos: number | undefined): Promise<{ bytesWritten: number; buffer: Uint8Array }>;
  writev(buffers: Uint8Array[], pos: number | undefined): Promise<{ bytesWritten: number; buffers: Uint8Array[] }>;
  on(event: string, fn: () => void): unknown;
  [kRef](): void;
  [kUnref](): void;
}

/** Stream operations over a FileHandle (Node's FileHandleOperations). */
function handleOperations(handle: HandleLike): StreamFs {
  return {
    open: () => { throw methodNotImplemented("open()"); },
    close: (_fd, cb) => { handle[kUnref](); handle.close().then(() => cb(), cb); },
    fsync: (_fd, cb) => { handle.sync().then(() => cb(), cb); },
    read: (_fd, buf, offset, length, pos, cb) => {
      handle.read(buf, offset, length, pos).then((r) => cb(null, r.bytesRead, r.buffer), (err) => cb(err, 0, buf));
    },
    write: (_fd, buf, offset, length, pos, cb) => {
      handle.write(buf, offset, length, pos).then((r) => cb(null, r.bytesWritten, r.buffer), (err) => cb(err, 0, buf));
    },
    writev: (_fd, buffers, pos, cb) => {
      handle.writev(buffers, pos).then((r) => cb(null, r.bytesWritten, r.buffers), (err) => cb(err, 0, buffers));
    },
  };
}

let FileHandleClass: (new (...a: any[]) => HandleLike) | undefined;
/** file_handle.ts registers its class here (so streams recognise FileHandles without importing that file). */
export function registerFileHandle(c: new (...a: any[]) => HandleLike): void {
  FileHandleClass = c;
}

/** options.fd: a number (the stream uses `fs`) or a FileHandle (its methods, closing it with the stream). */
export function importFd(stream: Record<symbol | string, unknown> & { close: () => void }, options: { fd?: unknown; fs?: StreamFs }): unknown {
  if (typeof options.fd === "number") {
    stream[kFs] = options.fs || defaultFs;
    return options.fd;
  }
  if (typeof options.fd === "object" && FileHandleClass && options.fd instanceof FileHandleClass) {
    if (options.fs) throw methodNotImplemented("FileHandle with fs");
    const handle = options.fd as HandleLike;
    stream[kHandle] = handle;
    stream[kFs] = handleOperations(handle);
    handle[kRef]();
    handle.on("close", () => stream.close());
    return handle.fd;
  }
  throw invalidArgType("options.fd", ["number", "FileHandle"], options.fd);
}

interface StreamLike {
  fd: number | null;
  flush?: boolean;
  path?: unknown;
  flags?: unknown;
  mode?: unknown;
  open: unknown;
  emit(event: string | symbol, ...args: unknown[]): boolean;
  [kFs]: StreamFs;
}

/** _construct: open unless a descriptor was given; then 'open' and 'ready'. A user's open() override is honoured. */
export function construct(this: StreamLike, callback: (err?: Error | null) => void): void {
  if (typeof this.fd === "number") {
    callback();
    return;
  }
  if (this.open !== openReadFs && this.open !== openWriteFs) {
    const orgEmit = this.emit;
    this.emit = function (this: StreamLike, ...args: unknown[]): boolean {
      if (args[0] === "open") {
        this.emit = orgEmit;
        callback();
        return Reflect.apply(orgEmit, this, args);
      }
      if (args[0] === "error") {
        this.emit = orgEmit;
        callback(args[1] as Error);
        return false;
      }
      return Reflect.apply(orgEmit, this, args);
    };
    (this.open as () => void)();
    return;
  }
  this[kFs].open(this.path, this.flags, this.mode, (er: Error | null, fd: number) => {
    if (er) {
      callback(er);
    } else {
      this.fd = fd;
      callback();
      this.emit("open", this.fd);
      this.emit("ready");
    }
  });
}

/** Closes the stream's descriptor (fsync first when `flush`); `cb(err)` after. */
export function closeStream(stream: StreamLike, err: Error | null, cb: (err?: Error | null) => void): void {
  if (!stream.fd) {
    cb(err);
  } else if (stream.flush) {
    stream[kFs].fsync!(stream.fd, (flushErr: Error | null) => closeFd(stream, err || flushErr, cb));
  } else {
    closeFd(stream, err, cb);
  }
}

function closeFd(stream: StreamLike, err: Error | null, cb: (err?: Error | null) => void): void {
  stream[kFs].close(stream.fd as number, (er: Error | null) => cb(er || err));
  stream.fd = null;
}

/** _destroy: waits for the read or write in flight before closing. */
export function destroyStream(this: StreamLike & { [kIsPerformingIO]: boolean; once(e: symbol, fn: (er: Error | null) => void): void },
                              err: Error | null, cb: (err?: Error | null) => void): void {
  if (this[kIsPerformingIO]) this.once(kIoDone, (er) => closeStream(this, err || er, cb));
  else closeStream(this, err, cb);
}

/** Node's errorOrDestroy: destroy with the error when autoDestroy, else mark it and emit 'error'. */
export function errorOrDestroy(stream: { destroy(e: Error): void; emit(e: string, ...a: unknown[]): boolean;
                                         _readableState?: StreamState; _writableState?: StreamState }, err: Error): void {
  const r = stream._readableState, w = stream._writableState;
  if (w?.destroyed || r?.destroyed) return;
  if (r?.autoDestroy || w?.autoDestroy) {
    stream.destroy(err);
    return;
  }
  if (w && !w.errored) w.errored = err;
  if (r && !r.errored) r.errored = err;
  stream.emit("error", err);
}

interface StreamState {
  destroyed: boolean;
  autoDestroy: boolean;
  errored: Error | null;
}

let warnedOpen = false;
function deprecatedOpen(what: string): void {
  if (warnedOpen) return;
  warnedOpen = true;
  globalThis.process?.emitWarning?.(`${what}.prototype.open() is deprecated`, "DeprecationWarning", "DEP0135");
}

/** The deprecated ReadStream/WriteStream.prototype.open (a no-op with a warning, as Node's). */
export function openReadFs(): void {
  deprecatedOpen("ReadStream");
}
export function openWriteFs(): void {
  deprecatedOpen("WriteStream");
}
