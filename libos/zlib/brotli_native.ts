// libos/zlib/brotli_native.ts — the Brotli primitives under node:zlib (boot/native/brotli_glue.c over brotli 1.1.0),
// typed here and read from the platform. They exist only inside images whose bundle uses libos/zlib/brotli*
// (boot/image/native_libs.ts links the library then); elsewhere brotliNative() throws. Layer: libos (private to
// libos/zlib; only brotli*.ts files may use it, so that only Brotli users link Brotli).
import { platformOrNull } from "../../kernel/platform.ts";

/** One Brotli encoder or decoder state. Every method but close() throws once it is closed. */
export interface NativeBrotli {
  /** Sets a parameter before the first write: whether Brotli accepted it. */
  setParameter(key: number, value: number): boolean;
  /**
   * Runs the encoder (result 1 or 0) or the decoder (a BrotliDecoderResult: 0 error, 1 done, 2 needs input, 3 needs
   * output space) over in[inOff, inOff+inLen) into out[outOff, outOff+outLen); writes [avail_out, avail_in] into
   * state. `op` is a BROTLI_OPERATION_* value (the decoder ignores it).
   */
  write(op: number, input: Uint8Array, inOff: number, inLen: number, out: Uint8Array, outOff: number, outLen: number,
        state: Uint32Array): number;
  /** Decoders: BrotliDecoderGetErrorCode (0, or a negative BROTLI_DECODER_ERROR_* value). */
  errorCode?(): number;
  /** Frees Brotli's state now (the garbage collector does it otherwise). */
  close(): void;
}

export interface BrotliNative {
  /** A new encoder, or null when Brotli cannot make one. */
  brotliEncoder(): NativeBrotli | null;
  /** A new decoder, or null when Brotli cannot make one. */
  brotliDecoder(): NativeBrotli | null;
  /** BrotliDecoderErrorString: "_ERROR_FORMAT_PADDING_1", ... */
  brotliErrorString(code: number): string;
}

let cached: BrotliNative | undefined;

/** The native primitives; throws (an Error naming what is missing) outside an image that links them. */
export function brotliNative(): BrotliNative {
  if (cached) return cached;
  const hal = platformOrNull() as unknown as Partial<BrotliNative> | null;
  if (!hal || typeof hal.brotliEncoder !== "function") {
    throw new Error("node:zlib: the native Brotli library is not linked: this runs only inside a unijs image");
  }
  return (cached = hal as BrotliNative);
}
