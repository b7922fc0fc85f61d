// libos/crypto/webcrypto/index.ts — Web Crypto as Node 20 exposes it: crypto.webcrypto (a Crypto: subtle,
// getRandomValues, randomUUID) and crypto.subtle. The global `crypto` of images is the runtime's own
// (libos/runtime/start.ts); this module does not replace it. Layer: libos.
import { illegalConstructor, invalidThis } from "../_errors.ts";
import { CryptoKey } from "../keys/crypto_key.ts";
import { getRandomValues as fillRandomValues, randomUUID as uuid } from "../random.ts";
import { requiredArguments } from "./_webidl.ts";
import { subtle, SubtleCrypto } from "./subtle.ts";

export class Crypto {
  constructor() {
    throw illegalConstructor();
  }

  get subtle(): SubtleCrypto {
    if (this !== webcrypto) throw invalidThis("Crypto");
    return subtle;
  }
}

function getRandomValues<T extends ArrayBufferView | null>(this: unknown, array: T): T {
  if (this !== webcrypto) throw invalidThis("Crypto");
  requiredArguments(arguments.length, 1, "Failed to execute 'getRandomValues' on 'Crypto'");
  return fillRandomValues(array);
}

function randomUUID(this: unknown): string {
  if (this !== webcrypto) throw invalidThis("Crypto");
  return uuid();
}

Object.defineProperties(Crypto.prototype, {
  [Symbol.toStringTag]: { value: "Crypto", configurable: true },
  subtle: { enumerable: true },
  getRandomValues: { value: getRandomValues, enumerable: true, configurable: true, writable: true },
  randomUUID: { value: randomUUID, enumerable: true, configurable: true, writable: true },
});

export interface Crypto {
  getRandomValues: typeof getRandomValues;
  randomUUID: typeof randomUUID;
}

/** crypto.webcrypto. */
export const webcrypto: Crypto = Object.create(Crypto.prototype);

export { CryptoKey, subtle, SubtleCrypto };
