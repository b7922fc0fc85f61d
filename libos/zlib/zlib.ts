// libos/zlib/zlib.ts — the zlib-format streams: Deflate, Inflate, Gzip, Gunzip, DeflateRaw, InflateRaw and Unzip, over
// Zlib (windowBits, level, memLevel, strategy, dictionary; params(level, strategy, cb)) over ZlibBase. Each is an
// ES5-style constructor as in Node: `new Gzip(o)`, `Gzip(o)` and `Gzip.call(this, o)` from a subclass all work.
// Layer: libos (private to libos/zlib; the public face is index.ts).
import { Buffer } from "../buffer/index.ts";
import { internalAssertion, invalidArgType } from "./_errors.ts";
import { checkRangesOrGetDefault, isAnyArrayBuffer, isArrayBufferView } from "./_validate.ts";
import { constants } from "./constants.ts";
import type { CompressionHandle } from "./_handle.ts";
import { initZlibBase, processCallback, ZlibBase, ZlibBaseProto, type ZlibBaseOptions } from "./zlib_base.ts";
import { ZlibHandle } from "./zlib_handle.ts";

const { Z_NO_FLUSH, Z_FINISH, Z_FULL_FLUSH, Z_SYNC_FLUSH, Z_MIN_WINDOWBITS, Z_MAX_WINDOWBITS, Z_DEFAULT_WINDOWBITS,
  Z_MIN_LEVEL, Z_MAX_LEVEL, Z_DEFAULT_COMPRESSION, Z_MIN_MEMLEVEL, Z_MAX_MEMLEVEL, Z_DEFAULT_MEMLEVEL,
  Z_DEFAULT_STRATEGY, Z_FIXED, DEFLATE, INFLATE, GZIP, GUNZIP, DEFLATERAW, INFLATERAW, UNZIP } = constants;

/** Options of the zlib-format streams. */
export interface ZlibOptions extends ZlibBaseOptions {
  windowBits?: number;
  level?: number;
  memLevel?: number;
  strategy?: number;
  dictionary?: ArrayBufferView | ArrayBuffer;
}

const zlibDefaults = { flush: Z_NO_FLUSH, finishFlush: Z_FINISH, fullFlush: Z_FULL_FLUSH };

/** The prototype of the zlib-format streams (and, as in Node, of the Brotli ones). */
export class ZlibProto extends ZlibBaseProto {
  declare _level: number | undefined;
  declare _strategy: number | undefined;

  /**
   * Changes level and strategy mid-stream: the data so far is flushed (Z_SYNC_FLUSH) first, then `callback` runs.
   * Throws ERR_OUT_OF_RANGE / ERR_INVALID_ARG_TYPE for bad values.
   */
  params(level: number, strategy: number, callback?: () => void): void {
    checkRangesOrGetDefault(level, "level", Z_MIN_LEVEL, Z_MAX_LEVEL, undefined);
    checkRangesOrGetDefault(strategy, "strategy", Z_DEFAULT_STRATEGY, Z_FIXED, undefined);
    if (this._level !== level || this._strategy !== strategy) {
      this.flush(Z_SYNC_FLUSH, () => {
        if (!this._handle) throw internalAssertion("zlib binding closed");
        this._handle.params(level, strategy);
        if (!this.destroyed) {
          this._level = level;
          this._strategy = strategy;
          if (callback) callback();
        }
      });
    } else {
      process.nextTick(callback as () => void);
    }
  }
}

/** Validates the zlib options and initialises a zlib-format stream of `mode` on `self` (Node's Zlib(opts, mode)). */
export function initZlib(self: ZlibProto, opts: ZlibOptions | undefined | null, mode: number): void {
  let windowBits: number = Z_DEFAULT_WINDOWBITS;
  let level: number = Z_DEFAULT_COMPRESSION;
  let memLevel: number = Z_DEFAULT_MEMLEVEL;
  let strategy: number = Z_DEFAULT_STRATEGY;
  let dictionary: ArrayBufferView | undefined;
  if (opts) {
    // On the inflate side 0 (or nothing) means "the window size in the stream's header".
    if ((opts.windowBits == null || opts.windowBits === 0) && (mode === INFLATE || mode === GUNZIP || mode === UNZIP)) {
      windowBits = 0;
    } else {
      // A gzip header cannot say 8.
      const min = Z_MIN_WINDOWBITS + (mode === GZIP ? 1 : 0);
      windowBits = checkRangesOrGetDefault(opts.windowBits, "options.windowBits", min, Z_MAX_WINDOWBITS, Z_DEFAULT_WINDOWBITS);
    }
    level = checkRangesOrGetDefault(opts.level, "options.level", Z_MIN_LEVEL, Z_MAX_LEVEL, Z_DEFAULT_COMPRESSION);
    memLevel = checkRangesOrGetDefault(opts.memLevel, "options.memLevel", Z_MIN_MEMLEVEL, Z_MAX_MEMLEVEL, Z_DEFAULT_MEMLEVEL);
    strategy = checkRangesOrGetDefault(opts.strategy, "options.strategy", Z_DEFAULT_STRATEGY, Z_FIXED, Z_DEFAULT_STRATEGY);
    const dict = opts.dictionary;
    if (dict !== undefined && !isArrayBufferView(dict)) {
      if (isAnyArrayBuffer(dict)) dictionary = Buffer.from(dict);
      else throw invalidArgType("options.dictionary", ["Buffer", "TypedArray", "DataView", "ArrayBuffer"], dict);
    } else {
      dictionary = dict;
    }
  }
  const handle = new ZlibHandle(mode);
  self._writeState = new Uint32Array(2);
  handle.init(windowBits, level, memLevel, strategy, self._writeState, processCallback as (this: CompressionHandle) => void, dictionary);
  initZlibBase(self, opts, mode, handle, zlibDefaults);
  self._level = level;
  self._strategy = strategy;
}

/** A zlib-format stream constructor: callable with or without `new`, and on `this` from a subclass. */
export interface ZlibClass<T> {
  new (options?: ZlibOptions): T;
  (options?: ZlibOptions): T;
  prototype: T;
}

/** Zlib: not exported by Node, but the prototype the zlib-format classes share. */
export const Zlib = {
  Zlib: function (this: ZlibProto, opts?: ZlibOptions, mode?: number) {
    initZlib(this, opts, mode as number);
  },
}.Zlib as unknown as { prototype: ZlibProto };
Zlib.prototype = ZlibProto.prototype;
Object.defineProperty(ZlibProto.prototype, "constructor", { value: Zlib, writable: true, configurable: true, enumerable: false });
Object.setPrototypeOf(Zlib, ZlibBase);

function zlibClass<T extends ZlibProto>(name: string, mode: number, fix?: (opts: ZlibOptions | undefined) => void): ZlibClass<T> {
  const holder = {
    [name]: function (this: unknown, opts?: ZlibOptions): T | void {
      fix?.(opts);
      if (!(this instanceof ctor)) return new ctor(opts);
      initZlib(this as ZlibProto, opts, mode);
    },
  };
  const ctor = holder[name] as unknown as ZlibClass<T>;
  Object.setPrototypeOf(ctor.prototype, Zlib.prototype);
  Object.setPrototypeOf(ctor, Zlib);
  return ctor;
}

export type Deflate = ZlibProto;
export type Inflate = ZlibProto;
export type Gzip = ZlibProto;
export type Gunzip = ZlibProto;
export type DeflateRaw = ZlibProto;
export type InflateRaw = ZlibProto;
export type Unzip = ZlibProto;

/** zlib format (RFC 1950) compression: 2-byte header, Adler-32 trailer. */
export const Deflate = zlibClass<Deflate>("Deflate", DEFLATE);
export const Inflate = zlibClass<Inflate>("Inflate", INFLATE);
/** gzip (RFC 1952) compression. */
export const Gzip = zlibClass<Gzip>("Gzip", GZIP);
/** gzip decompression; multi-member input is concatenated, trailing zero bytes ignored. */
export const Gunzip = zlibClass<Gunzip>("Gunzip", GUNZIP);
/** Raw deflate (RFC 1951). windowBits 8 is taken as 9 (zlib cannot write a 256-byte window), as Node does. */
export const DeflateRaw = zlibClass<DeflateRaw>("DeflateRaw", DEFLATERAW, (opts) => {
  if (opts && opts.windowBits === 8) opts.windowBits = 9;
});
export const InflateRaw = zlibClass<InflateRaw>("InflateRaw", INFLATERAW);
/** Decompresses gzip or zlib format, detected from the first bytes. */
export const Unzip = zlibClass<Unzip>("Unzip", UNZIP);
