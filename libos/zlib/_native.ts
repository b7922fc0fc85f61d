// libos/zlib/_native.ts — the zlib primitives under node:zlib (boot/native/zlib_glue.c over zlib 1.3.1), typed here and
// read from the platform. They exist only inside images whose bundle uses libos/zlib outside libos/zlib/brotli*
// (boot/image/native_libs.ts links the library then); elsewhere (hosted tests) zlibNative() throws, and the pure
// TypeScript parts (option checks, errors) still work. Layer: libos (private to libos/zlib).
import { platformOrNull } from "../../kernel/platform.ts";

/** One z_stream (deflate or inflate). Every method but message() and close() throws once the stream is closed. */
export interface NativeZlibStream {
  /**
   * deflate()/inflate() over in[inOff, inOff+inLen) into out[outOff, outOff+outLen); returns zlib's result code and
   * writes [avail_out, avail_in] after the call into state[0], state[1].
   */
  write(flush: number, input: Uint8Array, inOff: number, inLen: number, out: Uint8Array, outOff: number,
        outLen: number, state: Uint32Array): number;
  /** deflateSetDictionary / inflateSetDictionary: zlib's result code. */
  setDictionary(dictionary: ArrayBufferView): number;
  /** deflateParams (deflate streams only): zlib's result code. */
  params(level: number, strategy: number): number;
  /** deflateReset / inflateReset: zlib's result code. */
  reset(): number;
  /** The last error's text zlib set (strm.msg), or null. */
  message(): string | null;
  /** Frees zlib's state now (the garbage collector does it otherwise). */
  close(): void;
}

export interface ZlibNative {
  /**
   * A new deflate (`deflate` true) or inflate stream: deflateInit2/inflateInit2 with zlib's own windowBits (negative
   * for raw, +16 for gzip, +32 to detect). A number is zlib's error code when it refuses.
   */
  zlibOpen(deflate: boolean, windowBits: number, level: number, memLevel: number, strategy: number): NativeZlibStream | number;
  /** zlib's CRC-32 of bytes[start, end) continued from `crc`. */
  zlibCrc32(crc: number, bytes: ArrayBufferView, start: number, end: number): number;
}

let cached: ZlibNative | undefined;

/** The native primitives; throws (an Error naming what is missing) outside an image that links them. */
export function zlibNative(): ZlibNative {
  if (cached) return cached;
  const hal = platformOrNull() as unknown as Partial<ZlibNative> | null;
  if (!hal || typeof hal.zlibOpen !== "function") {
    throw new Error("node:zlib: the native zlib library is not linked: this runs only inside a unijs image");
  }
  return (cached = hal as ZlibNative);
}
