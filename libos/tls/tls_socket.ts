// libos/tls/tls_socket.ts — tls.TLSSocket: a net.Socket whose bytes are TLS records carried by another duplex (a
// net.Socket from tls.connect or a server's accepted connection, or any stream.Duplex given as `socket`). The
// native session (boot/native/tls_glue.c) turns ciphertext from the transport into plaintext pushed here, and
// plaintext written here into records written to the transport. Handshake, verification (Node's codes:
// UNABLE_TO_VERIFY_LEAF_SIGNATURE, SELF_SIGNED_CERT_IN_CHAIN, DEPTH_ZERO_SELF_SIGNED_CERT, CERT_HAS_EXPIRED,
// ERR_TLS_CERT_ALTNAME_INVALID, ...), ALPN, SNI (a server peeks at the ClientHello for SNICallback), session
// resumption ('session' events, `session` option), getPeerCertificate/getCipher/getProtocol as Node 20; client
// certificates (requestCert: a missing one refused in the handshake, a bad one reported or dropped quietly, as Node),
// 'keylog' (NSS lines; a server's sockets report to the server), exportKeyingMaterial, get(Peer)X509Certificate.
// Layer: libos (libos/tls). Depends on libos/net, libos/buffer, the native TLS library.
import { Buffer } from "../buffer/index.ts";
import { codedError, invalidArgType, outOfRange } from "../crypto/_errors.ts";
import { x509Slot } from "../crypto/_x509_slot.ts";
import { Socket } from "../node_net/index.ts";
import { JSStreamSocket } from "./js_stream_socket.ts";
import { isIP } from "../net/ip.ts";
type Duplex = import("node:stream").Duplex;
import { suiteById } from "./ciphers.ts";
import { checkServerIdentity as defaultCheckServerIdentity } from "./identity.ts";
import { BADCERT, tlsNative, type NativeTlsSession } from "./_native.ts";
import { SecureContext, createSecureContext, type SecureContextOptions } from "./secure_context.ts";
import { parseCertificate, type CertInfo, type PeerCertificate } from "./x509.ts";

type NodeBuffer = import("node:buffer").Buffer;

export interface TLSSocketOptions extends SecureContextOptions {
  isServer?: boolean;
  server?: import("./server.ts").Server;
  secureContext?: SecureContext;
  requestCert?: boolean;
  rejectUnauthorized?: boolean;
  ALPNProtocols?: string[] | Uint8Array;
  SNICallback?: (servername: string, cb: (err: Error | null, ctx?: SecureContext) => void) => void;
  session?: Uint8Array;
  servername?: string;
  host?: string;
  checkServerIdentity?: (host: string, cert: PeerCertificate) => Error | undefined;
  allowHalfOpen?: boolean;
}

const READ_CHUNK = 16384;

/** Node-style TLS error: code, library and reason, as Node's OpenSSL errors carry them. */
function sslError(code: string, reason: string, native?: number): Error & { code: string } {
  const e = new Error(native === undefined ? reason : `${reason} (Mbed TLS error -0x${(-native).toString(16)})`) as Error & { code: string; library: string; reason: string };
  e.code = code;
  e.library = "SSL routines";
  e.reason = reason;
  return e;
}

/** Alerts as OpenSSL names them in its error reasons (RFC 8446 §6 numbers). */
const ALERTS: Record<number, string> = {
  10: "sslv3 alert unexpected message", 20: "sslv3 alert bad record mac", 40: "sslv3 alert handshake failure",
  42: "sslv3 alert bad certificate", 43: "sslv3 alert unsupported certificate", 44: "sslv3 alert certificate revoked",
  45: "sslv3 alert certificate expired", 46: "sslv3 alert certificate unknown", 47: "sslv3 alert illegal parameter",
  48: "tlsv1 alert unknown ca", 49: "tlsv1 alert access denied", 50: "tlsv1 alert decode error",
  51: "tlsv1 alert decrypt error", 70: "tlsv1 alert protocol version", 71: "tlsv1 alert insufficient security",
  80: "tlsv1 alert internal error", 86: "tlsv1 alert inappropriate fallback", 90: "tlsv1 alert user cancelled",
  109: "tlsv13 alert missing extension", 110: "tlsv1 unsupported extension", 112: "tlsv1 unrecognized name",
  116: "tlsv13 alert certificate required", 120: "tlsv1 alert no application protocol",
};

/** A handshake or record failure as Node reports it (a fatal alert from the peer: OpenSSL's name for it). */
function failure(code: number, alert = -1): Error & { code: string } {
  const c = tlsNative().tlsCodes;
  if (code === c.FATAL_ALERT_MESSAGE && ALERTS[alert]) {
    const reason = ALERTS[alert];
    return sslError(`ERR_SSL_${reason.toUpperCase().replace(/ /g, "_")}`, reason, code);
  }
  switch (code) {
    case c.BAD_PROTOCOL_VERSION: return sslError("ERR_SSL_UNSUPPORTED_PROTOCOL", "unsupported protocol", code);
    case c.INVALID_RECORD: return sslError("ERR_SSL_WRONG_VERSION_NUMBER", "wrong version number", code);
    case c.INVALID_MAC: return sslError("ERR_SSL_DECRYPTION_FAILED_OR_BAD_RECORD_MAC", "decryption failed or bad record mac", code);
    case c.FATAL_ALERT_MESSAGE: return sslError("ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE", "sslv3 alert handshake failure", code);
    case c.HANDSHAKE_FAILURE: return sslError("ERR_SSL_NO_SHARED_CIPHER", "no shared cipher", code);
    case c.NO_APPLICATION_PROTOCOL: return sslError("ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL", "tlsv1 alert no application protocol", code);
    case c.DECODE_ERROR: return sslError("ERR_SSL_DECODE_ERROR", "decode error", code);
    case c.UNEXPECTED_MESSAGE: case c.UNEXPECTED_RECORD: return sslError("ERR_SSL_UNEXPECTED_MESSAGE", "unexpected message", code);
    case c.ILLEGAL_PARAMETER: return sslError("ERR_SSL_ILLEGAL_PARAMETER", "illegal parameter", code);
    case c.UNSUPPORTED_EXTENSION: return sslError("ERR_SSL_UNSUPPORTED_EXTENSION", "unsupported extension", code);
    case c.BAD_CERTIFICATE: return sslError("ERR_SSL_BAD_CERTIFICATE", "bad certificate", code);
    case c.NO_CLIENT_CERTIFICATE: case c.X509_CERT_VERIFY_FAILED:
      return sslError("ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE", "peer did not return a certificate", code);
    case c.ALLOC_FAILED: return sslError("ERR_SSL_MALLOC_FAILURE", "malloc failure", code);
    default: return sslError("ERR_SSL_HANDSHAKE_FAILURE", "TLS failure", code);
  }
}

/** The verification error (Node's code and message) of a peer chain, or null when it verified. */
function verifyError(flags: number, chain: CertInfo[]): (Error & { code: string }) | null {
  const f = flags & ~BADCERT.CN_MISMATCH;              // the name is checked by checkServerIdentity
  const e = (code: string, msg: string) => Object.assign(new Error(msg), { code });
  if (f === 0) return null;
  // No certificate at all: OpenSSL's verify result then is "unable to get issuer certificate" (Node reports it so).
  if (chain.length === 0 || (f & BADCERT.MISSING)) return e("UNABLE_TO_GET_ISSUER_CERT", "unable to get issuer certificate");
  if (f & BADCERT.NOT_TRUSTED) {
    if (chain.length === 1 && chain[0].selfIssued) return e("DEPTH_ZERO_SELF_SIGNED_CERT", "self-signed certificate");
    if (chain.some((c) => c.selfIssued)) return e("SELF_SIGNED_CERT_IN_CHAIN", "self-signed certificate in certificate chain");
    if (chain.length === 1) return e("UNABLE_TO_VERIFY_LEAF_SIGNATURE", "unable to verify the first certificate");
    return e("UNABLE_TO_GET_ISSUER_CERT_LOCALLY", "unable to get local issuer certificate");
  }
  if (f & BADCERT.EXPIRED) return e("CERT_HAS_EXPIRED", "certificate has expired");
  if (f & BADCERT.FUTURE) return e("CERT_NOT_YET_VALID", "certificate is not yet valid");
  if (f & BADCERT.REVOKED) return e("CERT_REVOKED", "certificate revoked");
  if (f & (BADCERT.KEY_USAGE | BADCERT.EXT_KEY_USAGE | BADCERT.NS_CERT_TYPE)) return e("INVALID_PURPOSE", "unsupported certificate purpose");
  if (f & BADCERT.BAD_MD) return e("CA_MD_TOO_WEAK", "CA signature digest algorithm too weak");
  if (f & (BADCERT.BAD_KEY | BADCERT.BAD_PK)) return e("EE_KEY_TOO_SMALL", "EE certificate key too weak");
  return e("CERT_REJECTED", "certificate rejected");
}

/** The server name a ClientHello asks for: undefined while the record is incomplete, null when it names none. */
export function clientHelloServername(b: Uint8Array): string | null | undefined {
  if (b.length < 5) return undefined;
  if (b[0] !== 0x16) return null;
  const recLen = (b[3] << 8) | b[4];
  if (b.length < 5 + recLen) return undefined;
  const h = b.subarray(5, 5 + recLen);
  if (h.length < 4 || h[0] !== 1) return null;
  let p = 4 + 2 + 32;
  const need = (n: number) => p + n <= h.length;
  if (!need(1)) return null;
  p += 1 + h[p];                                           // session id
  if (!need(2)) return null;
  p += 2 + ((h[p] << 8) | h[p + 1]);                       // cipher suites
  if (!need(1)) return null;
  p += 1 + h[p];                                           // compression methods
  if (!need(2)) return null;
  const end = Math.min(h.length, p + 2 + ((h[p] << 8) | h[p + 1]));
  p += 2;
  while (p + 4 <= end) {
    const type = (h[p] << 8) | h[p + 1];
    const len = (h[p + 2] << 8) | h[p + 3];
    p += 4;
    if (type === 0 && p + 5 <= end && h[p + 2] === 0) {
      const nameLen = (h[p + 3] << 8) | h[p + 4];
      if (p + 5 + nameLen > end) return null;
      return String.fromCharCode(...h.subarray(p + 5, p + 5 + nameLen));
    }
    p += len;
  }
  return null;
}

export class TLSSocket extends Socket {
  encrypted = true;
  authorized = false;
  authorizationError: string | null = null;
  alpnProtocol: string | false | null = null;
  servername: string | false | null = null;
  secureConnecting = true;
  _secureEstablished = false;
  /** The transport (Node's `_parent` for a wrapped socket). */
  _parent: Duplex | null;
  readonly ssl: object | null = null;
  private session: NativeTlsSession | null = null;
  private readonly isServer: boolean;
  private readonly opts: TLSSocketOptions;
  private context: SecureContext;
  private established = false;
  private readPaused = false;
  private transportEnded = false;
  private eofPushed = false;
  private peerChain: CertInfo[] = [];
  private early: Buffer[] = [];
  private pendingWrites: { data: Uint8Array; cb: (e?: Error | null) => void }[] = [];
  private finalPending: ((e?: Error | null) => void) | null = null;
  private sessionBytes: NodeBuffer | undefined;
  private timeoutForwarded = false;
  private keylogWanted = false;

  constructor(socket: Duplex | null | undefined, options: TLSSocketOptions = {}) {
    super({ allowHalfOpen: options.allowHalfOpen });
    this.opts = options;
    this.isServer = !!options.isServer;
    this.context = options.secureContext ?? createSecureContext(options);
    this._parent = socket ?? null;
    // 'keylog' listeners turn the session's key log on (Node enables its callback the same way).
    this.on("newListener", (event: string | symbol) => {
      if (event === "keylog" && !this.isServer) { this.keylogWanted = true; this.session?.enableKeylog(); }
    });
    // A client's handshake waits for _start() (tls.connect calls it), as in Node: `new tls.TLSSocket(duplex)`
    // alone writes nothing (http2-wrapper builds one over a PassThrough, which would echo the ClientHello back).
    if (socket) this._wrapTransport(socket, this.isServer);
  }

  /** Starts a client's handshake over the transport it was built on (Node's internal _start). */
  _start(): void {
    if (!this.session && !this.isServer && this._parent && !this.destroyed) this.startSession(this.context);
  }

  /** Node's TLSWrap handle, as far as packages read it: `_parentWrap`, the socket the records travel over. */
  _handle: { _parentWrap: Socket } | null = null;

  /** Starts TLS over `transport` (tls.connect calls this once its net.Socket exists); a stream that is not a
   *  net.Socket is carried through a JSStreamSocket, as in Node. */
  _wrapTransport(stream: Duplex, start = true): void {
    const transport = stream instanceof Socket ? stream : new JSStreamSocket(stream);
    this._handle = { _parentWrap: transport };
    this._parent = transport;
    transport.on("data", (chunk: Buffer) => this.onCipher(chunk));
    transport.on("end", () => { this.transportEnded = true; this.cycle(); });
    transport.on("error", (err: Error) => this.fail(err));
    transport.on("close", () => { if (!this.destroyed) { this.transportEnded = true; this.cycle(); if (!this.destroyed) this.destroy(); } });
    transport.on("connect", () => { this.connecting = false; this.pending = false; this.emit("connect"); });
    if (start && (!this.isServer || !this.opts.SNICallback)) this.startSession(this.context);
  }

  // ── the transport's address and options ──
  override get remoteAddress(): string | undefined { return (this._parent as Socket | null)?.remoteAddress; }
  override get remotePort(): number | undefined { return (this._parent as Socket | null)?.remotePort; }
  override get remoteFamily(): string | undefined { return (this._parent as Socket | null)?.remoteFamily; }
  override get localAddress(): string | undefined { return (this._parent as Socket | null)?.localAddress; }
  override get localPort(): number | undefined { return (this._parent as Socket | null)?.localPort; }
  override address(): ReturnType<Socket["address"]> {
    const p = this._parent as Socket | null;
    return p && typeof p.address === "function" ? p.address() : {};
  }
  override setNoDelay(noDelay = true): this { (this._parent as Socket | null)?.setNoDelay?.(noDelay); return this; }
  override setKeepAlive(enable = false, delay = 0): this { (this._parent as Socket | null)?.setKeepAlive?.(enable, delay); return this; }
  override ref(): this { (this._parent as Socket | null)?.ref?.(); return this; }
  override unref(): this { (this._parent as Socket | null)?.unref?.(); return this; }
  override setTimeout(ms: number, callback?: () => void): this {
    const p = this._parent as Socket | null;
    if (p && typeof p.setTimeout === "function") {
      p.setTimeout(ms);
      if (!this.timeoutForwarded) { this.timeoutForwarded = true; p.on("timeout", () => this.emit("timeout")); }
    }
    if (callback) (ms === 0 ? this.removeListener("timeout", callback) : this.once("timeout", callback));
    return this;
  }

  private startSession(ctx: SecureContext): void {
    this.context = ctx;
    const state = ctx.context;
    const conf = state.config(this.isServer);
    if (this.isServer) conf.setVerify(this.opts.requestCert ? 1 : 0);
    const alpn = alpnList(this.opts.ALPNProtocols);
    if (alpn) conf.setAlpn(alpn);
    const host = this.opts.servername ?? this.opts.host;
    const sni = !this.isServer && host && !isIP(host) ? host : null;
    this.session = tlsNative().tlsSession(conf, sni);
    if (this.isServer && this.opts.requestCert && this.opts.rejectUnauthorized) this.session.requireCert();
    const server = this.opts.server as { listenerCount?(e: string): number } | undefined;
    if (this.keylogWanted || (this.isServer && (server?.listenerCount?.("keylog") ?? 0) > 0)) this.session.enableKeylog();
    if (!this.isServer && this.opts.session) this.session.loadSession(this.opts.session);
    for (const chunk of this.early.splice(0)) this.session.feed(chunk);
    this.cycle();
  }

  private onCipher(chunk: Buffer): void {
    if (this.destroyed) return;
    if (!this.session) {
      this.early.push(chunk);
      if (!this.isServer) return;                                  // a client not started yet (_start feeds it)
      const all = Buffer.concat(this.early);
      const name = clientHelloServername(all);
      if (name === undefined) return;
      this.early = [all];
      this.sni(name);
      return;
    }
    this.session.feed(chunk);
    this.cycle();
  }

  /** Server with SNICallback: asks it for the context of the name the client gave, then starts. */
  private sni(name: string | null): void {
    const cb = this.opts.SNICallback!;
    this._parent?.pause();
    let called = false;
    cb(name ?? "", (err, ctx) => {
      if (called || this.destroyed) return;
      called = true;
      this._parent?.resume();
      if (err) { this.fail(err); return; }
      try {
        this.startSession(ctx ?? this.context);
      } catch (e) {
        this.fail(e as Error);
      }
    });
  }

  /** A failure: on a server's socket before its handshake is done it goes to the server ('tlsClientError') and the
   *  socket closes quietly, as in Node; otherwise it is the socket's 'error'. */
  fail(err: Error): void {
    if (this.destroyed) return;
    if (this.isServer && !this._secureEstablished) {
      this.emit("_tlsError", err);
      this.destroy();
    } else this.destroy(err);
  }

  /** Moves the connection on: the handshake, then plaintext out of the session; sends what it produced. */
  private cycle(): void {
    const s = this.session;
    if (!s || this.destroyed) return;
    if (!this.established) {
      const r = s.handshake();
      this.flushCipher();
      if (r === 0) {
        this.onSecure();
        if (this.destroyed) return;
      } else if (r === tlsNative().tlsCodes.WANT_READ || r === tlsNative().tlsCodes.WANT_WRITE) {
        if (this.transportEnded) {
          this.fail(Object.assign(new Error("Client network socket disconnected before secure TLS connection was established"),
            { code: "ECONNRESET", host: this.opts.host, port: (this.opts as { port?: number }).port }));
        }
        return;
      } else {
        this.fail(failure(r, s.info().alert));
        return;
      }
    }
    this.readPlain();
  }

  private readPlain(): void {
    const s = this.session!;
    const c = tlsNative().tlsCodes;
    let lastPending = -1;
    while (!this.readPaused && !this.eofPushed) {
      const r = s.read(READ_CHUNK);
      if (typeof r !== "number") {
        this.bytesRead += r.byteLength;
        if (!this.push(Buffer.from(r))) { this.readPaused = true; this._parent?.pause(); }
        continue;
      }
      if (r === c.WANT_READ || r === c.WANT_WRITE) {
        // After a post-handshake message (a TLS 1.3 ticket) Mbed TLS asks to be called again even when more
        // records are already buffered: go on while input is being consumed.
        const left = s.pending();
        if (left > 0 && left !== lastPending) { lastPending = left; continue; }
        break;
      }
      if (r === c.RECEIVED_NEW_SESSION_TICKET) { this.noteSession(); continue; }
      if (r === 0 || r === c.PEER_CLOSE_NOTIFY) { this.pushEof(); break; }
      this.flushCipher();
      this.fail(failure(r, s.info().alert));
      return;
    }
    this.flushCipher();
    if (this.transportEnded && !this.readPaused && !this.eofPushed) this.pushEof();
  }

  private pushEof(): void {
    if (this.eofPushed) return;
    this.eofPushed = true;
    this.push(null);
  }

  override _read(): void {
    if (this.readPaused) {
      this.readPaused = false;
      this._parent?.resume();
      if (this.established) this.readPlain();
    }
  }

  /** Hands the session's new key log lines out: 'keylog' on a client socket, the server's 'keylog' on a server's. */
  private emitKeylog(): void {
    const text = this.session?.takeKeylog();
    if (!text) return;
    for (const l of text.split("\n")) {
      if (!l) continue;
      const line = Buffer.from(l + "\n", "latin1");
      if (this.isServer) (this.opts.server as unknown as { emit(e: string, ...a: unknown[]): boolean } | undefined)?.emit("keylog", line, this);
      else this.emit("keylog", line);
    }
  }

  private flushCipher(): void {
    this.emitKeylog();
    const out = this.session?.take();
    if (out && this._parent && !this._parent.destroyed) this._parent.write(Buffer.from(out));
  }

  private onSecure(): void {
    const s = this.session!;
    const info = s.info();
    this.established = true;
    this.secureConnecting = false;
    this._secureEstablished = true;
    this.alpnProtocol = info.alpn ?? false;
    this.peerChain = [];
    for (const der of s.peerCerts()) {
      try { this.peerChain.push(parseCertificate(new Uint8Array(der))); } catch { /* shown as missing below */ }
    }
    if (this.isServer) {
      this.servername = info.servername ?? false;
      if (this.opts.requestCert) {
        const err = verifyError(info.verify, this.peerChain);
        this.authorized = !err;
        if (err) this.authorizationError = err.code;
        // Node accepts any certificate during the handshake and then drops the connection quietly (no
        // tlsClientError); only a missing one fails the handshake (requireCert).
        if (err && this.opts.rejectUnauthorized) { this.destroy(); return; }
      }
      this.emit("secure");
    } else {
      const host = this.opts.servername ?? this.opts.host ?? "localhost";
      this.servername = this.opts.servername ?? (isIP(host) ? false : host);
      let err: (Error & { code?: string }) | null | undefined = verifyError(info.verify, this.peerChain);
      if (!err && this.peerChain.length) {
        const check = this.opts.checkServerIdentity ?? defaultCheckServerIdentity;
        err = check(host, this.getPeerCertificate(false) as PeerCertificate) as (Error & { code?: string }) | undefined;
      }
      this.authorized = !err;
      if (err) this.authorizationError = err.code ?? err.message;
      if (err && this.opts.rejectUnauthorized !== false) { this.fail(err); return; }
      if (info.version === "TLSv1.2") this.noteSession();
      this.connecting = false;
      this.emit("secureConnect");
    }
    for (const w of this.pendingWrites.splice(0)) this.encrypt(w.data, w.cb);
    if (this.finalPending) { const cb = this.finalPending; this.finalPending = null; this._final(cb); }
  }

  private noteSession(): void {
    const saved = this.session?.saveSession();
    if (!saved) return;
    this.sessionBytes = Buffer.from(saved) as NodeBuffer;
    this.emit("session", this.sessionBytes);
  }

  override _write(chunk: Buffer, _enc: string, cb: (e?: Error | null) => void): void {
    if (!this.established) { this.pendingWrites.push({ data: chunk, cb }); return; }
    this.encrypt(chunk, cb);
  }

  override _writev(chunks: { chunk: Buffer; encoding: string }[], cb: (e?: Error | null) => void): void {
    const data = chunks.length === 1 ? chunks[0].chunk : Buffer.concat(chunks.map((c) => c.chunk));
    this._write(data as Buffer, "buffer", cb);
  }

  private encrypt(data: Uint8Array, cb: (e?: Error | null) => void): void {
    const s = this.session!;
    let off = 0;
    while (off < data.length) {
      const n = s.write(data.subarray(off));
      if (n < 0) { cb(failure(n)); return; }
      off += n;
    }
    const out = s.take();
    const parent = this._parent;
    if (!out || !parent) { cb(); return; }
    if (parent.destroyed) { cb(Object.assign(new Error("This socket has been ended by the other party"), { code: "EPIPE" })); return; }
    parent.write(Buffer.from(out), (err?: Error | null) => cb(err ?? null));
  }

  override _final(cb: (e?: Error | null) => void): void {
    if (!this.established) { this.finalPending = cb; return; }
    this.session?.closeNotify();
    this.flushCipher();
    this._parent?.end();
    cb();
  }

  override _destroy(err: Error | null, cb: (e: Error | null) => void): void {
    const p = this._parent;
    for (const w of this.pendingWrites.splice(0)) w.cb(err ?? new Error("socket destroyed"));
    if (p && !p.destroyed) p.destroy();
    cb(err);
  }

  // ── Node's TLSSocket API ──
  getPeerCertificate(detailed = false): PeerCertificate | Record<string, never> {
    if (!this.peerChain.length) return {};
    const certs = this.peerChain.map((c) => ({ ...c.cert }));
    if (detailed) {
      for (let i = 0; i < certs.length; i++) {
        certs[i].issuerCertificate = certs[i + 1] ?? (this.peerChain[i].selfIssued ? certs[i] : undefined);
      }
      // The last of the chain as sent: its issuer is the trusted root (not sent), or itself when self-issued.
    }
    return certs[0];
  }

  /** The peer's certificate as crypto.X509Certificate (images whose code names this method carry the class). */
  getPeerX509Certificate(): import("../crypto/x509_certificate.ts").X509Certificate | undefined {
    const load = x509Slot.load;
    if (!load || !this.peerChain.length) return undefined;
    return load().x509FromDer(this.peerChain[0].cert.raw);
  }

  /** This end's certificate as crypto.X509Certificate, or undefined without one. */
  getX509Certificate(): import("../crypto/x509_certificate.ts").X509Certificate | undefined {
    const load = x509Slot.load;
    const own = this.context.context.ownCertificate();
    if (!load || !own) return undefined;
    return new (load().X509Certificate)(own);
  }
  getCertificate(): Record<string, never> | null { return this.context.context.hasOwnCert ? {} : null; }

  getCipher(): { name: string; standardName: string; version: string } | undefined {
    if (!this.session || !this.established) return undefined;
    const info = this.session.info();
    const suite = suiteById(info.suite);
    if (!suite) return undefined;
    return { name: suite.name, standardName: suite.standardName, version: suite.version };
  }

  getProtocol(): string | null {
    return this.session && this.established ? this.session.info().version : null;
  }

  getSession(): NodeBuffer | undefined {
    const saved = this.session?.saveSession();
    return saved ? Buffer.from(saved) as NodeBuffer : this.sessionBytes;
  }

  isSessionReused(): boolean {
    return !!this.session && this.established && this.session.info().resumed;
  }

  getTLSTicket(): NodeBuffer | undefined { return undefined; }
  getEphemeralKeyInfo(): Record<string, never> | null { return this.isServer ? null : {}; }
  getSharedSigalgs(): string[] { return []; }
  getFinished(): undefined { return undefined; }
  getPeerFinished(): undefined { return undefined; }
  setMaxSendFragment(size: number): boolean { return size >= 512 && size <= 16384; }
  disableRenegotiation(): void {}
  renegotiate(_opts: unknown, cb?: (err: Error | null) => void): boolean {
    const err = Object.assign(new Error("TLS session renegotiation is disabled (unijs's TLS never renegotiates)"), { code: "ERR_TLS_RENEGOTIATION_DISABLED" });
    if (cb) process.nextTick(cb, err);
    return false;
  }
  setServername(name: string): void {
    if (typeof name !== "string") throw Object.assign(new TypeError(`The "name" argument must be of type string. Received ${typeof name}`), { code: "ERR_INVALID_ARG_TYPE" });
    if (this.isServer) throw Object.assign(new Error("Cannot issue SNI from a TLS server-side socket"), { code: "ERR_TLS_SNI_FROM_SERVER" });
    this.opts.servername = name;
  }
  /** RFC 5705 keying material (TLS 1.2: the PRF over the master secret; TLS 1.3: the exporter secret, §7.5). */
  exportKeyingMaterial(length: number, label: string, context?: Uint8Array): NodeBuffer {
    if (typeof length !== "number") throw invalidArgType("length", "number", length);
    if (!Number.isInteger(length)) throw outOfRange("length", "an integer", length);
    if (length < 1 || length > 4294967295) throw outOfRange("length", ">= 1 && <= 4294967295", length);
    if (typeof label !== "string") throw invalidArgType("label", "string", label);
    if (context !== undefined && !ArrayBuffer.isView(context)) throw invalidArgType("context", ["Buffer", "TypedArray", "DataView"], context);
    if (!this._secureEstablished || !this.session) {
      throw codedError(Error, "ERR_TLS_INVALID_STATE", "TLS socket connection must be securely established");
    }
    if (length > 8160) {
      throw codedError(RangeError, "ERR_OUT_OF_RANGE", `The value of "length" is out of range. unijs's TLS (Mbed TLS 3.6) exports at most 8160 bytes. Received ${length}`);
    }
    const ctx = context === undefined ? undefined : new Uint8Array(context.buffer, context.byteOffset, context.byteLength);
    const r = this.session.exportKeyingMaterial(length, label, ctx);
    if (typeof r === "number") throw sslError("ERR_SSL_EXPORT_KEYING_MATERIAL_FAILED", "keying material export failed", r);
    return Buffer.from(r) as NodeBuffer;
  }
  enableTrace(): void {}
}

function alpnList(p: string[] | Uint8Array | undefined): string[] | undefined {
  if (!p) return undefined;
  if (Array.isArray(p)) return p.map(String);
  const out: string[] = [];
  for (let i = 0; i < p.length;) {
    const n = p[i];
    out.push(String.fromCharCode(...p.subarray(i + 1, i + 1 + n)));
    i += 1 + n;
  }
  return out;
}
