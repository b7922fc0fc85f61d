// libos/web/streams/compression_streams.ts — CompressionStream and DecompressionStream (WHATWG Compression) for
// "gzip", "deflate" and "deflate-raw", over libos/zlib's handle (zlib 1.3.1 in native code, linked into images that
// use these classes). Each chunk runs through zlib at once (synchronously, it is C); close finishes the stream.
// Failures are Node's zlib errors (Error with errno and code: "incorrect header check" Z_DATA_ERROR, "unexpected end
// of file" Z_BUF_ERROR), as Node 20's streams report them. Like Node, a string chunk is compressed as its UTF-8 and
// an ArrayBuffer chunk is refused.
// Layer: libos (web platform). Depends on libos/zlib (private handle) and libos/util/utf8.
import { ZlibHandle } from "../../zlib/zlib_handle.ts";
import { constants } from "../../zlib/constants.ts";
import { utf8Encode } from "../../util/utf8.ts";
import { inspectAs, invalidArgType, invalidThis, invalidValue, kInspect, type BufferSource } from "./_util.ts";
import { webidlClass } from "../_util.ts";
import { createTransformStream, type TransformStream } from "./transform_stream.ts";
import type { ReadableStream } from "./readable_stream.ts";
import type { WritableStream } from "./writable_stream.ts";

const { DEFLATE, INFLATE, GZIP, GUNZIP, DEFLATERAW, INFLATERAW, Z_NO_FLUSH, Z_FINISH, Z_DEFAULT_COMPRESSION,
  Z_DEFAULT_MEMLEVEL, Z_DEFAULT_STRATEGY, Z_DEFAULT_WINDOWBITS } = constants;
const CHUNK = 16 * 1024;
// Node 20 builds these streams on a zlib Duplex, whose buffers let writes complete before anyone reads (up to about
// 16 KiB of output): `await writer.write(x)` ahead of reading works there. The readable side here holds as much.
const READABLE_HWM = 16 * 1024;

type Format = "gzip" | "deflate" | "deflate-raw";

function modeFor(format: unknown, compress: boolean): number {
  switch (format) {
    case "gzip": return compress ? GZIP : GUNZIP;
    case "deflate": return compress ? DEFLATE : INFLATE;
    case "deflate-raw": return compress ? DEFLATERAW : INFLATERAW;
  }
  throw invalidValue("format", format);
}

function toBytes(chunk: unknown): Uint8Array {
  if (typeof chunk === "string") return utf8Encode(chunk);
  if (chunk instanceof Uint8Array) return chunk;
  if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  // Node 20's zlib streams refuse an ArrayBuffer with this same error.
  throw invalidArgType("chunk", ["string", "Buffer", "TypedArray", "DataView"], chunk);
}

/** A TransformStream running one zlib stream of `mode` over its chunks. */
function zlibTransform(mode: number): TransformStream<BufferSource, Uint8Array> {
  const handle = new ZlibHandle(mode);
  const state = new Uint32Array(2);
  let failure: Error | null = null;
  handle.onerror = (message, errno, code) => {
    failure = Object.assign(new Error(message), { errno, code });
  };
  handle.init(Z_DEFAULT_WINDOWBITS, Z_DEFAULT_COMPRESSION, Z_DEFAULT_MEMLEVEL, Z_DEFAULT_STRATEGY, state, () => {});
  let finished = false;
  const run = (flush: number, input: Uint8Array, emit: (b: Uint8Array) => void) => {
    if (finished) return;
    let inOff = 0, inLen = input.length;
    for (;;) {
      const out = new Uint8Array(CHUNK);
      handle.writeSync(flush, input, inOff, inLen, out, 0, CHUNK);
      if (failure !== null) {
        finished = true;
        handle.close();
        throw failure;
      }
      const availOut = state[0], availIn = state[1];
      const produced = CHUNK - availOut;
      if (produced > 0) emit(out.subarray(0, produced));
      inOff += inLen - availIn;
      inLen = availIn;
      if (availOut !== 0) break;
    }
  };
  return createTransformStream<BufferSource, Uint8Array>((chunk, c) => {
    run(Z_NO_FLUSH, toBytes(chunk), (b) => c.enqueue(b));
  }, (c) => {
    run(Z_FINISH, new Uint8Array(0), (b) => c.enqueue(b));
    finished = true;
    handle.close();
  }, READABLE_HWM, (b) => b.byteLength);
}

export class CompressionStream {
  _transform: TransformStream<BufferSource, Uint8Array>;

  constructor(format: Format) {
    this._transform = zlibTransform(modeFor(format, true));
  }

  get readable(): ReadableStream<Uint8Array> {
    if (!(this instanceof CompressionStream)) throw invalidThis("CompressionStream");
    return this._transform._readable;
  }

  get writable(): WritableStream<BufferSource> {
    if (!(this instanceof CompressionStream)) throw invalidThis("CompressionStream");
    return this._transform._writable;
  }

  [kInspect](depth: number, options: { depth?: number | null }, inspect?: (v: unknown, o?: object) => string): unknown {
    return inspectAs("CompressionStream", depth, options, inspect, { readable: this._transform._readable, writable: this._transform._writable });
  }
}
webidlClass(CompressionStream, "CompressionStream");

export class DecompressionStream {
  _transform: TransformStream<BufferSource, Uint8Array>;

  constructor(format: Format) {
    this._transform = zlibTransform(modeFor(format, false));
  }

  get readable(): ReadableStream<Uint8Array> {
    if (!(this instanceof DecompressionStream)) throw invalidThis("DecompressionStream");
    return this._transform._readable;
  }

  get writable(): WritableStream<BufferSource> {
    if (!(this instanceof DecompressionStream)) throw invalidThis("DecompressionStream");
    return this._transform._writable;
  }

  [kInspect](depth: number, options: { depth?: number | null }, inspect?: (v: unknown, o?: object) => string): unknown {
    return inspectAs("DecompressionStream", depth, options, inspect, { readable: this._transform._readable, writable: this._transform._writable });
  }
}
webidlClass(DecompressionStream, "DecompressionStream");
