// libos/zlib/zlib_base.ts — ZlibBase, the stream.Transform every node:zlib stream is (Node 20's lib/zlib.js
// behaviour, written for unijs): options common to zlib and Brotli (chunkSize, flush, finishFlush, maxOutputLength,
// info), the write loop over the handle (a chunk is fed until the library leaves output space unused; output is
// pushed in chunkSize pieces; a full readable side pauses it), flush(kind, cb) as a marked empty write, close(),
// reset(), bytesWritten, and the synchronous loop the *Sync functions use. ES5-callable like Node's.
// Layer: libos (private to libos/zlib). Depends on libos/stream, libos/buffer, libos/util (deprecate).
import { Buffer } from "../buffer/index.ts";
import { finished, Transform } from "../stream/index.ts";
import { deprecate } from "../util/functions.ts";
import type { CompressionHandle } from "./_handle.ts";
import { bufferTooLarge, internalAssertion, libraryError, outOfRange } from "./_errors.ts";
import { checkRangesOrGetDefault, validateFiniteNumber } from "./_validate.ts";
import { constants } from "./constants.ts";

const { Z_NO_FLUSH, Z_BLOCK, Z_PARTIAL_FLUSH, Z_SYNC_FLUSH, Z_FULL_FLUSH, Z_FINISH, Z_MIN_CHUNK, Z_DEFAULT_CHUNK,
  BROTLI_DECODE, BROTLI_ENCODE, BROTLI_OPERATION_PROCESS, BROTLI_OPERATION_EMIT_METADATA } = constants;

/** Node 20's buffer.kMaxLength: the default (and largest) maxOutputLength. */
export const kMaxLength = 2 ** 32;

/** The error a stream failed with (Node's kError), rethrown by the synchronous loop. */
export const kError = Symbol("kError");
const kFlushFlag = Symbol("kFlushFlag");

/** Flush values of a kind of stream: the default for writes, for the last write, and for flush(). */
export interface FlushDefaults {
  flush: number;
  finishFlush: number;
  fullFlush: number;
}

/** Options every zlib and Brotli stream takes (plus stream.Transform's). */
export interface ZlibBaseOptions {
  chunkSize?: number;
  flush?: number;
  finishFlush?: number;
  maxOutputLength?: number;
  info?: boolean;
  encoding?: unknown;
  objectMode?: unknown;
  writableObjectMode?: unknown;
  [key: string]: unknown;
}

type Callback = (err?: Error | null) => void;

/** The prototype of every zlib stream (never constructed itself: ZlibBase initialises `this`). */
export class ZlibBaseProto extends Transform {
  declare bytesWritten: number;
  declare _handle: CompressionHandle | null;
  declare _outBuffer: Buffer;
  declare _outOffset: number;
  declare _chunkSize: number;
  declare _defaultFlushFlag: number;
  declare _finishFlushFlag: number;
  declare _defaultFullFlushFlag: number;
  declare _info: boolean | undefined;
  declare _maxOutputLength: number;
  declare _writeState: Uint32Array;
  declare [kError]: Error | null;

  /** True once the handle is gone (closed, destroyed, or after a *Sync call). */
  get _closed(): boolean {
    return !this._handle;
  }

  /** Back to the start of a stream, keeping the settings. Throws ERR_INTERNAL_ASSERTION once closed. */
  reset(): void {
    if (!this._handle) throw internalAssertion("zlib binding closed");
    return this._handle.reset();
  }

  override _flush(callback: Callback): void {
    this._transform(Buffer.alloc(0), "", callback);
  }

  // Transform's own _final would flush here; the flush happens on 'prefinish' instead (Node's compat behaviour).
  override _final(callback: Callback): void {
    callback();
  }

  /**
   * Flushes with `kind` (default: Z_FULL_FLUSH, or BROTLI_OPERATION_FLUSH) as the next write; `callback` runs when
   * that write is done (after 'end' if the stream is ending, at once if it has finished).
   */
  flush(kind?: number | (() => void), callback?: () => void): void {
    if (typeof kind === "function" || (kind === undefined && !callback)) {
      callback = kind as (() => void) | undefined;
      kind = this._defaultFullFlushFlag;
    }
    if (this.writableFinished) {
      if (callback) process.nextTick(callback);
    } else if (this.writableEnded) {
      if (callback) this.once("end", callback);
    } else {
      this.write(flushBuffers[kind as number], "" as BufferEncoding, callback as Callback | undefined);
    }
  }

  /** Destroys the stream (freeing the library's state); `callback` runs when it has finished or errored. */
  close(callback?: (err?: Error | null) => void): void {
    if (callback) finished(this, callback);
    this.destroy();
  }

  override _destroy(err: Error | null, callback: Callback): void {
    closeHandle(this);
    callback(err);
  }

  override _transform(chunk: Uint8Array & { [kFlushFlag]?: number }, _encoding: BufferEncoding | string, cb: Callback): void {
    let flushFlag = this._defaultFlushFlag;
    // A flush() is an empty chunk that carries its flush value.
    if (typeof chunk[kFlushFlag] === "number") flushFlag = chunk[kFlushFlag] as number;
    // The last chunk also gets the finishing flush.
    if (this.writableEnded && this.writableLength === chunk.byteLength) flushFlag = maxFlush(flushFlag, this._finishFlushFlag);
    processChunk(this, chunk, flushFlag, cb);
  }

  /** Node's legacy entry point: asynchronous with a callback, synchronous (returning the output) without. */
  _processChunk(chunk: Uint8Array, flushFlag: number, cb?: Callback): Buffer | void {
    if (typeof cb === "function") processChunk(this, chunk, flushFlag, cb);
    else return processChunkSync(this, chunk, flushFlag);
  }
}

Object.defineProperty(ZlibBaseProto.prototype, "_closed", { enumerable: true });
Object.defineProperty(ZlibBaseProto.prototype, "bytesRead", {
  configurable: true,
  enumerable: true,
  get: deprecate(function (this: ZlibBaseProto) { return this.bytesWritten; },
    "zlib.bytesRead is deprecated and will change its meaning in the future. Use zlib.bytesWritten instead.", "DEP0108"),
  set: deprecate(function (this: ZlibBaseProto, value: number) { this.bytesWritten = value; },
    "Setting zlib.bytesRead is deprecated. This feature will be removed in the future.", "DEP0108"),
});

/** Initialises a zlib stream on `self` (Node's ZlibBase(opts, mode, handle, defaults)). */
export function initZlibBase(self: ZlibBaseProto, opts: ZlibBaseOptions | undefined | null, mode: number,
                             handle: CompressionHandle, defaults: FlushDefaults): void {
  let { flush, finishFlush } = defaults;
  let chunkSize: number = Z_DEFAULT_CHUNK;
  let maxOutputLength = kMaxLength;
  const brotli = mode === BROTLI_ENCODE || mode === BROTLI_DECODE;
  const lowest = brotli ? BROTLI_OPERATION_PROCESS : Z_NO_FLUSH;
  const highest = brotli ? BROTLI_OPERATION_EMIT_METADATA : Z_BLOCK;
  if (opts) {
    const size = opts.chunkSize;
    if (!validateFiniteNumber(size, "options.chunkSize")) chunkSize = Z_DEFAULT_CHUNK;
    else if (size < Z_MIN_CHUNK) throw outOfRange("options.chunkSize", `>= ${Z_MIN_CHUNK}`, size);
    else chunkSize = size;
    flush = checkRangesOrGetDefault(opts.flush, "options.flush", lowest, highest, flush);
    finishFlush = checkRangesOrGetDefault(opts.finishFlush, "options.finishFlush", lowest, highest, finishFlush);
    maxOutputLength = checkRangesOrGetDefault(opts.maxOutputLength, "options.maxOutputLength", 1, kMaxLength, kMaxLength);
    if (opts.encoding || opts.objectMode || opts.writableObjectMode) {
      opts = { ...opts, encoding: null, objectMode: false, writableObjectMode: false };
    }
  }
  (Transform as unknown as (this: unknown, o: unknown) => void).call(self, { autoDestroy: true, ...opts });
  self[kError] = null;
  self.bytesWritten = 0;
  self._handle = handle;
  handle.owner = self;
  handle.onerror = onHandleError;
  self._outBuffer = Buffer.allocUnsafe(chunkSize);
  self._outOffset = 0;
  self._chunkSize = chunkSize;
  self._defaultFlushFlag = flush;
  self._finishFlushFlag = finishFlush;
  self._defaultFullFlushFlag = defaults.fullFlush;
  self._info = opts ? (opts.info as boolean | undefined) : undefined;
  self._maxOutputLength = maxOutputLength;
}

/** ZlibBase: not exported by Node; the constructor every zlib stream class inherits from (statics included). */
export const ZlibBase = {
  // A function named by its key (a name esbuild leaves alone), not a method: methods cannot be constructed.
  ZlibBase: function (this: ZlibBaseProto, opts: ZlibBaseOptions | undefined, mode: number, handle: CompressionHandle,
                      defaults: FlushDefaults) {
    initZlibBase(this, opts, mode, handle, defaults);
  },
}.ZlibBase as unknown as { prototype: ZlibBaseProto };
ZlibBase.prototype = ZlibBaseProto.prototype;
Object.defineProperty(ZlibBaseProto.prototype, "constructor", { value: ZlibBase, writable: true, configurable: true, enumerable: false });
Object.setPrototypeOf(ZlibBase, Transform);

/** The handle failed: the stream is destroyed with Node's error (no way to recover). */
function onHandleError(this: CompressionHandle, message: string, errno: number, code: string): void {
  const self = this.owner as ZlibBaseProto;
  const error = libraryError(message, errno, code);
  self.destroy(error);
  self[kError] = error;
}

// Which of two flush values is stronger: Z_NO_FLUSH < Z_BLOCK < Z_PARTIAL_FLUSH < Z_SYNC_FLUSH < Z_FULL_FLUSH < Z_FINISH.
const flushOrder = [Z_NO_FLUSH, Z_BLOCK, Z_PARTIAL_FLUSH, Z_SYNC_FLUSH, Z_FULL_FLUSH, Z_FINISH];
const flushiness: number[] = [];
flushOrder.forEach((f, i) => { flushiness[f] = i; });
const maxFlush = (a: number, b: number): number => (flushiness[a] > flushiness[b] ? a : b);

// The empty chunks flush() writes, one per flush value, each marked with it.
const flushBuffers: (Buffer & { [kFlushFlag]?: number })[] = [];
{
  const empty = new ArrayBuffer(0);
  for (const f of flushOrder) {
    flushBuffers[f] = Buffer.from(empty);
    flushBuffers[f][kFlushFlag] = f;
  }
}

/** Closes and drops the stream's handle (again is harmless: an error may have dropped it already). */
export function closeHandle(self: ZlibBaseProto): void {
  if (!self._handle) return;
  self._handle.close();
  self._handle = null;
}

/** Runs the whole chunk through the library now; returns all output. Closes the stream (it is single-use). */
export function processChunkSync(self: ZlibBaseProto, chunk: Uint8Array, flushFlag: number): Buffer {
  let availInBefore = chunk.byteLength;
  let availOutBefore = self._chunkSize - self._outOffset;
  let inOff = 0;
  let buffers: Buffer[] | null = null;
  let nread = 0;
  let inputRead = 0;
  const state = self._writeState;
  const handle = self._handle as CompressionHandle;
  let buffer = self._outBuffer;
  let offset = self._outOffset;
  const chunkSize = self._chunkSize;
  let error: Error | undefined;
  self.on("error", (er: Error) => { error = er; });
  for (;;) {
    handle.writeSync(flushFlag, chunk, inOff, availInBefore, buffer, offset, availOutBefore);
    if (error) throw error;
    else if (self[kError]) throw self[kError];
    const availOutAfter = state[0];
    const availInAfter = state[1];
    const inDelta = availInBefore - availInAfter;
    inputRead += inDelta;
    const have = availOutBefore - availOutAfter;
    if (have > 0) {
      const out = buffer.slice(offset, offset + have);
      offset += have;
      if (!buffers) buffers = [out];
      else buffers.push(out);
      nread += out.byteLength;
      if (nread > self._maxOutputLength) {
        closeHandle(self);
        throw bufferTooLarge(self._maxOutputLength);
      }
    }
    // Output buffer full (or past chunkSize): a fresh one.
    if (availOutAfter === 0 || offset >= chunkSize) {
      availOutBefore = chunkSize;
      offset = 0;
      buffer = Buffer.allocUnsafe(chunkSize);
    }
    if (availOutAfter !== 0) break;
    // The library ran out of output space: go on with the rest of the input.
    inOff += inDelta;
    availInBefore = availInAfter;
  }
  self.bytesWritten = inputRead;
  closeHandle(self);
  if (nread === 0) return Buffer.alloc(0);
  return buffers!.length === 1 ? buffers![0] : Buffer.concat(buffers!, nread);
}

/** Starts an asynchronous write of `chunk`; `cb` runs when the library has taken all of it (processCallback). */
function processChunk(self: ZlibBaseProto, chunk: Uint8Array, flushFlag: number, cb: Callback): void {
  const handle = self._handle;
  if (!handle) {
    process.nextTick(cb);
    return;
  }
  handle.buffer = chunk;
  handle.cb = cb as () => void;
  handle.availOutBefore = self._chunkSize - self._outOffset;
  handle.availInBefore = chunk.byteLength;
  handle.inOff = 0;
  handle.flushFlag = flushFlag;
  handle.write(flushFlag, chunk, 0, handle.availInBefore, self._outBuffer, self._outOffset, handle.availOutBefore);
}

/** A write completed (this = the handle): push the output, then feed the rest or finish the chunk. */
export function processCallback(this: CompressionHandle): void {
  const handle = this;
  const self = handle.owner as ZlibBaseProto;
  const state = self._writeState;
  if (self.destroyed) {
    handle.buffer = null;
    handle.cb?.();
    return;
  }
  const availOutAfter = state[0];
  const availInAfter = state[1];
  const inDelta = handle.availInBefore - availInAfter;
  self.bytesWritten += inDelta;
  const have = handle.availOutBefore - availOutAfter;
  let streamBufferIsFull = false;
  if (have > 0) {
    const out = self._outBuffer.slice(self._outOffset, self._outOffset + have);
    self._outOffset += have;
    streamBufferIsFull = !self.push(out);
  }
  if (self.destroyed) {
    handle.cb?.();
    return;
  }
  if (availOutAfter === 0 || self._outOffset >= self._chunkSize) {
    handle.availOutBefore = self._chunkSize;
    self._outOffset = 0;
    self._outBuffer = Buffer.allocUnsafe(self._chunkSize);
  }
  if (availOutAfter === 0) {
    // Out of output space: more output may follow from the same input.
    handle.inOff += inDelta;
    handle.availInBefore = availInAfter;
    const again = () => handle.write(handle.flushFlag, handle.buffer as Uint8Array, handle.inOff, handle.availInBefore,
      self._outBuffer, self._outOffset, self._chunkSize);
    if (!streamBufferIsFull) {
      again();
    } else {
      // Wait for the reader before producing more.
      const oldRead = self._read;
      self._read = (n: number) => {
        self._read = oldRead;
        again();
        self._read(n);
      };
    }
    return;
  }
  if (availInAfter > 0) {
    // Output space left but input not taken: the library's stream has ended before the input did.
    self.push(null);
  }
  handle.buffer = null;
  handle.cb?.();
}
