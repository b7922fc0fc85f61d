// libos/tls/secure_context.ts — tls.createSecureContext / SecureContext: the options Node takes (key, cert, ca,
// pfx (PKCS#12, read by ./pfx.ts), passphrase, ciphers, minVersion/maxVersion, secureProtocol, sessionTimeout, ticketKeys, ALPN lives on the socket)
// checked with Node's errors, turned into native configurations (boot/native/tls_glue.c) made lazily, one per role:
// a SecureContext serves clients and servers alike, as in Node. Without `ca`, a client trusts the root set the image
// carries (tls.rootCertificates: Mozilla's, from Debian's ca-certificates, plus NODE_EXTRA_CA_CERTS at build time).
// Layer: libos (libos/tls). Depends on the native TLS library.
import { Buffer } from "../buffer/index.ts";
import { invalidArgType, invalidArgValue, codedError } from "../crypto/_errors.ts";
import { randomUint8 } from "../crypto/random.ts";
import { selectSuites, type Suite } from "./ciphers.ts";
import { pemChain, readPfx } from "./pfx.ts";
import { tlsNative, type NativeTlsConfig } from "./_native.ts";
import { defaultCaCertificates } from "./root_certs.ts";

export const DEFAULT_MIN_VERSION = "TLSv1.2";
export const DEFAULT_MAX_VERSION = "TLSv1.3";
export const DEFAULT_CIPHERS = "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256:" +
  "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:" +
  "ECDHE-ECDSA-AES256-GCM-SHA384:DHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-SHA256:DHE-RSA-AES128-SHA256:" +
  "ECDHE-RSA-AES256-SHA384:DHE-RSA-AES256-SHA384:ECDHE-RSA-AES256-SHA256:DHE-RSA-AES256-SHA256:HIGH:!aNULL:" +
  "!eNULL:!EXPORT:!DES:!RC4:!MD5:!PSK:!SRP:!CAMELLIA";

const VERSIONS: Record<string, number> = { "TLSv1.2": 0x0303, "TLSv1.3": 0x0304 };
const OLD_VERSIONS = new Set(["TLSv1", "TLSv1.1"]);

type Pem = string | Uint8Array;
type PfxOption = Pem | { buf: Pem; passphrase?: string };
export interface SecureContextOptions {
  key?: Pem | (Pem | { pem: Pem; passphrase?: string })[];
  cert?: Pem | Pem[];
  ca?: Pem | Pem[];
  pfx?: unknown;
  passphrase?: string;
  ciphers?: string;
  minVersion?: string;
  maxVersion?: string;
  secureProtocol?: string;
  sessionTimeout?: number;
  ticketKeys?: Uint8Array;
  crl?: unknown;
  honorCipherOrder?: boolean;
  ecdhCurve?: string;
  sigalgs?: string;
  dhparam?: unknown;
}

function bytesOf(v: Pem, name: string): Uint8Array {
  if (typeof v === "string") return Buffer.from(v, "utf8");
  if (v instanceof Uint8Array) return v;
  throw invalidArgType(name, ["string", "Buffer", "TypedArray", "DataView"], v);
}

function list<T>(v: T | T[] | undefined): T[] {
  return v === undefined || v === null ? [] : Array.isArray(v) ? v : [v];
}

function checkVersion(v: string | undefined, name: string, fallback: string): number {
  if (v === undefined) return VERSIONS[fallback];
  if (typeof v !== "string") throw invalidArgType(`options.${name}`, "string", v);
  if (OLD_VERSIONS.has(v)) {
    throw codedError(Error, "ERR_TLS_INVALID_PROTOCOL_VERSION",
      `${v} is not supported by unijs: its TLS (Mbed TLS 3.6) speaks TLSv1.2 and TLSv1.3 only`);
  }
  const n = VERSIONS[v];
  if (n === undefined) throw codedError(TypeError, "ERR_TLS_INVALID_PROTOCOL_VERSION", `${JSON.stringify(v)} is not a valid ${name} TLS protocol version`);
  return n;
}

/** Node's SecureContext: what createSecureContext made; `context` holds the checked options. */
export class SecureContext {
  readonly context: ContextState;
  constructor(options: SecureContextOptions = {}) {
    this.context = new ContextState(options);
  }
}

export class ContextState {
  readonly minVersion: number;
  readonly maxVersion: number;
  readonly suites: Suite[];
  readonly hasOwnCert: boolean;
  readonly sessionTimeout: number;
  /** Node's 48 session-ticket key bytes (random unless options.ticketKeys or setTicketKeys gave them). */
  private ticketKeys: Uint8Array | undefined;
  private readonly keys: { key: Uint8Array; passphrase?: string }[] = [];
  private readonly certs: Uint8Array[] = [];
  private readonly ca: Uint8Array[] = [];
  private readonly pfxCa: Uint8Array[] = [];
  private readonly caGiven: boolean;
  private client?: NativeTlsConfig;
  private server?: NativeTlsConfig;

  constructor(o: SecureContextOptions) {
    if (o === null || typeof o !== "object") throw invalidArgType("options", "object", o);
    if (o.crl !== undefined) {
      throw codedError(Error, "ERR_FEATURE_UNAVAILABLE_ON_PLATFORM", "options.crl is not supported by unijs");
    }
    let minName = o.minVersion, maxName = o.maxVersion;
    if (o.secureProtocol !== undefined) {
      if (typeof o.secureProtocol !== "string") throw invalidArgType("options.secureProtocol", "string", o.secureProtocol);
      if (minName !== undefined || maxName !== undefined) {
        throw codedError(TypeError, "ERR_TLS_PROTOCOL_VERSION_CONFLICT",
          `TLS protocol version ${minName ?? maxName} conflicts with secureProtocol ${o.secureProtocol}`);
      }
      const sp = o.secureProtocol;
      if (/^TLSv1_2_/.test(sp)) minName = maxName = "TLSv1.2";
      else if (/^TLSv1_3_/.test(sp)) minName = maxName = "TLSv1.3";
      else if (/^(TLS|SSLv23)_/.test(sp)) { /* any */ }
      else if (/^TLSv1(_1)?_/.test(sp)) checkVersion(sp.startsWith("TLSv1_1") ? "TLSv1.1" : "TLSv1", "minVersion", "");
      else throw codedError(TypeError, "ERR_TLS_INVALID_PROTOCOL_METHOD", `Unknown method: ${sp}`);
    }
    this.minVersion = checkVersion(minName, "minVersion", DEFAULT_MIN_VERSION);
    this.maxVersion = checkVersion(maxName, "maxVersion", DEFAULT_MAX_VERSION);
    if (this.minVersion > this.maxVersion) {
      throw codedError(Error, "ERR_TLS_INVALID_PROTOCOL_VERSION", "minVersion is greater than maxVersion");
    }
    const ciphers = o.ciphers ?? DEFAULT_CIPHERS;
    if (typeof ciphers !== "string") throw invalidArgType("options.ciphers", "string", ciphers);
    this.suites = selectSuites(ciphers);
    if (!this.suites.some((s) => s.version === "TLSv1.2") && !/(^|:)TLS_/i.test(ciphers)) {
      throw codedError(Error, "ERR_SSL_NO_CIPHER_MATCH", "No cipher match");
    }
    if (o.passphrase !== undefined && typeof o.passphrase !== "string") throw invalidArgType("options.passphrase", "string", o.passphrase);
    for (const k of list(o.key)) {
      if (k !== null && typeof k === "object" && !(k instanceof Uint8Array)) {
        const { pem, passphrase } = k as { pem: Pem; passphrase?: string };
        this.keys.push({ key: bytesOf(pem, "options.key.pem"), passphrase: passphrase ?? o.passphrase });
      } else this.keys.push({ key: bytesOf(k as Pem, "options.key"), passphrase: o.passphrase });
    }
    for (const c of list(o.cert)) this.certs.push(bytesOf(c, "options.cert"));
    // PKCS#12: its key and certificate are one more identity; its other certificates form the chain and, as in
    // Node, are trusted too.
    for (const p of list(o.pfx as PfxOption | PfxOption[] | undefined)) {
      let buf: unknown = p, pass = o.passphrase;
      if (p !== null && typeof p === "object" && !ArrayBuffer.isView(p)) ({ buf, passphrase: pass = o.passphrase } = p as { buf: unknown; passphrase?: string });
      const bytes = typeof buf === "string" ? Buffer.from(buf, "utf8") : ArrayBuffer.isView(buf)
        ? new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength) : undefined;
      if (!bytes) throw codedError(Error, "ERR_CRYPTO_OPERATION_FAILED", "Unable to load PFX certificate");
      const got = readPfx(bytes, pass);
      this.keys.push({ key: got.key });
      this.certs.push(pemChain([got.cert, ...got.extra]));
      this.pfxCa.push(...got.extra);
    }
    this.caGiven = o.ca !== undefined;
    for (const c of list(o.ca)) this.ca.push(bytesOf(c, "options.ca"));
    this.hasOwnCert = this.keys.length > 0 && this.certs.length > 0;
    if (this.keys.length && !this.certs.length) throw codedError(Error, "ERR_TLS_CERT_MISSING", "options.cert is required with options.key");
    this.sessionTimeout = o.sessionTimeout ?? 300;
    if (!Number.isInteger(this.sessionTimeout) || this.sessionTimeout < 0) throw invalidArgValue("options.sessionTimeout", o.sessionTimeout);
    if (o.ticketKeys !== undefined) this.ticketKeys = checkTicketKeys(o.ticketKeys, "options.ticketKeys");
    // Errors in the PEM show now, as Node's createSecureContext reports them.
    if (this.hasOwnCert || this.caGiven || this.pfxCa.length) this.config(this.hasOwnCert);
  }

  /** The native configuration for one role (made on first use, then shared). */
  config(server: boolean): NativeTlsConfig {
    const have = server ? this.server : this.client;
    if (have) return have;
    const n = tlsNative();
    const c = n.tlsConfig(server, this.minVersion, this.maxVersion);
    c.setCiphers(Int32Array.from(this.suites.map((s) => s.id)));
    const cas = [...(this.caGiven ? this.ca : server ? [] : rootBytes()), ...this.pfxCa];
    for (const ca of cas) {
      try {
        c.addCa(ca);
      } catch (e) {
        throw codedError(Error, "ERR_OSSL_X509_NO_CERTIFICATE_OR_CRL_FOUND", `unable to load the CA certificate: ${(e as Error).message}`);
      }
    }
    for (let i = 0; i < Math.min(this.keys.length, this.certs.length); i++) {
      try {
        c.addKeyCert(this.certs[i], this.keys[i].key, this.keys[i].passphrase);
      } catch (e) {
        const msg = (e as Error).message;
        if (/private key/.test(msg) && /-0x3(b|c)/i.test(msg)) throw codedError(Error, "ERR_OSSL_BAD_DECRYPT", "error:1C800064:Provider routines::bad decrypt");
        if (/pairing/.test(msg)) throw codedError(Error, "ERR_OSSL_X509_KEY_VALUES_MISMATCH", "error:05800074:x509 certificate routines::key values mismatch");
        throw codedError(Error, "ERR_OSSL_PEM_NO_START_LINE", `error:0480006C:PEM routines::no start line (${msg})`);
      }
    }
    if (server) c.enableTickets(Math.max(1, this.sessionTimeout), this.getTicketKeys());
    if (server) this.server = c;
    else this.client = c;
    return c;
  }

  /** The first local certificate (PEM or DER bytes as given; its first certificate is the leaf), if any. */
  ownCertificate(): Uint8Array | undefined {
    return this.hasOwnCert ? this.certs[0] : undefined;
  }

  /** The 48 ticket-key bytes (made at random on first use unless given). */
  getTicketKeys(): Uint8Array {
    return (this.ticketKeys ??= randomUint8(48));
  }

  /** New ticket keys (checked by the caller): tickets sealed under the old ones no longer resume. */
  setTicketKeys(keys: Uint8Array): void {
    this.ticketKeys = Uint8Array.from(keys);
    this.server?.setTicketKeys(this.ticketKeys);
  }
}

function checkTicketKeys(v: unknown, name: string): Uint8Array {
  if (!ArrayBuffer.isView(v)) throw invalidArgType(name, ["Buffer", "TypedArray", "DataView"], v);
  if (v.byteLength !== 48) throw invalidArgValue(name, v.byteLength, "must be exactly 48 bytes");
  return Uint8Array.from(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
}

let roots: Uint8Array[] | undefined;
function rootBytes(): Uint8Array[] {
  if (!defaultCaCertificates.length) return [];
  return (roots ??= [Buffer.from(defaultCaCertificates.join("\n"), "utf8")]);
}

export function createSecureContext(options?: SecureContextOptions): SecureContext {
  return new SecureContext(options ?? {});
}
