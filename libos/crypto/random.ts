// libos/crypto/random.ts — randomBytes, randomFill(Sync), randomInt, randomUUID, getRandomValues, with Node 20's
// argument checks. The bytes come from the native CTR_DRBG (boot/native/mbedtls_glue.c), seeded on first use and
// reseeded after every 1 MiB with 48 bytes of the kernel's entropy pool (kernel/entropy.ts: RDSEED/RDRAND and
// virtio-rng, never a clock); the key and signature primitives draw from the same generator (ensureSeeded first).
// Callback forms deliver in the event loop's poll phase, as Node's thread-pool jobs do. Layer: libos.
import { entropyPool } from "../../kernel/entropy.ts";
import { loop } from "../../kernel/event_loop.ts";
import { Buffer } from "../buffer/index.ts";
import { domException } from "./_dom_exception.ts";
import { invalidArgType, outOfRange } from "./_errors.ts";
import { native } from "./_native.ts";
import { isAnyArrayBuffer, validateBoolean, validateFunction, validateNumber, validateObject, viewBytes } from "./_validate.ts";

type NodeBuffer = import("node:buffer").Buffer;

const RESEED_AFTER = 1 << 20;
const MAX_POSSIBLE_LENGTH = 2 ** 31 - 1;

/** Seeds the native generator on first use, and reseeds it once it has produced RESEED_AFTER bytes. */
export function ensureSeeded(): void {
  const n = native();
  const drawn = n.cryptoRandomDrawn();
  if (drawn < 0 || drawn >= RESEED_AFTER) reseed();
}

function reseed(): void {
  const seed = entropyPool().fill(new Uint8Array(48));
  native().cryptoRandomSeed(seed);
  seed.fill(0);
}

/** Fills bytes from the generator (no argument checks). */
export function fillRandom(bytes: Uint8Array): void {
  if (bytes.length === 0) return;
  ensureSeeded();
  if (native().cryptoRandomFill(bytes) >= RESEED_AFTER) reseed();
}

/** `size` random bytes as a new Uint8Array. */
export function randomUint8(size: number): Uint8Array {
  const b = new Uint8Array(size);
  fillRandom(b);
  return b;
}

/** Runs `work` in the poll phase and hands its result (or exception) to a Node-style callback. */
export function deliverLater<T>(work: () => T, callback: (err: Error | null, value?: T) => void, self?: unknown): void {
  loop().queueCompletion(() => {
    let value: T;
    try {
      value = work();
    } catch (e) {
      callback.call(self, e as Error);
      return;
    }
    callback.call(self, null, value);
  });
}

function assertOffset(offset: unknown, elementSize: number, length: number): number {
  validateNumber(offset, "offset");
  const bytes = offset * elementSize;
  const max = Math.min(length, MAX_POSSIBLE_LENGTH);
  if (Number.isNaN(bytes) || bytes > max || bytes < 0) throw outOfRange("offset", `>= 0 && <= ${max}`, bytes);
  return bytes >>> 0;
}

function assertSize(size: unknown, elementSize: number, offset: number, length: number): number {
  validateNumber(size, "size");
  const bytes = size * elementSize;
  if (Number.isNaN(bytes) || bytes > MAX_POSSIBLE_LENGTH || bytes < 0) {
    throw outOfRange("size", `>= 0 && <= ${MAX_POSSIBLE_LENGTH}`, bytes);
  }
  if (bytes + offset > length) throw outOfRange("size + offset", `<= ${length}`, bytes + offset);
  return bytes >>> 0;
}

type Fillable = ArrayBuffer | ArrayBufferView;

function checkFillable(buf: unknown): asserts buf is Fillable {
  if (!isAnyArrayBuffer(buf) && !ArrayBuffer.isView(buf)) throw invalidArgType("buf", ["ArrayBuffer", "ArrayBufferView"], buf);
}

const elementSize = (buf: Fillable) => (buf as { BYTES_PER_ELEMENT?: number }).BYTES_PER_ELEMENT || 1;

function fillRange(buf: Fillable, offset: number, size: number): void {
  const all = viewBytes(buf);
  fillRandom(all.subarray(offset, offset + size));
}

/** crypto.randomBytes(size[, callback]). */
export function randomBytes(size: unknown, callback?: (err: Error | null, buf?: NodeBuffer) => void): NodeBuffer | undefined {
  const n = assertSize(size, 1, 0, Infinity);
  if (callback !== undefined) validateFunction(callback, "callback");
  const buf = Buffer.alloc(n);
  if (callback === undefined) {
    fillRandom(buf);
    return buf;
  }
  deliverLater(() => { fillRandom(buf); return buf; }, callback);
  return undefined;
}

/** crypto.randomFillSync(buf[, offset[, size]]): offset and size count elements of a typed array. */
export function randomFillSync<T extends Fillable>(buf: T, offset: unknown = 0, size?: unknown): T {
  checkFillable(buf);
  const el = elementSize(buf);
  const off = assertOffset(offset, el, buf.byteLength);
  const n = size === undefined ? buf.byteLength - off : assertSize(size, el, off, buf.byteLength);
  if (n > 0) fillRange(buf, off, n);
  return buf;
}

/** crypto.randomFill(buf[, offset[, size]], callback). */
export function randomFill(buf: unknown, offset?: unknown, size?: unknown, callback?: unknown): void {
  checkFillable(buf);
  const el = elementSize(buf);
  if (typeof offset === "function") {
    callback = offset;
    offset = 0;
    size = (buf as { length?: number }).length;
  } else if (typeof size === "function") {
    callback = size;
    size = (buf as { length?: number }).length! - (offset as number);
  } else {
    validateFunction(callback, "callback");
  }
  const cb = callback as (err: Error | null, buf?: unknown) => void;
  const off = assertOffset(offset, el, buf.byteLength);
  const n = size === undefined ? buf.byteLength - off : assertSize(size, el, off, buf.byteLength);
  if (n === 0) {
    cb(null, buf);
    return;
  }
  deliverLater(() => { fillRange(buf, off, n); return buf; }, cb);
}

const RAND_MAX = 0xffff_ffff_ffff;
const intCache = new Uint8Array(6 * 1024);
let intOffset = intCache.length;

/** crypto.randomInt([min, ]max[, callback]): uniform in [min, max), max - min <= 2^48 - 1. */
export function randomInt(min: unknown, max?: unknown, callback?: unknown): number | undefined {
  const noMin = typeof max === "undefined" || typeof max === "function";
  if (noMin) {
    callback = max;
    max = min;
    min = 0;
  }
  const sync = typeof callback === "undefined";
  if (!sync) validateFunction(callback, "callback");
  if (!Number.isSafeInteger(min)) throw invalidArgType("min", "a safe integer", min);
  if (!Number.isSafeInteger(max)) throw invalidArgType("max", "a safe integer", max);
  const lo = min as number, hi = max as number;
  if (hi <= lo) throw outOfRange("max", `greater than the value of "min" (${lo})`, hi);
  const range = hi - lo;
  if (!(range <= RAND_MAX)) throw outOfRange(`max${noMin ? "" : " - min"}`, `<= ${RAND_MAX}`, range);
  const limit = RAND_MAX - (RAND_MAX % range);
  for (;;) {
    if (intOffset === intCache.length) {
      fillRandom(intCache);
      intOffset = 0;
    }
    const c = intCache, o = intOffset;
    const x = ((c[o] * 256 + c[o + 1]) * 256 + c[o + 2]) * 16777216 + ((c[o + 3] << 16) | (c[o + 4] << 8) | c[o + 5]);
    intOffset += 6;
    if (x < limit) {
      const n = (x % range) + lo;
      if (sync) return n;
      const cb = callback as (err: undefined, n: number) => void;
      queueMicrotaskTick(() => cb(undefined, n));
      return undefined;
    }
  }
}

/** process.nextTick without importing node:process (the callback of randomInt runs on the next tick in Node). */
function queueMicrotaskTick(fn: () => void): void {
  const p = (globalThis as { process?: { nextTick?: (f: () => void) => void } }).process;
  if (p?.nextTick) p.nextTick(fn);
  else queueMicrotask(fn);
}

const HEX: string[] = [];
for (let i = 0; i < 256; i++) HEX.push(i.toString(16).padStart(2, "0"));
const uuidBatch = new Uint8Array(16 * 128);
let uuidIndex = 0;

function formatUuid(b: Uint8Array, o: number): string {
  return HEX[b[o]] + HEX[b[o + 1]] + HEX[b[o + 2]] + HEX[b[o + 3]] + "-" + HEX[b[o + 4]] + HEX[b[o + 5]] + "-" +
    HEX[(b[o + 6] & 0x0f) | 0x40] + HEX[b[o + 7]] + "-" + HEX[(b[o + 8] & 0x3f) | 0x80] + HEX[b[o + 9]] + "-" +
    HEX[b[o + 10]] + HEX[b[o + 11]] + HEX[b[o + 12]] + HEX[b[o + 13]] + HEX[b[o + 14]] + HEX[b[o + 15]];
}

/** crypto.randomUUID([options]): an RFC 4122 version 4 UUID (random bytes drawn 128 UUIDs at a time). */
export function randomUUID(options?: unknown): string {
  if (options !== undefined) validateObject(options, "options");
  const { disableEntropyCache = false } = (options ?? {}) as { disableEntropyCache?: unknown };
  validateBoolean(disableEntropyCache, "options.disableEntropyCache");
  if (disableEntropyCache) return formatUuid(randomUint8(16), 0);
  if (uuidIndex === 0) fillRandom(uuidBatch);
  const at = uuidIndex * 16;
  uuidIndex = (uuidIndex + 1) % 128;
  return formatUuid(uuidBatch, at);
}

const INTEGER_ARRAYS = ["Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array", "Uint16Array", "Int32Array",
  "Uint32Array", "BigInt64Array", "BigUint64Array"];
const typedArrayTag = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype), Symbol.toStringTag)!.get!;

/** crypto.getRandomValues(typedArray) (Web Crypto's): integer typed arrays of at most 65,536 bytes. */
export function getRandomValues<T extends ArrayBufferView | null>(data: T): T {
  const kind = ArrayBuffer.isView(data) ? (typedArrayTag.call(data) as string | undefined) : undefined;
  if (!kind || !INTEGER_ARRAYS.includes(kind)) {
    throw domException("The data argument must be an integer-type TypedArray", "TypeMismatchError");
  }
  const view = data as unknown as ArrayBufferView;
  if (view.byteLength > 65536) throw domException("The requested length exceeds 65,536 bytes", "QuotaExceededError");
  fillRandom(viewBytes(view));
  return data;
}
