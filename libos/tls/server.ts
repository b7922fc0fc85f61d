// libos/tls/server.ts — tls.Server / tls.createServer: a net.Server whose accepted connections are wrapped in
// server-side TLSSockets; 'secureConnection' when a handshake completes, 'tlsClientError' (and a quiet close) when
// one fails or times out (handshakeTimeout, 120 s by default), SNI through SNICallback or addContext(), ALPN,
// requestCert/rejectUnauthorized, setSecureContext, getTicketKeys/setTicketKeys, 'keylog'. https.Server is the http
// server core over this class.
// Layer: libos (libos/tls). Depends on libos/net.
import { Buffer } from "../buffer/index.ts";
import { codedError, invalidArgType } from "../crypto/_errors.ts";
import { Server as NetServer, type Socket } from "../node_net/index.ts";
import { clearTimeout, setTimeout } from "../timers/index.ts";
import { createSecureContext, SecureContext, type SecureContextOptions } from "./secure_context.ts";
import { TLSSocket, type TLSSocketOptions } from "./tls_socket.ts";

export interface TlsServerOptions extends SecureContextOptions {
  requestCert?: boolean;
  rejectUnauthorized?: boolean;
  ALPNProtocols?: string[] | Uint8Array;
  ALPNCallback?: unknown;
  SNICallback?: TLSSocketOptions["SNICallback"];
  handshakeTimeout?: number;
  allowHalfOpen?: boolean;
  pauseOnConnect?: boolean;
  noDelay?: boolean;
  keepAlive?: boolean;
}

type SecureListener = (socket: TLSSocket) => void;

/** Turns a hostname pattern of addContext ("*.example.com") into a RegExp, as Node does. */
function contextPattern(servername: string): RegExp {
  const re = servername.replace(/([.^$+?\-\\[\]{}])/g, "\\$1").replace(/\*/g, "[^.]*");
  return new RegExp(`^${re}$`, "i");
}

export class Server extends NetServer {
  /** The event http's server core serves (https.Server): decrypted connections. */
  readonly httpConnectionEvent = "secureConnection";
  _sharedCreds: SecureContext;
  private secureOpts: TlsServerOptions;
  private sniContexts: [RegExp, SecureContext][] = [];

  constructor(options?: TlsServerOptions | SecureListener, listener?: SecureListener) {
    if (typeof options === "function") { listener = options; options = {}; }
    options ??= {};
    super(options as ConstructorParameters<typeof NetServer>[0]);
    this.secureOpts = { ...options };
    this._sharedCreds = createSecureContext(options);
    this.on("connection", (raw: Socket) => this.tlsConnection(raw));
    if (listener) this.on("secureConnection", listener);
  }

  private tlsConnection(raw: Socket): void {
    const o = this.secureOpts;
    const sni = o.SNICallback ?? (this.sniContexts.length ? (name: string, cb: (e: Error | null, c?: SecureContext) => void) => {
      const hit = this.sniContexts.find(([re]) => re.test(name));
      cb(null, hit ? hit[1] : undefined);
    } : undefined);
    const socket = new TLSSocket(raw, {
      isServer: true, server: this, secureContext: this._sharedCreds, requestCert: o.requestCert,
      rejectUnauthorized: o.rejectUnauthorized !== false, ALPNProtocols: o.ALPNProtocols, SNICallback: sni,
      allowHalfOpen: o.allowHalfOpen,
    });
    const limit = o.handshakeTimeout ?? 120_000;
    let timer = limit > 0 ? setTimeout(() => {
      socket.fail(Object.assign(new Error("TLS handshake timeout"), { code: "ERR_TLS_HANDSHAKE_TIMEOUT" }));
    }, limit) : null;
    timer?.unref();
    const stop = () => { if (timer) { clearTimeout(timer); timer = null; } };
    socket.on("_tlsError", (err: Error) => { stop(); this.emit("tlsClientError", err, socket); });
    socket.on("secure", () => { stop(); this.emit("secureConnection", socket); });
    socket.on("close", stop);
  }

  /** Replaces the credentials for new connections. */
  setSecureContext(options: TlsServerOptions): void {
    this.secureOpts = { ...this.secureOpts, ...options };
    this._sharedCreds = createSecureContext(this.secureOpts);
  }

  /** A context for clients that ask for `hostname` (wildcards allowed) when no SNICallback is given. */
  addContext(hostname: string, context: SecureContext | SecureContextOptions): void {
    if (typeof hostname !== "string") throw Object.assign(new TypeError(`The "servername" argument must be of type string. Received ${typeof hostname}`), { code: "ERR_INVALID_ARG_TYPE" });
    const ctx = context instanceof SecureContext ? context : createSecureContext(context);
    this.sniContexts.unshift([contextPattern(hostname), ctx]);
  }

  /** The 48 bytes that seal this server's session tickets (Node's layout: 16-byte name, 16 + 16 key bytes; Mbed
   *  TLS uses the name's first 4 bytes and bytes 16-47 as one AES-256-GCM key). */
  getTicketKeys(): import("node:buffer").Buffer {
    return Buffer.from(this._sharedCreds.context.getTicketKeys()) as import("node:buffer").Buffer;
  }

  /** New ticket keys: tickets sealed under the old ones no longer resume. */
  setTicketKeys(keys: Uint8Array): void {
    if (!ArrayBuffer.isView(keys)) throw invalidArgType("buffer", ["Buffer", "TypedArray", "DataView"], keys);
    if (keys.byteLength !== 48) {
      throw codedError(Error, "ERR_INTERNAL_ASSERTION", "Session ticket keys must be a 48-byte buffer\nThis is caused by " +
        "either a bug in Node.js or incorrect usage of Node.js internals.\nPlease open an issue with this stack trace at " +
        "https://github.com/nodejs/node/issues\n");
    }
    this._sharedCreds.context.setTicketKeys(new Uint8Array(keys.buffer, keys.byteOffset, keys.byteLength));
  }
}

export function createServer(options?: TlsServerOptions | SecureListener, listener?: SecureListener): Server {
  return new Server(options, listener);
}
