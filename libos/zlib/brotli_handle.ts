// libos/zlib/brotli_handle.ts — the handle of BrotliCompress/BrotliDecompress: Node 20's Brotli encoder and decoder
// contexts in TypeScript over one native state (libos/zlib/brotli_native.ts). Parameters are set once, before any
// data; reset() starts a fresh state without them (as Node's does); failures are Node's: "Compression failed"
// (ERR_BROTLI_COMPRESSION_FAILED), "Decompression failed" with the decoder's error name (ERR__ERROR_FORMAT_...), and
// "unexpected end of file" (Z_BUF_ERROR) when the finishing write leaves the decoder wanting input.
// Layer: libos (private to libos/zlib).
import { CompressionHandle, type LibraryFailure } from "./_handle.ts";
import { initializationFailed } from "./_errors.ts";
import { brotliNative, type NativeBrotli } from "./brotli_native.ts";
import { constants } from "./constants.ts";

const { BROTLI_ENCODE, BROTLI_OPERATION_FINISH, BROTLI_DECODER_RESULT_ERROR, BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT,
  BROTLI_DECODER_NO_ERROR, Z_BUF_ERROR } = constants;
const UNSET = 0xffffffff;

export class BrotliHandle extends CompressionHandle {
  private readonly encoder: boolean;
  private state: NativeBrotli | null = null;
  private lastResult = 0;
  private error = BROTLI_DECODER_NO_ERROR as number;
  private errorName = "";
  private flush = 0;
  private readonly after = new Uint32Array(2);

  constructor(mode: number) {
    super();
    this.encoder = mode === BROTLI_ENCODE;
  }

  private create(): NativeBrotli | null {
    const n = brotliNative();
    return this.encoder ? n.brotliEncoder() : n.brotliDecoder();
  }

  /** Node's init(params, writeResult, writeCallback): a state with every parameter that is not 0xffffffff set.
   *  Throws ERR_ZLIB_INITIALIZATION_FAILED when Brotli refuses one. */
  init(params: Uint32Array, writeResult: Uint32Array, writeCallback: (this: CompressionHandle) => void): void {
    this.initStream(writeResult, writeCallback);
    this.state = this.create();
    if (!this.state) throw initializationFailed();
    for (let key = 0; key < params.length; key++) {
      if (params[key] === UNSET) continue;
      if (!this.state.setParameter(key, params[key])) throw initializationFailed();
    }
  }

  protected work(flush: number, input: Uint8Array, inOff: number, inLen: number, out: Uint8Array, outOff: number, outLen: number): void {
    this.flush = flush;
    this.availIn = inLen;
    this.availOut = outLen;
    const s = this.state;
    if (!s) return;
    this.lastResult = s.write(flush, input, inOff, inLen, out, outOff, outLen, this.after);
    this.availOut = this.after[0];
    this.availIn = this.after[1];
    if (!this.encoder && this.lastResult === BROTLI_DECODER_RESULT_ERROR) {
      this.error = s.errorCode?.() ?? 0;
      this.errorName = `ERR_${brotliNative().brotliErrorString(this.error)}`;
    }
  }

  protected failure(): LibraryFailure | null {
    if (this.encoder) {
      return this.lastResult ? null : { message: "Compression failed", code: "ERR_BROTLI_COMPRESSION_FAILED", errno: -1 };
    }
    if (this.error !== BROTLI_DECODER_NO_ERROR) return { message: "Decompression failed", code: this.errorName, errno: this.error };
    if (this.flush === BROTLI_OPERATION_FINISH && this.lastResult === BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT) {
      return { message: "unexpected end of file", code: "Z_BUF_ERROR", errno: Z_BUF_ERROR };   // as zlib would say
    }
    return null;
  }

  /** A fresh state (parameters are not set again, as in Node). */
  reset(): void {
    this.state?.close();
    this.state = this.create();
    if (!this.state) {
      this.emitError({ message: "Could not initialize Brotli instance", code: "ERR_ZLIB_INITIALIZATION_FAILED", errno: -1 });
    }
  }

  /** Brotli cannot change parameters mid-stream: nothing to do (Node's binding does nothing either). */
  params(): void {}

  protected closeNative(): void {
    this.state?.close();
    this.state = null;
  }
}
