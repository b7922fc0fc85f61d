// libos/crypto/prime.ts — checkPrime(Sync) and generatePrime(Sync) (Node 20's options: checks; add, rem, safe,
// bigint) over Mbed TLS's Miller-Rabin test and prime generation. Primes with add/rem are searched here, over the
// native test (OpenSSL's defaults: rem 1, or 3 for safe primes). Layer: libos.
import { codedError, invalidArgType, outOfRange } from "./_errors.ts";
import { native } from "./_native.ts";
import { isAnyArrayBuffer, validateBoolean, validateFunction, validateInt32, validateObject, viewBytes } from "./_validate.ts";
import { deliverLater, ensureSeeded, randomUint8 } from "./random.ts";

const BYTE_TYPES = ["ArrayBuffer", "TypedArray", "Buffer", "DataView", "bigint"];

/** Unsigned big-endian bytes of a BigInt (by shifting: the engine's BigInt#toString(16) can print a leading 0). */
function bigintBytes(v: bigint, name: string): Uint8Array {
  if (v < 0n) throw outOfRange(name, ">= 0", v);
  const bytes: number[] = [];
  for (let x = v; x > 0n; x >>= 8n) bytes.push(Number(x & 0xffn));
  if (bytes.length === 0) bytes.push(0);
  return Uint8Array.from(bytes.reverse());
}

function bitLength(v: bigint): number {
  let n = 0;
  for (let x = v; x > 0n; x >>= 1n) n++;
  return n;
}

function numberBytes(v: unknown, name: string): Uint8Array {
  if (typeof v === "bigint") return bigintBytes(v, name);
  if (isAnyArrayBuffer(v)) return new Uint8Array(v);
  if (ArrayBuffer.isView(v)) return viewBytes(v);
  throw invalidArgType(name, BYTE_TYPES, v);
}

const toBigInt = (b: Uint8Array): bigint => {
  let v = 0n;
  for (const x of b) v = (v << 8n) | BigInt(x);
  return v;
};

function isPrime(candidate: Uint8Array, checks: number): boolean {
  ensureSeeded();
  return native().cryptoPrimeCheck(candidate, checks);
}

function checkArgs(candidate: unknown, options: unknown): { bytes: Uint8Array; checks: number } {
  const bytes = numberBytes(candidate, "candidate");
  validateObject(options, "options");
  const { checks = 0 } = options;
  validateInt32(checks, "options.checks", 0);
  return { bytes, checks };
}

/** crypto.checkPrimeSync(candidate[, { checks }]). */
export function checkPrimeSync(candidate: unknown, options: unknown = {}): boolean {
  const { bytes, checks } = checkArgs(candidate, options);
  return isPrime(bytes, checks);
}

/** crypto.checkPrime(candidate[, options], callback(err, result)). */
export function checkPrime(candidate: unknown, options: unknown = {}, callback?: unknown): void {
  if (typeof candidate !== "bigint" && !isAnyArrayBuffer(candidate) && !ArrayBuffer.isView(candidate)) {
    throw invalidArgType("candidate", BYTE_TYPES, candidate);
  }
  if (typeof options === "function") {
    callback = options;
    options = {};
  }
  validateFunction(callback, "callback");
  const { bytes, checks } = checkArgs(candidate, options);
  const cb = callback as (e: Error | undefined, r?: boolean) => void;
  deliverLater(() => isPrime(bytes, checks), (err, ok) => (err ? cb(err) : cb(undefined, ok)));   // Node: (undefined, result)
}

interface PrimeJob { bits: number; safe: boolean; add?: bigint; rem?: bigint; bigint: boolean }

function primeJob(size: unknown, options: unknown): PrimeJob {
  validateInt32(size, "size", 1);
  validateObject(options, "options");
  const { safe = false, bigint = false } = options;
  validateBoolean(safe, "options.safe");
  validateBoolean(bigint, "options.bigint");
  let add: bigint | undefined, rem: bigint | undefined;
  if (options.add !== undefined) add = toBigInt(numberBytes(options.add, "options.add"));
  if (options.rem !== undefined) rem = toBigInt(numberBytes(options.rem, "options.rem"));
  if (add !== undefined) {
    if (bitLength(add) > size) throw codedError(RangeError, "ERR_OUT_OF_RANGE", "invalid options.add");
    if (rem !== undefined && add <= rem) throw codedError(RangeError, "ERR_OUT_OF_RANGE", "invalid options.rem");
  }
  return { bits: size, safe, add, rem, bigint };
}

const bitsTooSmall = () => new Error("error:01800076:bignum routines::bits too small");

function generate(job: PrimeJob): bigint | ArrayBuffer {
  const { bits, safe } = job;
  let prime: bigint;
  if (bits < 2 || (bits === 2 && safe)) throw bitsTooSmall();
  if (job.add !== undefined) prime = searchPrime(job);
  else if (bits === 2) prime = randomUint8(1)[0] & 1 ? 3n : 2n;
  else {
    ensureSeeded();
    prime = toBigInt(new Uint8Array(native().cryptoPrimeGenerate(bits, safe)));
  }
  if (job.bigint) return prime;
  return bigintBytes(prime, "prime").buffer as ArrayBuffer;
}

/** A prime p of `bits` bits with p mod add = rem (and (p-1)/2 prime when safe), as OpenSSL searches for one. */
function searchPrime(job: PrimeJob): bigint {
  const add = job.add!, rem = job.rem ?? (job.safe ? 3n : 1n);
  const top = 1n << BigInt(job.bits - 1);
  for (;;) {
    const r = toBigInt(randomUint8(Math.ceil(job.bits / 8))) % top;
    let p = top | r;
    p = p - (p % add) + rem;
    for (; bitLength(p) === job.bits; p += add) {
      if (isPrime(bigintBytes(p, "p"), 0) && (!job.safe || isPrime(bigintBytes((p - 1n) / 2n, "q"), 0))) return p;
    }
  }
}

/** crypto.generatePrimeSync(size[, options]). */
export function generatePrimeSync(size: unknown, options: unknown = {}): bigint | ArrayBuffer {
  return generate(primeJob(size, options));
}

/** crypto.generatePrime(size[, options], callback(err, prime)). */
export function generatePrime(size: unknown, options: unknown, callback?: unknown): void {
  validateInt32(size, "size", 1);
  if (typeof options === "function") {
    callback = options;
    options = {};
  }
  validateFunction(callback, "callback");
  const job = primeJob(size, options);
  const cb = callback as (e: Error | undefined, p?: bigint | ArrayBuffer) => void;
  deliverLater(() => generate(job), (err, p) => (err ? cb(err) : cb(undefined, p)));
}
