// libos/tls/index.ts — `node:tls` on Mbed TLS 3.6 (boot/native/tls_glue.c): connect, createServer/Server,
// TLSSocket, createSecureContext/SecureContext, checkServerIdentity, rootCertificates, getCiphers, the DEFAULT_*
// settings and convertALPNProtocols, as Node 20. TLS 1.2 and 1.3 only; createSecurePair (removed from Node's docs
// long ago) throws. Layer: libos. Depends on libos/net and the native TLS library (linked only into images whose
// bundle uses this module).
import { connect as netConnect } from "../node_net/index.ts";
type Duplex = import("node:stream").Duplex;
import { unsupportedFunction } from "../unsupported/_unsupported.ts";
import { cipherNames } from "./ciphers.ts";
import { checkServerIdentity } from "./identity.ts";
import { rootCertificates } from "./root_certs.ts";
import {
  DEFAULT_CIPHERS, DEFAULT_MAX_VERSION, DEFAULT_MIN_VERSION, SecureContext, createSecureContext,
} from "./secure_context.ts";
import { Server, createServer } from "./server.ts";
import { TLSSocket, type TLSSocketOptions } from "./tls_socket.ts";

export const CLIENT_RENEG_LIMIT = 3;
export const CLIENT_RENEG_WINDOW = 600;
export const DEFAULT_ECDH_CURVE = "auto";
export {
  DEFAULT_CIPHERS, DEFAULT_MAX_VERSION, DEFAULT_MIN_VERSION, SecureContext, createSecureContext, Server, createServer,
  TLSSocket, checkServerIdentity, rootCertificates,
};

export function getCiphers(): string[] {
  return cipherNames();
}

/** Node's ALPN wire form: each protocol as a length byte then its bytes. */
export function convertALPNProtocols(protocols: readonly string[] | Uint8Array, out: { ALPNProtocols?: Uint8Array }): void {
  if (protocols instanceof Uint8Array) { out.ALPNProtocols = protocols; return; }
  const parts: number[] = [];
  protocols.forEach((p, i) => {
    const bytes = new TextEncoder().encode(p);
    if (bytes.length > 255) throw Object.assign(new RangeError(`The byte length of the protocol at index ${i} exceeds the maximum length. It must be <= 255. Received ${bytes.length}`), { code: "ERR_OUT_OF_RANGE" });
    parts.push(bytes.length, ...bytes);
  });
  out.ALPNProtocols = Uint8Array.from(parts);
}

export interface ConnectionOptions extends TLSSocketOptions {
  port?: number;
  host?: string;
  path?: string;
  socket?: Duplex;
  localAddress?: string;
  timeout?: number;
  minDHSize?: number;
  highWaterMark?: number;
}

/** connect(options[, cb]), connect(port[, host][, options][, cb]). */
export function connect(...args: unknown[]): TLSSocket {
  const cb = typeof args[args.length - 1] === "function" ? (args.pop() as () => void) : undefined;
  let options: ConnectionOptions;
  if (typeof args[0] === "object" && args[0] !== null) options = { ...(args[0] as ConnectionOptions) };
  else {
    options = { port: Number(args[0]) };
    if (typeof args[1] === "string") options.host = args[1];
    const extra = args.find((a, i) => i > 0 && typeof a === "object" && a !== null) as ConnectionOptions | undefined;
    if (extra) options = { ...extra, ...options };
  }
  const envReject = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
  if (options.rejectUnauthorized === undefined) options.rejectUnauthorized = envReject !== "0";
  options.host ??= "localhost";
  const socket = new TLSSocket(options.socket ?? null, { ...options, isServer: false });
  if (cb) socket.once("secureConnect", cb);
  if (options.socket) socket._start();
  else {
    if (options.path !== undefined && options.path !== null) {
      process.nextTick(() => socket.destroy(Object.assign(new Error("connect ENOENT " + options.path + ": unijs has no Unix domain sockets"), { code: "ENOENT", syscall: "connect" })));
      return socket;
    }
    socket.connecting = true;
    const tcp = netConnect({ port: options.port ?? 443, host: options.host, localAddress: options.localAddress, timeout: options.timeout });
    socket._wrapTransport(tcp as unknown as Duplex);
  }
  return socket;
}

export const createSecurePair = unsupportedFunction("tls.createSecurePair",
  "createSecurePair was removed from Node's API long ago: use tls.TLSSocket", 4);

export default {
  CLIENT_RENEG_LIMIT, CLIENT_RENEG_WINDOW, DEFAULT_CIPHERS, DEFAULT_ECDH_CURVE, DEFAULT_MIN_VERSION, DEFAULT_MAX_VERSION,
  getCiphers, rootCertificates, convertALPNProtocols, checkServerIdentity, createSecureContext, SecureContext, TLSSocket,
  Server, createServer, connect, createSecurePair,
};
