// libos/zlib/zlib_handle.ts — the handle of Deflate/Inflate/Gzip/Gunzip/DeflateRaw/InflateRaw/Unzip: Node 20's
// ZlibContext in TypeScript over one native z_stream (libos/zlib/_native.ts). What it adds to zlib is Node's: the
// stream is opened on first use; windowBits gets +16 (gzip), +32 (unzip) or a minus sign (raw); Unzip picks gzip or
// zlib from the first two bytes; Gunzip goes on with the next member when bytes other than zero padding follow one;
// a dictionary is set up front (deflate, raw inflate) or when inflate asks for it; and a run's result becomes
// Node's failure ("unexpected end of file" when Z_FINISH ends short, "Missing dictionary", zlib's own msg, ...).
// Layer: libos (private to libos/zlib).
import { type NativeZlibStream, zlibNative } from "./_native.ts";
import { CompressionHandle, type LibraryFailure } from "./_handle.ts";
import { constants, zlibCodeName } from "./constants.ts";

const { Z_OK, Z_STREAM_END, Z_NEED_DICT, Z_BUF_ERROR, Z_DATA_ERROR, Z_FINISH, DEFLATE, INFLATE, GZIP, GUNZIP,
  DEFLATERAW, INFLATERAW, UNZIP } = constants;
const NONE = 0;
const GZIP_ID1 = 0x1f, GZIP_ID2 = 0x8b;

export class ZlibHandle extends CompressionHandle {
  private mode: number;
  private level = 0;
  private windowBits = 0;
  private memLevel = 0;
  private strategy = 0;
  private dictionary: Uint8Array | null = null;
  private err: number = Z_OK;
  private flush = 0;
  private gzipIdBytesRead = 0;
  private stream: NativeZlibStream | null = null;
  private readonly after = new Uint32Array(2);

  constructor(mode: number) {
    super();
    this.mode = mode;
  }

  /** Node's init(windowBits, level, memLevel, strategy, writeResult, writeCallback, dictionary): records the
   *  settings (zlib itself starts on first use) and copies the dictionary. */
  init(windowBits: number, level: number, memLevel: number, strategy: number, writeResult: Uint32Array,
       writeCallback: (this: CompressionHandle) => void, dictionary?: ArrayBufferView): void {
    this.initStream(writeResult, writeCallback);
    this.level = level;
    this.memLevel = memLevel;
    this.strategy = strategy;
    this.windowBits = windowBits;
    if (this.mode === GZIP || this.mode === GUNZIP) this.windowBits += 16;
    if (this.mode === UNZIP) this.windowBits += 32;
    if (this.mode === DEFLATERAW || this.mode === INFLATERAW) this.windowBits *= -1;
    this.dictionary = dictionary && dictionary.byteLength > 0
      ? new Uint8Array(dictionary.buffer, dictionary.byteOffset, dictionary.byteLength).slice() : null;
  }

  /** Starts zlib on first use; true when this call tried (err says how it went). */
  private initZlib(): boolean {
    if (this.stream || this.closed) return false;
    const deflating = this.mode === DEFLATE || this.mode === GZIP || this.mode === DEFLATERAW;
    const s = zlibNative().zlibOpen(deflating, this.windowBits, this.level, this.memLevel, this.strategy);
    if (typeof s === "number") {
      this.err = s;
      this.dictionary = null;
      this.mode = NONE;
      return true;
    }
    this.stream = s;
    this.err = Z_OK;
    this.setDictionary();
    return true;
  }

  private setDictionary(): LibraryFailure | null {
    if (!this.dictionary || !this.stream) return null;
    this.err = Z_OK;
    if (this.mode === DEFLATE || this.mode === DEFLATERAW || this.mode === INFLATERAW) {
      this.err = this.stream.setDictionary(this.dictionary);
    }
    return this.err !== Z_OK ? this.failureFor("Failed to set dictionary") : null;
  }

  protected work(flush: number, input: Uint8Array, inOff: number, inLen: number, out: Uint8Array, outOff: number, outLen: number): void {
    this.flush = flush;
    this.availIn = inLen;
    this.availOut = outLen;
    if (this.initZlib() && this.err !== Z_OK) return;
    const s = this.stream;
    if (!s) return;
    const run = (): number => {
      const inPos = inOff + inLen - this.availIn, outPos = outOff + outLen - this.availOut;
      const err = s.write(flush, input, inPos, this.availIn, out, outPos, this.availOut, this.after);
      this.availOut = this.after[0];
      this.availIn = this.after[1];
      return err;
    };
    switch (this.mode) {
      case DEFLATE: case GZIP: case DEFLATERAW:
        this.err = run();
        return;
      case UNZIP:
        this.detectFormat(input, inOff, inLen);
        break;
      case INFLATE: case GUNZIP: case INFLATERAW:
        break;
      default:
        return;
    }
    this.err = run();
    if (this.mode !== INFLATERAW && this.err === Z_NEED_DICT && this.dictionary) {
      this.err = s.setDictionary(this.dictionary);
      if (this.err === Z_OK) this.err = run();
      else if (this.err === Z_DATA_ERROR) this.err = Z_NEED_DICT;     // tell a bad dictionary from bad input
    }
    // Bytes after a gzip member: another member, or garbage (reported as such); zero bytes are padding.
    while (this.availIn > 0 && this.mode === GUNZIP && this.err === Z_STREAM_END && input[inOff + inLen - this.availIn] !== 0) {
      this.resetStream();
      this.err = run();
    }
  }

  /** Unzip: gzip if the input starts 1f 8b (the bytes may come in separate writes), zlib's format otherwise. */
  private detectFormat(input: Uint8Array, inOff: number, inLen: number): void {
    if (inLen === 0) return;
    let at = inOff;
    if (this.gzipIdBytesRead === 0) {
      if (input[at] !== GZIP_ID1) { this.mode = INFLATE; return; }
      this.gzipIdBytesRead = 1;
      at++;
      if (inLen === 1) return;
    }
    if (this.gzipIdBytesRead === 1) {
      if (input[at] === GZIP_ID2) { this.gzipIdBytesRead = 2; this.mode = GUNZIP; }
      else this.mode = INFLATE;
    }
  }

  protected failure(): LibraryFailure | null {
    switch (this.err) {
      case Z_OK: case Z_BUF_ERROR:
        if (this.availOut !== 0 && this.flush === Z_FINISH) return this.failureFor("unexpected end of file");
        return null;
      case Z_STREAM_END:
        return null;
      case Z_NEED_DICT:
        return this.failureFor(this.dictionary ? "Bad dictionary" : "Missing dictionary");
      default:
        return this.failureFor("Zlib error");
    }
  }

  private failureFor(message: string): LibraryFailure {
    return { message: this.stream?.message() ?? message, code: zlibCodeName(this.err), errno: this.err };
  }

  private resetStream(): LibraryFailure | null {
    if (this.initZlib() && this.err !== Z_OK) return this.failureFor("Failed to init stream before reset");
    this.err = Z_OK;
    const s = this.stream;
    if (!s) return null;
    switch (this.mode) {
      case DEFLATE: case DEFLATERAW: case GZIP: case INFLATE: case INFLATERAW: case GUNZIP:
        this.err = s.reset();
        break;
    }
    if (this.err !== Z_OK) return this.failureFor("Failed to reset stream");
    return this.setDictionary();
  }

  /** Node's reset(): back to the start of a stream (same settings and dictionary); a failure goes to onerror. */
  reset(): void {
    const f = this.resetStream();
    if (f) this.emitError(f);
  }

  /** Node's params(level, strategy): deflateParams for Deflate and DeflateRaw (Node's binding leaves Gzip alone). */
  params(level: number, strategy: number): void {
    const f = this.setParams(level | 0, strategy | 0);
    if (f) this.emitError(f);
  }

  private setParams(level: number, strategy: number): LibraryFailure | null {
    if (this.initZlib() && this.err !== Z_OK) return this.failureFor("Failed to init stream before set parameters");
    this.err = Z_OK;
    if (this.stream && (this.mode === DEFLATE || this.mode === DEFLATERAW)) this.err = this.stream.params(level, strategy);
    if (this.err !== Z_OK && this.err !== Z_BUF_ERROR) return this.failureFor("Failed to set parameters");
    return null;
  }

  protected closeNative(): void {
    this.stream?.close();
    this.stream = null;
    this.dictionary = null;
    this.mode = NONE;
  }
}
