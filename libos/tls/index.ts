// libos/tls/index.ts — `node:tls` until TLS lands: Node's names and constants (DEFAULT_MIN_VERSION etc.) exist;
// connect/createServer/createSecureContext and the TLSSocket/SecureContext/Server constructors throw
// ERR_FEATURE_UNAVAILABLE_ON_PLATFORM — unijs has no TLS yet (it arrives with the TLS work on Mbed TLS).
// Layer: libos. Depends on libos/net and libos/unsupported.
import { Socket } from "../net/node_net.ts";
import { unsupportedError, unsupportedFunction } from "../unsupported/_unsupported.ts";

const WHY = "unijs has no TLS yet (tls and https arrive with the TLS work)";

export const CLIENT_RENEG_LIMIT = 3;
export const CLIENT_RENEG_WINDOW = 600;
export const DEFAULT_CIPHERS = "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES256-GCM-SHA384:DHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-SHA256:DHE-RSA-AES128-SHA256:ECDHE-RSA-AES256-SHA384:DHE-RSA-AES256-SHA384:ECDHE-RSA-AES256-SHA256:DHE-RSA-AES256-SHA256:HIGH:!aNULL:!eNULL:!EXPORT:!DES:!RC4:!MD5:!PSK:!SRP:!CAMELLIA";
export const DEFAULT_ECDH_CURVE = "auto";
export const DEFAULT_MIN_VERSION = "TLSv1.2";
export const DEFAULT_MAX_VERSION = "TLSv1.3";
export const rootCertificates: readonly string[] = Object.freeze([]);

export class TLSSocket extends Socket {
  constructor() {
    super();
    throw unsupportedError("new tls.TLSSocket()", WHY);
  }
}
export class SecureContext {
  constructor() {
    throw unsupportedError("new tls.SecureContext()", WHY);
  }
}
export class Server {
  constructor() {
    throw unsupportedError("new tls.Server()", WHY);
  }
}
export const connect = unsupportedFunction("tls.connect", WHY, 3);
export const createServer = unsupportedFunction("tls.createServer", WHY, 2);
export const createSecureContext = unsupportedFunction("tls.createSecureContext", WHY, 1);
export const createSecurePair = unsupportedFunction("tls.createSecurePair", WHY, 4);
export function getCiphers(): string[] {
  return ["aes128-gcm-sha256", "aes128-sha", "aes128-sha256", "aes256-gcm-sha384", "aes256-sha", "aes256-sha256",
    "tls_aes_128_gcm_sha256", "tls_aes_256_gcm_sha384", "tls_chacha20_poly1305_sha256"];
}
/** Node's ALPN wire form: each protocol as a length byte then its bytes. */
export function convertALPNProtocols(protocols: readonly string[] | Uint8Array, out: { ALPNProtocols?: Uint8Array }): void {
  if (protocols instanceof Uint8Array) { out.ALPNProtocols = protocols; return; }
  const parts: number[] = [];
  for (const p of protocols) {
    const bytes = new TextEncoder().encode(p);
    if (bytes.length > 255) throw Object.assign(new RangeError(`The byte length of the protocol at index 0 exceeds the maximum length. It must be <= 255. Received ${bytes.length}`), { code: "ERR_OUT_OF_RANGE" });
    parts.push(bytes.length, ...bytes);
  }
  out.ALPNProtocols = Uint8Array.from(parts);
}
export const checkServerIdentity = unsupportedFunction("tls.checkServerIdentity", WHY, 2);

export default {
  CLIENT_RENEG_LIMIT, CLIENT_RENEG_WINDOW, DEFAULT_CIPHERS, DEFAULT_ECDH_CURVE, DEFAULT_MIN_VERSION, DEFAULT_MAX_VERSION,
  getCiphers, rootCertificates, convertALPNProtocols, checkServerIdentity, createSecureContext, SecureContext, TLSSocket,
  Server, createServer, connect, createSecurePair,
};
