// libos/zlib/_handle.ts — what a compression stream drives: Node's binding object (ZlibStream, BrotliEncoder, ...)
// as a TypeScript base class over the native primitives. write() runs the library at once (it is fast C) and
// delivers its result from a later event-loop turn (setImmediate), where Node's thread pool would; writeSync()
// delivers it at once. A library failure goes to `onerror(message, errno, code)` instead of the write callback. The
// subclasses (zlib_handle.ts, brotli_handle.ts) say how one write runs and what counts as a failure.
// Layer: libos (private to libos/zlib).

/** What a failed write (or reset/params) reports: Node's message, code name and errno. */
export interface LibraryFailure {
  message: string;
  code: string;
  errno: number;
}

/** The stream object a handle reports to (libos/zlib/zlib_base.ts's ZlibBase). */
export interface HandleOwner {
  destroyed: boolean;
}

export abstract class CompressionHandle {
  /** The stream this handle belongs to (Node's handle[owner_symbol]). */
  owner: HandleOwner | null = null;
  /** Called (this = the handle) when the library fails. */
  onerror: ((this: CompressionHandle, message: string, errno: number, code: string) => void) | null = null;

  // Bookkeeping the stream keeps on its handle between a write and its callback (as Node's processChunk does).
  buffer: Uint8Array | null = null;
  cb: (() => void) | null = null;
  availOutBefore = 0;
  availInBefore = 0;
  inOff = 0;
  flushFlag = 0;

  /** [avail_out, avail_in] after the last completed write: the stream's _writeState. */
  protected writeResult: Uint32Array | null = null;
  /** Called (this = the handle) when an asynchronous write completes without a failure. */
  protected writeCallback: ((this: CompressionHandle) => void) | null = null;
  /** What the library left after the last run. */
  protected availOut = 0;
  protected availIn = 0;
  private inProgress = false;
  private pendingClose = false;
  protected closed = false;

  /** Runs the library once over in[inOff, inOff+inLen) into out[outOff, outOff+outLen); sets availIn/availOut. */
  protected abstract work(flush: number, input: Uint8Array, inOff: number, inLen: number, out: Uint8Array,
                          outOff: number, outLen: number): void;
  /** The failure the last run left, or null. */
  protected abstract failure(): LibraryFailure | null;
  /** Frees the library's state. */
  protected abstract closeNative(): void;
  /** Back to the start of a stream with the same settings; a failure goes to onerror. */
  abstract reset(): void;
  /** New compression level and strategy (zlib's Deflate/DeflateRaw only); a failure goes to onerror. */
  abstract params(level: number, strategy: number): void;

  protected initStream(writeResult: Uint32Array, writeCallback: (this: CompressionHandle) => void): void {
    this.writeResult = writeResult;
    this.writeCallback = writeCallback;
  }

  /** An asynchronous write: the write callback (or onerror) runs in a later event-loop turn. */
  write(flush: number, input: Uint8Array, inOff: number, inLen: number, out: Uint8Array, outOff: number, outLen: number): void {
    this.start(flush, input, inOff, inLen, out, outOff, outLen);
    setImmediate(() => this.afterWork());
  }

  /** A synchronous write: writeResult is updated, or onerror has run, when it returns. */
  writeSync(flush: number, input: Uint8Array, inOff: number, inLen: number, out: Uint8Array, outOff: number, outLen: number): void {
    this.start(flush, input, inOff, inLen, out, outOff, outLen);
    if (this.checkError()) {
      this.updateWriteResult();
      this.inProgress = false;
    }
  }

  /** Frees the library's state; while a write is being delivered, after its callback (Node's pending close). */
  close(): void {
    if (this.inProgress) {
      this.pendingClose = true;
      return;
    }
    this.pendingClose = false;
    if (this.closed) return;
    this.closed = true;
    this.closeNative();
  }

  private start(flush: number, input: Uint8Array, inOff: number, inLen: number, out: Uint8Array, outOff: number, outLen: number): void {
    if (this.closed || this.pendingClose) throw new Error("zlib: write after the handle was closed");
    if (this.inProgress) throw new Error("zlib: a write is already in progress");
    // Node's binding reads every number as a uint32 and checks the ranges; so do we (the native side re-checks).
    inOff >>>= 0; inLen >>>= 0; outOff >>>= 0; outLen >>>= 0;
    // Any view of the input's bytes (a DataView, a Uint16Array): the library reads bytes.
    if (!(input instanceof Uint8Array)) {
      const v = input as ArrayBufferView;
      input = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
    }
    if (inOff + inLen > input.byteLength || outOff + outLen > out.byteLength) {
      throw new RangeError("zlib: write range outside the buffer");
    }
    this.inProgress = true;
    this.work(flush >>> 0, input, inOff, inLen, out, outOff, outLen);
  }

  private afterWork(): void {
    this.inProgress = false;
    if (!this.checkError()) return;
    this.updateWriteResult();
    this.writeCallback?.call(this);
    if (this.pendingClose) this.close();
  }

  private checkError(): boolean {
    const f = this.failure();
    if (!f) return true;
    this.emitError(f);
    return false;
  }

  protected emitError(f: LibraryFailure): void {
    this.onerror?.call(this, f.message, f.errno, f.code);
    this.inProgress = false;
    if (this.pendingClose) this.close();
  }

  private updateWriteResult(): void {
    if (!this.writeResult) return;
    this.writeResult[0] = this.availOut;
    this.writeResult[1] = this.availIn;
  }
}
