// libos/zlib/index.ts — `node:zlib`: the public face, as Node 20's module. Streams (Deflate, Inflate, Gzip, Gunzip,
// DeflateRaw, InflateRaw, Unzip, BrotliCompress, BrotliDecompress and their create* factories), the one-shot
// callback and *Sync forms of each, crc32, constants, codes and the legacy Z_* names. The byte work is native
// (zlib 1.3.1 and brotli 1.1.0, boot/native/{zlib,brotli}_glue.c), linked only into images that use it: zlib when
// anything here is used, Brotli only when a Brotli class or function is (import them by name to leave it out).
// Layer: libos.
import { Buffer } from "../buffer/index.ts";
import { zlibNative } from "./_native.ts";
import { invalidArgType } from "./_errors.ts";
import { isArrayBufferView, validateUint32 } from "./_validate.ts";
import { BrotliCompress, BrotliDecompress, type BrotliOptions } from "./brotli.ts";
import { codes, constants } from "./constants.ts";
import { asyncMethod, syncMethod } from "./convenience.ts";
import { Deflate, DeflateRaw, Gunzip, Gzip, Inflate, InflateRaw, Unzip, type ZlibOptions } from "./zlib.ts";

/**
 * CRC-32 (zlib's, as in gzip) of `data` (a string is taken as UTF-8), continuing from `value`.
 * @example zlib.crc32("hello") === 907060870
 */
export function crc32(data: string | ArrayBufferView, value = 0): number {
  if (typeof data !== "string" && !isArrayBufferView(data)) {
    throw invalidArgType("data", ["Buffer", "TypedArray", "DataView", "string"], data);
  }
  validateUint32(value, "value");
  const bytes = typeof data === "string" ? Buffer.from(data) : data;
  return zlibNative().zlibCrc32(value, new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), 0, bytes.byteLength);
}

export const deflate = /* @__PURE__ */ asyncMethod<ZlibOptions>(Deflate);
export const deflateSync = /* @__PURE__ */ syncMethod<ZlibOptions>(Deflate);
export const gzip = /* @__PURE__ */ asyncMethod<ZlibOptions>(Gzip);
export const gzipSync = /* @__PURE__ */ syncMethod<ZlibOptions>(Gzip);
export const deflateRaw = /* @__PURE__ */ asyncMethod<ZlibOptions>(DeflateRaw);
export const deflateRawSync = /* @__PURE__ */ syncMethod<ZlibOptions>(DeflateRaw);
export const unzip = /* @__PURE__ */ asyncMethod<ZlibOptions>(Unzip);
export const unzipSync = /* @__PURE__ */ syncMethod<ZlibOptions>(Unzip);
export const inflate = /* @__PURE__ */ asyncMethod<ZlibOptions>(Inflate);
export const inflateSync = /* @__PURE__ */ syncMethod<ZlibOptions>(Inflate);
export const gunzip = /* @__PURE__ */ asyncMethod<ZlibOptions>(Gunzip);
export const gunzipSync = /* @__PURE__ */ syncMethod<ZlibOptions>(Gunzip);
export const inflateRaw = /* @__PURE__ */ asyncMethod<ZlibOptions>(InflateRaw);
export const inflateRawSync = /* @__PURE__ */ syncMethod<ZlibOptions>(InflateRaw);
export const brotliCompress = /* @__PURE__ */ asyncMethod<BrotliOptions>(BrotliCompress);
export const brotliCompressSync = /* @__PURE__ */ syncMethod<BrotliOptions>(BrotliCompress);
export const brotliDecompress = /* @__PURE__ */ asyncMethod<BrotliOptions>(BrotliDecompress);
export const brotliDecompressSync = /* @__PURE__ */ syncMethod<BrotliOptions>(BrotliDecompress);

// Node defines the factories as `{ value: function (options) {...} }`, so each is named "value"; so are these.
const factory = <O, T>(Ctor: new (o?: O) => T) => ({ value(options?: O): T { return new Ctor(options); } }).value;
export const createDeflate = /* @__PURE__ */ factory(Deflate);
export const createInflate = /* @__PURE__ */ factory(Inflate);
export const createDeflateRaw = /* @__PURE__ */ factory(DeflateRaw);
export const createInflateRaw = /* @__PURE__ */ factory(InflateRaw);
export const createGzip = /* @__PURE__ */ factory(Gzip);
export const createGunzip = /* @__PURE__ */ factory(Gunzip);
export const createUnzip = /* @__PURE__ */ factory(Unzip);
export const createBrotliCompress = /* @__PURE__ */ factory(BrotliCompress);
export const createBrotliDecompress = /* @__PURE__ */ factory(BrotliDecompress);

export { BrotliCompress, BrotliDecompress, codes, constants, Deflate, DeflateRaw, Gunzip, Gzip, Inflate, InflateRaw, Unzip };
export type { BrotliOptions, ZlibOptions };

// The deprecated top-level copies of the zlib (not Brotli) constants.
export const {
  Z_NO_FLUSH, Z_PARTIAL_FLUSH, Z_SYNC_FLUSH, Z_FULL_FLUSH, Z_FINISH, Z_BLOCK, Z_OK, Z_STREAM_END, Z_NEED_DICT, Z_ERRNO,
  Z_STREAM_ERROR, Z_DATA_ERROR, Z_MEM_ERROR, Z_BUF_ERROR, Z_VERSION_ERROR, Z_NO_COMPRESSION, Z_BEST_SPEED,
  Z_BEST_COMPRESSION, Z_DEFAULT_COMPRESSION, Z_FILTERED, Z_HUFFMAN_ONLY, Z_RLE, Z_FIXED, Z_DEFAULT_STRATEGY, ZLIB_VERNUM,
  DEFLATE, INFLATE, GZIP, GUNZIP, DEFLATERAW, INFLATERAW, UNZIP, Z_MIN_WINDOWBITS, Z_MAX_WINDOWBITS,
  Z_DEFAULT_WINDOWBITS, Z_MIN_CHUNK, Z_MAX_CHUNK, Z_DEFAULT_CHUNK, Z_MIN_MEMLEVEL, Z_MAX_MEMLEVEL, Z_DEFAULT_MEMLEVEL,
  Z_MIN_LEVEL, Z_MAX_LEVEL, Z_DEFAULT_LEVEL,
} = constants;

/** The module object (`import zlib from "zlib"`, `require("zlib")`), with Node's keys, order and attributes. Made by a
 *  pure call, so that an app importing names only (`import { gzip } from "zlib"`) bundles, and links, no Brotli. */
function moduleObject(): typeof import("node:zlib") {
  const zlib = {
    crc32, Deflate, Inflate, Gzip, Gunzip, DeflateRaw, InflateRaw, Unzip, BrotliCompress, BrotliDecompress,
    deflate, deflateSync, gzip, gzipSync, deflateRaw, deflateRawSync, unzip, unzipSync, inflate, inflateSync, gunzip,
    gunzipSync, inflateRaw, inflateRawSync, brotliCompress, brotliCompressSync, brotliDecompress, brotliDecompressSync,
  } as Record<string, unknown>;
  const factories = { createDeflate, createInflate, createDeflateRaw, createInflateRaw, createGzip, createGunzip,
    createUnzip, createBrotliCompress, createBrotliDecompress };
  for (const [name, fn] of Object.entries(factories)) {
    Object.defineProperty(zlib, name, { value: fn, configurable: true, enumerable: true, writable: false });
  }
  Object.defineProperty(zlib, "constants", { value: constants, configurable: false, enumerable: true, writable: false });
  Object.defineProperty(zlib, "codes", { value: codes, configurable: false, enumerable: true, writable: false });
  for (const key of Object.keys(constants)) {
    if (key.startsWith("BROTLI")) continue;
    Object.defineProperty(zlib, key, { value: constants[key as keyof typeof constants], enumerable: false, writable: false });
  }
  return zlib as unknown as typeof import("node:zlib");
}

export default /* @__PURE__ */ moduleObject();
