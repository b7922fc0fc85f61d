// libos/tls/_native.ts — node:tls's native side (boot/native/tls_glue.c: Mbed TLS 3.6's handshake and records over
// byte buffers), typed here and read from the platform. It exists only inside images whose bundle uses libos/tls
// (boot/image/native_libs.ts links the "tls" library then); elsewhere native() throws. Layer: libos (private).
import { platformOrNull } from "../../kernel/platform.ts";
import { ensureSeeded } from "../crypto/random.ts";

/** One TLS configuration (role, versions, trust, own certificates), shared by many sessions. */
export interface NativeTlsConfig {
  /** Trusted certificates (PEM, any number, or one DER); returns how many were added; throws if none parses. */
  addCa(bytes: Uint8Array): number;
  /** The local chain and its key (PEM or DER; the key may be encrypted with `passphrase`). */
  addKeyCert(chain: Uint8Array, key: Uint8Array, passphrase: string | undefined): void;
  setAlpn(protocols: string[]): void;
  /** IANA cipher suite ids, in preference order. */
  setCiphers(ids: Int32Array): void;
  /** 0: no peer certificate asked for; 1: asked for, checked, reported; 2: required. */
  setVerify(mode: 0 | 1 | 2): void;
  /** Server: issues tickets sealed with `keys` (Node's 48 bytes: 0-3 name the key, 16-47 the AES-256-GCM key). */
  enableTickets(lifetimeSeconds: number, keys: Uint8Array): void;
  /** Replaces the ticket key (after enableTickets); tickets sealed under earlier keys are refused. */
  setTicketKeys(keys: Uint8Array): void;
}

export interface NativeTlsInfo {
  version: string | null;
  suite: number;
  alpn: string | null;
  /** Mbed TLS's X.509 verification flags (MBEDTLS_X509_BADCERT_*); 0 when the chain verified. */
  verify: number;
  servername: string | null;
  resumed: boolean;
  /** The description of the last fatal alert the peer sent (-1: none). */
  alert: number;
}

/** One connection: ciphertext in with feed(), out with take(); plaintext through read()/write(). */
export interface NativeTlsSession {
  feed(bytes: Uint8Array): void;
  take(): ArrayBuffer | undefined;
  pending(): number;
  /** 0 when the handshake is over, else a code (TlsCodes). */
  handshake(): number;
  /** Plaintext, or a code: 0 for the peer's close, negative for Mbed TLS's codes. */
  read(max: number): ArrayBuffer | number;
  /** Plaintext bytes taken (one record at most), or a negative code. */
  write(bytes: Uint8Array): number;
  closeNotify(): number;
  info(): NativeTlsInfo;
  peerCerts(): ArrayBuffer[];
  saveSession(): ArrayBuffer | undefined;
  loadSession(bytes: Uint8Array): number;
  /** Server: a client that sends no certificate is refused during the handshake (alert 116 in TLS 1.3, 40 in 1.2). */
  requireCert(): void;
  /** Keeps NSS key log lines from now on (takeKeylog() hands them over). */
  enableKeylog(): void;
  /** The key log lines written since the last call ("LABEL <client random> <secret>\n" each), or undefined. */
  takeKeylog(): string | undefined;
  /** RFC 5705 (TLS 1.2) / RFC 8446 §7.5 (TLS 1.3) keying material, or Mbed TLS's negative code. */
  exportKeyingMaterial(length: number, label: string, context: Uint8Array | undefined): ArrayBuffer | number;
}

export type TlsCodes = Record<
  "WANT_READ" | "WANT_WRITE" | "PEER_CLOSE_NOTIFY" | "RECEIVED_NEW_SESSION_TICKET" | "FATAL_ALERT_MESSAGE" |
  "INVALID_RECORD" | "INVALID_MAC" | "BAD_PROTOCOL_VERSION" | "HANDSHAKE_FAILURE" | "DECODE_ERROR" |
  "ILLEGAL_PARAMETER" | "UNEXPECTED_MESSAGE" | "CONN_EOF" | "BAD_CERTIFICATE" | "UNSUPPORTED_EXTENSION" |
  "NO_APPLICATION_PROTOCOL" | "ALLOC_FAILED" | "BUFFER_TOO_SMALL" | "UNEXPECTED_RECORD" | "CA_CHAIN_REQUIRED" |
  "PRIVATE_KEY_REQUIRED" | "BAD_INPUT_DATA" | "NO_CLIENT_CERTIFICATE" | "UNRECOGNIZED_NAME" | "VERSION_MISMATCH" |
  "BAD_CONFIG" | "FEATURE_UNAVAILABLE" | "INTERNAL_ERROR" | "CERTIFICATE_VERIFICATION_WITHOUT_HOSTNAME" |
  "SESSION_TICKET_EXPIRED" | "PK_TYPE_MISMATCH" | "X509_CERT_VERIFY_FAILED", number>;

export interface TlsNative {
  tlsConfig(server: boolean, minVersion: number, maxVersion: number): NativeTlsConfig;
  tlsSession(config: NativeTlsConfig, hostname: string | null): NativeTlsSession;
  tlsCodes: TlsCodes;
}

let cached: TlsNative | undefined;

/** The native primitives (the random generator seeded first); throws outside an image that links them. */
export function tlsNative(): TlsNative {
  if (!cached) {
    const hal = platformOrNull() as unknown as Partial<TlsNative> | null;
    if (!hal || typeof hal.tlsConfig !== "function") {
      throw new Error("node:tls: the native TLS library (Mbed TLS) is not linked: this runs only inside a unijs image");
    }
    cached = hal as TlsNative;
  }
  ensureSeeded();
  return cached;
}

/** Mbed TLS's X.509 verification flags (x509.h). */
export const BADCERT = {
  EXPIRED: 0x01, REVOKED: 0x02, CN_MISMATCH: 0x04, NOT_TRUSTED: 0x08, MISSING: 0x40, SKIP_VERIFY: 0x80,
  OTHER: 0x0100, FUTURE: 0x0200, KEY_USAGE: 0x0800, EXT_KEY_USAGE: 0x1000, NS_CERT_TYPE: 0x2000,
  BAD_MD: 0x4000, BAD_PK: 0x8000, BAD_KEY: 0x010000,
} as const;
