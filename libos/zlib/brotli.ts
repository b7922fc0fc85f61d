// libos/zlib/brotli.ts — BrotliCompress and BrotliDecompress: Brotli streams over ZlibBase, with Brotli's parameters
// given as `params: { [zlib.constants.BROTLI_PARAM_*]: value }` (numbers or booleans; an unknown or repeated key is
// ERR_BROTLI_INVALID_PARAM) and BROTLI_OPERATION_* as flush values. As in Node their prototype chain goes through
// the zlib streams' (so params() exists, and flushes with Z_SYNC_FLUSH, which Brotli reads as FINISH), and they are
// ES5-callable. Layer: libos (private to libos/zlib; the public face is index.ts).
import { brotliInvalidParam, invalidArgType } from "./_errors.ts";
import type { CompressionHandle } from "./_handle.ts";
import { BrotliHandle } from "./brotli_handle.ts";
import { constants } from "./constants.ts";
import { initZlibBase, processCallback, type ZlibBaseOptions } from "./zlib_base.ts";
import { Zlib, type ZlibProto } from "./zlib.ts";

const { BROTLI_DECODE, BROTLI_ENCODE, BROTLI_OPERATION_PROCESS, BROTLI_OPERATION_FLUSH, BROTLI_OPERATION_FINISH } = constants;

/** Options of the Brotli streams. */
export interface BrotliOptions extends ZlibBaseOptions {
  params?: Record<string | number, number | boolean>;
}

/** The largest BROTLI_PARAM_* number: params keys go from 0 to this. */
const kMaxBrotliParam = Math.max(...Object.keys(constants).map((k) =>
  (k.startsWith("BROTLI_PARAM_") ? constants[k as keyof typeof constants] : 0)));
const brotliInitParams = new Uint32Array(kMaxBrotliParam + 1);
const brotliDefaults = { flush: BROTLI_OPERATION_PROCESS, finishFlush: BROTLI_OPERATION_FINISH, fullFlush: BROTLI_OPERATION_FLUSH };

/** Validates the options and initialises a Brotli stream of `mode` on `self` (Node's Brotli(opts, mode)). */
function initBrotli(self: ZlibProto, opts: BrotliOptions | undefined | null, mode: number): void {
  brotliInitParams.fill(-1);                         // every parameter unset (0xffffffff)
  if (opts?.params) {
    for (const origKey of Object.keys(opts.params)) {
      const key = +origKey;
      if (Number.isNaN(key) || key < 0 || key > kMaxBrotliParam || (brotliInitParams[key] | 0) !== -1) {
        throw brotliInvalidParam(origKey);
      }
      const value = opts.params[origKey];
      if (typeof value !== "number" && typeof value !== "boolean") throw invalidArgType("options.params[key]", "number", value);
      brotliInitParams[key] = value as number;      // booleans become 0/1, other numbers wrap to uint32, as in Node
    }
  }
  const handle = new BrotliHandle(mode);
  self._writeState = new Uint32Array(2);
  handle.init(brotliInitParams, self._writeState, processCallback as (this: CompressionHandle) => void);
  initZlibBase(self, opts, mode, handle, brotliDefaults);
}

/** Brotli: not exported by Node; the prototype BrotliCompress and BrotliDecompress share. */
const Brotli = {
  Brotli: function (this: ZlibProto, opts?: BrotliOptions, mode?: number) {
    initBrotli(this, opts, mode as number);
  },
}.Brotli as unknown as { prototype: ZlibProto };
Object.setPrototypeOf(Brotli.prototype, Zlib.prototype);
Object.setPrototypeOf(Brotli, Zlib);

/** A Brotli stream constructor: callable with or without `new`, and on `this` from a subclass. */
export interface BrotliClass {
  new (options?: BrotliOptions): ZlibProto;
  (options?: BrotliOptions): ZlibProto;
  prototype: ZlibProto;
}

function brotliClass(name: string, mode: number): BrotliClass {
  const holder = {
    [name]: function (this: unknown, opts?: BrotliOptions): ZlibProto | void {
      if (!(this instanceof ctor)) return new ctor(opts);
      initBrotli(this as ZlibProto, opts, mode);
    },
  };
  const ctor = holder[name] as unknown as BrotliClass;
  Object.setPrototypeOf(ctor.prototype, Brotli.prototype);
  Object.setPrototypeOf(ctor, Brotli);
  return ctor;
}

export type BrotliCompress = ZlibProto;
export type BrotliDecompress = ZlibProto;

/** Brotli (RFC 7932) compression; quality 11 and a 4 MiB window (lgwin 22) unless params say otherwise. */
export const BrotliCompress = brotliClass("BrotliCompress", BROTLI_ENCODE);
/** Brotli decompression. */
export const BrotliDecompress = brotliClass("BrotliDecompress", BROTLI_DECODE);
