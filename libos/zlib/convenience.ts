// libos/zlib/convenience.ts — the one-shot forms: zlib.gzip(buf, [opts], cb) and friends collect a stream's output
// (ERR_BUFFER_TOO_LARGE past maxOutputLength) and call back as Node does, from the stream's events; the *Sync forms
// run the library to the end at once. Either gives { buffer, engine } with `info: true`. `util.promisify` works on
// the callback forms (they take a Node-style callback last). Layer: libos (private to libos/zlib).
import { Buffer } from "../buffer/index.ts";
import { isUint8Array } from "../util/types.ts";
import { bufferTooLarge, invalidArgType } from "./_errors.ts";
import { isAnyArrayBuffer, isArrayBufferView, validateFunction } from "./_validate.ts";
import { processChunkSync, type ZlibBaseProto } from "./zlib_base.ts";

export type Input = string | ArrayBuffer | ArrayBufferView;
export type ResultCallback = (err: Error | null, result?: Buffer | { buffer: Buffer; engine: ZlibBaseProto }) => void;

interface Collecting extends ZlibBaseProto {
  buffers: Buffer[] | null;
  nread: number;
  cb: ResultCallback;
}

function onData(this: Collecting, chunk: Buffer): void {
  if (!this.buffers) this.buffers = [chunk];
  else this.buffers.push(chunk);
  this.nread += chunk.length;
  if (this.nread > this._maxOutputLength) {
    this.close();
    this.removeAllListeners("end");
    this.cb(bufferTooLarge(this._maxOutputLength));
  }
}

function onError(this: Collecting, err: Error): void {
  this.removeAllListeners("end");
  this.cb(err);
}

function onEnd(this: Collecting): void {
  let buf: Buffer;
  if (this.nread === 0) buf = Buffer.alloc(0);
  else {
    const bufs = this.buffers as Buffer[];
    buf = bufs.length === 1 ? bufs[0] : Buffer.concat(bufs, this.nread);
  }
  this.close();
  if (this._info) this.cb(null, { buffer: buf, engine: this });
  else this.cb(null, buf);
}

/** Feeds `input` to `engine` and calls back with all of its output (or its error). */
export function zlibBuffer(engine: ZlibBaseProto, input: unknown, callback: unknown): void {
  validateFunction(callback, "callback");
  // Streams take only Uint8Arrays: other views and ArrayBuffers are wrapped without copying.
  if (isArrayBufferView(input) && !isUint8Array(input)) input = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  else if (isAnyArrayBuffer(input)) input = Buffer.from(input as ArrayBuffer);
  const e = engine as Collecting;
  e.buffers = null;
  e.nread = 0;
  e.cb = callback as ResultCallback;
  e.on("data", onData);
  e.on("error", onError);
  e.on("end", onEnd);
  e.end(input as Buffer);
}

/** Runs `input` through `engine` at once; returns the output (with `info`: { buffer, engine }). */
export function zlibBufferSync(engine: ZlibBaseProto, input: unknown): Buffer | { buffer: Buffer; engine: ZlibBaseProto } {
  let bytes: ArrayBufferView;
  if (typeof input === "string") bytes = Buffer.from(input);
  else if (!isArrayBufferView(input)) {
    if (isAnyArrayBuffer(input)) bytes = Buffer.from(input as ArrayBuffer);
    else throw invalidArgType("buffer", ["string", "Buffer", "TypedArray", "DataView", "ArrayBuffer"], input);
  } else bytes = input;
  const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const buffer = processChunkSync(engine, u8, engine._finishFlushFlag);
  return engine._info ? { buffer, engine } : buffer;
}

/** zlib.gzip-style function over stream class `Ctor`: (input, [options], callback). */
export function asyncMethod<O>(Ctor: new (opts?: O) => ZlibBaseProto) {
  return function asyncBufferWrapper(buffer: Input, opts?: O | ResultCallback, callback?: ResultCallback): void {
    if (typeof opts === "function") {
      callback = opts as ResultCallback;
      opts = {} as O;
    }
    return zlibBuffer(new Ctor(opts as O), buffer, callback);
  };
}

/** zlib.gzipSync-style function over stream class `Ctor`: (input, [options]) → output. */
export function syncMethod<O>(Ctor: new (opts?: O) => ZlibBaseProto) {
  return function syncBufferWrapper(buffer: Input, opts?: O): Buffer {
    return zlibBufferSync(new Ctor(opts), buffer) as Buffer;
  };
}
