// libos/crypto/keys/jwk.ts — JSON Web Keys (RFC 7517/7518, RFC 8037 for OKP) to and from key material, with Node
// 20's member order on export and its checks and errors on import. Pure TypeScript (tested hosted).
// Layer: libos (private to libos/crypto).
import { codedError, invalidJwk } from "../_errors.ts";
import { bytesToString, stringBytes, validateObject, validateOneOf, validateString } from "../_validate.ts";
import { padStart, stripZeros } from "./der.ts";
import { CURVES, type KeyData } from "./key_data.ts";

export type Jwk = Record<string, string>;

const b64url = (b: Uint8Array) => bytesToString(b, "base64url");
const unb64 = (s: string) => stringBytes(s, "base64url");

export const jwkUnsupported = () => codedError(Error, "ERR_CRYPTO_JWK_UNSUPPORTED_KEY_TYPE", "Unsupported JWK Key Type.");

/** A secret key as a JWK. */
export function secretToJwk(k: Uint8Array): Jwk {
  return { kty: "oct", k: b64url(k) };
}

/** An asymmetric key as Node exports it (private members only for a private key). */
export function keyToJwk(k: KeyData): Jwk {
  switch (k.type) {
    case "rsa": {
      const jwk: Jwk = { kty: "RSA", n: b64url(stripZeros(k.n)), e: b64url(stripZeros(k.e)) };
      if (k.d) {
        for (const f of ["d", "p", "q", "dp", "dq", "qi"] as const) jwk[f] = b64url(stripZeros(k[f]!));
      }
      return jwk;
    }
    case "ec": {
      const size = k.curve.size;
      const jwk: Jwk = { kty: "EC", x: b64url(k.q.subarray(1, 1 + size)), y: b64url(k.q.subarray(1 + size)), crv: k.curve.jwk };
      if (k.d) jwk.d = b64url(k.d);
      return jwk;
    }
    case "ed25519": case "x25519": {
      const crv = k.type === "ed25519" ? "Ed25519" : "X25519";
      return k.d ? { crv, d: b64url(k.d), x: b64url(k.x), kty: "OKP" } : { crv, x: b64url(k.x), kty: "OKP" };
    }
  }
  throw jwkUnsupported();
}

/**
 * Key material from a JWK (Node's checks: kty, then each member's type; ERR_CRYPTO_INVALID_JWK for bad contents).
 * EC points and private keys are checked later, natively (keys/complete.ts).
 */
export function jwkToKey(jwk: unknown, isPublic: boolean): KeyData {
  validateObject(jwk, "key");
  validateOneOf(jwk.kty, "key.kty", ["RSA", "EC", "OKP"]);
  if (jwk.kty === "OKP") {
    validateString(jwk.crv, "key.crv");
    validateOneOf(jwk.crv, "key.crv", ["Ed25519", "Ed448", "X25519", "X448"]);
    validateString(jwk.x, "key.x");
    if (!isPublic) validateString(jwk.d, "key.d");
    if (jwk.crv === "Ed448" || jwk.crv === "X448") throw codedError(Error, "ERR_FEATURE_UNAVAILABLE_ON_PLATFORM",
      `The feature ${jwk.crv} keys is unavailable on the current platform, which is being used to run Node.js`);
    const data = unb64(isPublic ? jwk.x : jwk.d);
    if (data.length !== 32) throw invalidJwk();
    const type = jwk.crv === "Ed25519" ? "ed25519" : "x25519";
    return isPublic ? { type, x: data } : { type, d: data, x: new Uint8Array(0) };
  }
  if (jwk.kty === "EC") {
    validateString(jwk.crv, "key.crv");
    validateOneOf(jwk.crv, "key.crv", ["P-256", "secp256k1", "P-384", "P-521"]);
    validateString(jwk.x, "key.x");
    validateString(jwk.y, "key.y");
    if (!isPublic) validateString(jwk.d, "key.d");
    const curve = CURVES.find((c) => c.jwk === jwk.crv)!;
    const x = unb64(jwk.x), y = unb64(jwk.y);
    const bad = () => codedError(TypeError, "ERR_CRYPTO_INVALID_JWK", "Invalid JWK EC key");
    if (x.length > curve.size || y.length > curve.size) throw bad();
    const q = new Uint8Array(1 + 2 * curve.size);
    q[0] = 4;
    q.set(padStart(x, curve.size), 1);
    q.set(padStart(y, curve.size), 1 + curve.size);
    if (isPublic) return { type: "ec", curve, q };
    const d = unb64(jwk.d);
    if (d.length > curve.size) throw bad();
    return { type: "ec", curve, q, d: padStart(d, curve.size) };
  }
  validateString(jwk.n, "key.n");
  validateString(jwk.e, "key.e");
  const n = unb64(jwk.n), e = unb64(jwk.e);
  if (isPublic) return { type: "rsa", n: stripZeros(n), e: stripZeros(e) };
  for (const f of ["d", "p", "q", "dp", "dq", "qi"]) validateString(jwk[f], `key.${f}`);
  return {
    type: "rsa", n: stripZeros(n), e: stripZeros(e), d: stripZeros(unb64(jwk.d)), p: stripZeros(unb64(jwk.p)),
    q: stripZeros(unb64(jwk.q)), dp: stripZeros(unb64(jwk.dp)), dq: stripZeros(unb64(jwk.dq)), qi: stripZeros(unb64(jwk.qi)),
  };
}
