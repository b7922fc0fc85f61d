// libos/crypto/keys/crypto_key.ts — Web Crypto's CryptoKey: a KeyObject with an algorithm, usages and an extractable
// flag; not constructible by apps (ERR_ILLEGAL_CONSTRUCTOR), made by subtle's generate/import/derive through
// newCryptoKey. Layer: libos (part of libos/crypto/keys).
import { illegalConstructor, invalidThis } from "../_errors.ts";
import type { KeyObject } from "./key_object.ts";

export const kKeyObject = Symbol("kKeyObject");
const kAlgorithm = Symbol("kAlgorithm");
const kExtractable = Symbol("kExtractable");
const kUsages = Symbol("kKeyUsages");

interface Slots {
  [kKeyObject]: KeyObject;
  [kAlgorithm]: Record<string, unknown>;
  [kExtractable]: boolean;
  [kUsages]: string[];
}

function slots(self: unknown): Slots {
  if (!(self instanceof CryptoKey)) throw invalidThis("CryptoKey");
  return self as unknown as Slots;
}

export class CryptoKey {
  constructor() {
    throw illegalConstructor();
  }

  get type(): string {
    return slots(this)[kKeyObject].type;
  }

  get extractable(): boolean {
    return slots(this)[kExtractable];
  }

  get algorithm(): Record<string, unknown> {
    return slots(this)[kAlgorithm];
  }

  get usages(): string[] {
    return slots(this)[kUsages];
  }
}

for (const name of ["type", "extractable", "algorithm", "usages"]) {
  Object.defineProperty(CryptoKey.prototype, name, { enumerable: true });
}
Object.defineProperty(CryptoKey.prototype, Symbol.toStringTag, { value: "CryptoKey", configurable: true });
/** A brand libos/util's types.isCryptoKey can test without importing node:crypto (and its native library). */
Object.defineProperty(CryptoKey.prototype, Symbol.for("unijs.crypto.CryptoKey"), { value: true });

/** A CryptoKey over a KeyObject (the only way one is made). */
export function newCryptoKey(keyObject: KeyObject, algorithm: Record<string, unknown>, usages: string[],
                             extractable: boolean): CryptoKey {
  const key = Object.create(CryptoKey.prototype) as CryptoKey;
  Object.defineProperties(key, {
    [kKeyObject]: { value: keyObject },
    [kAlgorithm]: { value: algorithm },
    [kExtractable]: { value: extractable },
    [kUsages]: { value: usages },
  });
  return key;
}

export function isCryptoKey(v: unknown): v is CryptoKey {
  return v != null && (v as Partial<Slots>)[kKeyObject] !== undefined;
}

/** The KeyObject behind a CryptoKey. */
export function keyObjectOf(key: CryptoKey): KeyObject {
  return (key as unknown as Slots)[kKeyObject];
}
