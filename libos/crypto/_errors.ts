// libos/crypto/_errors.ts — Node 20's coded errors for node:crypto: the same class, `code` and message as Node, so
// code that tests `err.code` (or prints err.message) behaves as on Node. OpenSSL-derived errors carry Node's
// `library` and `reason` properties too. Private to libos/crypto. Layer: libos.
import { inspect } from "../util/index.ts";

export type CodedError = Error & { code?: string; library?: string; reason?: string };

/** An error of class `Ctor` with Node's `code` property (an own, enumerable property, as Node's). */
export function codedError<E extends Error>(Ctor: new (m: string) => E, code: string, message: string): E & { code: string } {
  const e = new Ctor(message) as E & { code: string };
  e.code = code;
  return e;
}

/** The code prefix Node gives errors of an OpenSSL library (its ERR_OSSL_<LIB>_<REASON> codes). */
const OSSL_LIBRARY_PREFIX: Record<string, string> = {
  "digital envelope routines": "EVP_", "asn1 encoding routines": "ASN1_", "common libcrypto routines": "CRYPTO_",
  "rsa routines": "RSA_", "elliptic curve routines": "EC_", "PEM routines": "PEM_", "bignum routines": "BN_",
};

/** An error from OpenSSL as Node 20 reports it: "error:<hex>:<library>::<reason>", code ERR_OSSL_[<LIB>_]<REASON>. */
export function opensslError(hex: string, library: string, reason: string, Ctor: new (m: string) => Error = Error): CodedError {
  const e = new Ctor(`error:${hex}:${library}::${reason}`) as CodedError;
  e.library = library;
  e.reason = reason;
  e.code = `ERR_OSSL_${OSSL_LIBRARY_PREFIX[library] ?? ""}${reason.toUpperCase().replace(/[^A-Z0-9]+/g, "_")}`;
  return e;
}

/** A plain Error with no code (what Node throws for several OpenSSL failures). */
export const plainError = (message: string): Error => new Error(message);

// --- Node's message formatting (internal/errors) ---

const TYPE_NAMES = ["string", "function", "number", "object", "Function", "Object", "boolean", "bigint", "symbol"];
const CLASS_NAME = /^([A-Z][a-z0-9]*)+$/;

function formatList(list: string[], or: string): string {
  return list.length < 3 ? list.join(` ${or} `) : `${list.slice(0, -1).join(", ")}, ${or} ${list[list.length - 1]}`;
}

/** Node's description of a received value: "type string ('x')", "an instance of Foo", "null", ... */
export function describeReceived(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  switch (typeof value) {
    case "bigint": return `type bigint (${value}n)`;
    case "number":
      if (value === 0) return 1 / value === -Infinity ? "type number (-0)" : "type number (0)";
      return `type number (${value})`;
    case "boolean": return `type boolean (${value})`;
    case "symbol": return `type symbol (${String(value)})`;
    case "function": return `function ${(value as { name?: string }).name}`;
    case "object": {
      const ctor = (value as { constructor?: { name?: string } }).constructor;
      if (ctor && "name" in ctor) return `an instance of ${ctor.name}`;
      return inspect(value, { depth: -1 });
    }
    case "string": {
      const s = value.length > 28 ? `${value.slice(0, 25)}...` : value;
      return s.includes("'") ? `type string (${JSON.stringify(s)})` : `type string ('${s}')`;
    }
  }
  return String(value);
}

/** ERR_INVALID_ARG_TYPE: `name` must be one of `expected` ("string", "Buffer", "an instance of ..."). */
export function invalidArgType(name: string, expected: string | string[], actual: unknown): TypeError {
  const list = Array.isArray(expected) ? expected : [expected];
  let msg = "The ";
  msg += name.endsWith(" argument") ? `${name} ` : `"${name}" ${name.includes(".") ? "property" : "argument"} `;
  msg += "must be ";
  const types: string[] = [], instances: string[] = [], other: string[] = [];
  for (const v of list) {
    if (TYPE_NAMES.includes(v)) types.push(v.toLowerCase());
    else if (CLASS_NAME.test(v)) instances.push(v);
    else other.push(v);
  }
  if (instances.length > 0) {
    const at = types.indexOf("object");
    if (at !== -1) { types.splice(at, 1); instances.push("Object"); }
  }
  if (types.length > 0) {
    msg += `${types.length > 1 ? "one of type" : "of type"} ${formatList(types, "or")}`;
    if (instances.length > 0 || other.length > 0) msg += " or ";
  }
  if (instances.length > 0) {
    msg += `an instance of ${formatList(instances, "or")}`;
    if (other.length > 0) msg += " or ";
  }
  if (other.length > 0) {
    if (other.length > 1) msg += `one of ${formatList(other, "or")}`;
    else msg += (other[0].toLowerCase() !== other[0] ? "an " : "") + other[0];
  }
  return codedError(TypeError, "ERR_INVALID_ARG_TYPE", `${msg}. Received ${describeReceived(actual)}`);
}

/** ERR_INVALID_ARG_VALUE (a TypeError, or a RangeError with `range`). */
export function invalidArgValue(name: string, value: unknown, reason = "is invalid", range = false): Error {
  let shown = inspect(value);
  if (shown.length > 128) shown = `${shown.slice(0, 128)}...`;
  const kind = name.includes(".") ? "property" : "argument";
  return codedError(range ? RangeError : TypeError, "ERR_INVALID_ARG_VALUE", `The ${kind} '${name}' ${reason}. Received ${shown}`);
}

function withSeparators(s: string): string {
  let out = "";
  let i = s.length;
  const start = s[0] === "-" ? 1 : 0;
  for (; i >= start + 4; i -= 3) out = `_${s.slice(i - 3, i)}${out}`;
  return `${s.slice(0, i)}${out}`;
}

/** ERR_OUT_OF_RANGE: `The value of "name" is out of range. It must be <range>. Received <value>`. */
export function outOfRange(name: string, range: string, value: unknown): RangeError {
  let shown: string;
  if (typeof value === "number" && Number.isInteger(value) && Math.abs(value) > 2 ** 32) shown = withSeparators(String(value));
  else if (typeof value === "bigint") {
    shown = String(value);
    if (value > 2n ** 32n || value < -(2n ** 32n)) shown = withSeparators(shown);
    shown += "n";
  } else shown = inspect(value);
  return codedError(RangeError, "ERR_OUT_OF_RANGE", `The value of "${name}" is out of range. It must be ${range}. Received ${shown}`);
}

export const missingOption = (what: string) => codedError(TypeError, "ERR_MISSING_OPTION", `${what} is required`);
export const invalidThis = (type: string) => codedError(TypeError, "ERR_INVALID_THIS", `Value of "this" must be of type ${type}`);
export const illegalConstructor = () => codedError(TypeError, "ERR_ILLEGAL_CONSTRUCTOR", "Illegal constructor");
export const incompatibleOptionPair = (a: string, b: string) =>
  codedError(TypeError, "ERR_INCOMPATIBLE_OPTION_PAIR", `Option "${a}" cannot be used in combination with option "${b}"`);
export const missingArgs = (name: string) => codedError(TypeError, "ERR_MISSING_ARGS", `The "${name}" argument must be specified`);

// --- node:crypto's own codes ---
export const hashFinalized = () => codedError(Error, "ERR_CRYPTO_HASH_FINALIZED", "Digest already called");
export const invalidDigest = (name: unknown) => codedError(TypeError, "ERR_CRYPTO_INVALID_DIGEST", `Invalid digest: ${name}`);
export const invalidState = (op: string) => codedError(Error, "ERR_CRYPTO_INVALID_STATE", `Invalid state for operation ${op}`);
export const invalidKeyLength = () => codedError(RangeError, "ERR_CRYPTO_INVALID_KEYLEN", "Invalid key length");
export const invalidIv = () => codedError(TypeError, "ERR_CRYPTO_INVALID_IV", "Invalid initialization vector");
export const unknownCipher = () => codedError(Error, "ERR_CRYPTO_UNKNOWN_CIPHER", "Unknown cipher");
export const invalidAuthTag = (message: string) => codedError(TypeError, "ERR_CRYPTO_INVALID_AUTH_TAG", message);
export const timingSafeLength = () =>
  codedError(RangeError, "ERR_CRYPTO_TIMING_SAFE_EQUAL_LENGTH", "Input buffers must have the same byte length");
export const invalidScryptParams = (detail?: string) =>
  codedError(RangeError, "ERR_CRYPTO_INVALID_SCRYPT_PARAMS", detail ? `Invalid scrypt params: ${detail}` : "Invalid scrypt params");
export const scryptInvalidParameter = () => codedError(Error, "ERR_CRYPTO_SCRYPT_INVALID_PARAMETER", "Invalid scrypt parameter");
export const invalidJwk = () => codedError(TypeError, "ERR_CRYPTO_INVALID_JWK", "Invalid JWK data");
export const invalidKeyObjectType = (got: string, expected: string) =>
  codedError(TypeError, "ERR_CRYPTO_INVALID_KEY_OBJECT_TYPE", `Invalid key object type ${got}, expected ${expected}.`);
export const incompatibleKey = (what: string, detail: string) =>
  codedError(Error, "ERR_CRYPTO_INCOMPATIBLE_KEY", `Incompatible ${what}: ${detail}`);
export const incompatibleKeyOptions = (a: string, b: string) =>
  codedError(Error, "ERR_CRYPTO_INCOMPATIBLE_KEY_OPTIONS", `The selected key encoding ${a} ${b}.`);
export const signKeyRequired = () => codedError(Error, "ERR_CRYPTO_SIGN_KEY_REQUIRED", "No key provided to sign");
export const invalidCurve = () => codedError(TypeError, "ERR_CRYPTO_INVALID_CURVE", "Invalid EC curve name");
export const invalidKeyType = () => codedError(TypeError, "ERR_CRYPTO_INVALID_KEYTYPE", "Invalid key type");
export const operationFailed = (message: string) => codedError(Error, "ERR_CRYPTO_OPERATION_FAILED", message);
export const invalidMessageLength = () => codedError(RangeError, "ERR_CRYPTO_INVALID_MESSAGELEN", "Invalid message length");
export const ecdhInvalidFormat = (f: unknown) => codedError(TypeError, "ERR_CRYPTO_ECDH_INVALID_FORMAT", `Invalid ECDH format: ${f}`);
export const ecdhInvalidPublicKey = () =>
  codedError(Error, "ERR_CRYPTO_ECDH_INVALID_PUBLIC_KEY", "Public key is not valid for specified curve");
export const featureUnavailable = (what: string) =>
  codedError(Error, "ERR_FEATURE_UNAVAILABLE_ON_PLATFORM",
    `The feature ${what} is unavailable on the current platform, which is being used to run Node.js`);

/** What unijs leaves out of node:crypto (documented gaps): an Error naming the feature. */
export function notSupported(what: string): CodedError {
  return codedError(Error, "ERR_FEATURE_UNAVAILABLE_ON_PLATFORM",
    `The feature ${what} is unavailable on the current platform, which is being used to run Node.js`);
}
