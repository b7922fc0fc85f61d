// libos/crypto/x509_certificate.ts — crypto.X509Certificate (Node 20): a certificate (PEM or DER) read by libos/tls's
// DER reader, with Node's properties (subject/issuer one attribute a line, subjectAltName, infoAccess, validFrom/
// validTo, fingerprints, serialNumber, keyUsage as the extended key usage OIDs, ca, raw, publicKey as a KeyObject),
// the checks (checkHost with RFC 6125 wildcards and the subject CN only without DNS names unless `subject:
// 'always'`, checkEmail, checkIP, checkIssued, checkPrivateKey, verify by the issuer's public key) and toString/
// toJSON (PEM), toLegacyObject (getPeerCertificate's shape). Only images whose code names X509Certificate or
// get(Peer)X509Certificate carry it (boot/image/globals.ts runs ./x509_install.ts). Layer: libos (libos/crypto).
import { Buffer } from "../buffer/index.ts";
import { isIP } from "../net/ip.ts";
import { parseCertificate, type CertInfo, type PeerCertificate } from "../tls/x509.ts";
import { codedError, invalidArgType } from "./_errors.ts";
import { createPublicKey, KeyObject } from "./keys/key_object.ts";
import { verify as verifySignature } from "./sign.ts";

type NodeBuffer = import("node:buffer").Buffer;

const SIG_HASH: Record<string, string | null> = {
  "1.2.840.113549.1.1.5": "sha1", "1.2.840.113549.1.1.14": "sha224", "1.2.840.113549.1.1.11": "sha256",
  "1.2.840.113549.1.1.12": "sha384", "1.2.840.113549.1.1.13": "sha512", "1.2.840.10045.4.1": "sha1",
  "1.2.840.10045.4.3.1": "sha224", "1.2.840.10045.4.3.2": "sha256", "1.2.840.10045.4.3.3": "sha384",
  "1.2.840.10045.4.3.4": "sha512", "1.3.101.112": null,
};

const info = new WeakMap<X509Certificate, CertInfo>();

function certInfo(self: X509Certificate): CertInfo {
  const i = info.get(self);
  if (!i) throw codedError(TypeError, "ERR_INVALID_THIS", 'Value of "this" must be of type X509Certificate');
  return i;
}

/** PEM ("-----BEGIN CERTIFICATE-----") or DER bytes → DER. */
function derOf(buffer: unknown): Uint8Array {
  let bytes: Uint8Array;
  if (typeof buffer === "string") bytes = Buffer.from(buffer, "utf8");
  else if (ArrayBuffer.isView(buffer)) bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  else throw invalidArgType("buffer", ["string", "Buffer", "TypedArray", "DataView"], buffer);
  if (bytes[0] === 0x30) return bytes;
  const text = Buffer.from(bytes).toString("latin1");
  const m = /-----BEGIN (?:X509 |TRUSTED )?CERTIFICATE-----([\s\S]*?)-----END (?:X509 |TRUSTED )?CERTIFICATE-----/.exec(text);
  if (!m) throw codedError(Error, "ERR_OSSL_PEM_NO_START_LINE", "error:0480006C:PEM routines::no start line");
  return Buffer.from(m[1].replace(/\s+/g, ""), "base64");
}

function checkName(v: unknown, name: string): string {
  if (typeof v !== "string") throw invalidArgType(name, "string", v);
  return v;
}

/** RFC 6125 label match of `host` against a DNS pattern (wildcard only as the whole left-most label's part). */
function hostMatches(host: string, pattern: string, wildcards: boolean): boolean {
  const h = host.toLowerCase().replace(/\.$/, "").split(".");
  const p = pattern.toLowerCase().replace(/\.$/, "").split(".");
  if (h.length !== p.length || p.includes("")) return false;
  for (let i = 1; i < p.length; i++) if (h[i] !== p[i]) return false;
  if (!p[0].includes("*")) return h[0] === p[0];
  if (!wildcards || p.length < 3 || p[0].split("*").length > 2 || p[0].startsWith("xn--")) return false;
  const [pre, suf] = p[0].split("*");
  return h[0].length >= pre.length + suf.length && h[0].startsWith(pre) && h[0].endsWith(suf);
}

function ipBytes(ip: string): Uint8Array | null {
  const v = isIP(ip);
  if (v === 4) return Uint8Array.from(ip.split(".").map(Number));
  if (v !== 6) return null;
  const [head, tail] = ip.includes("::") ? ip.split("::") : [ip, undefined];
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  const words = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill("0"), ...t];
  const out = new Uint8Array(16);
  words.forEach((w, i) => { const n = parseInt(w, 16); out[2 * i] = n >> 8; out[2 * i + 1] = n & 0xff; });
  return out;
}

const latin1 = (b: Uint8Array) => String.fromCharCode(...b);

export class X509Certificate {
  constructor(buffer: unknown) {
    info.set(this, parseCertificate(derOf(buffer)));
  }

  get subject(): string { return certInfo(this).subjectText; }
  get subjectAltName(): string | undefined { return certInfo(this).cert.subjectaltname; }
  get issuer(): string { return certInfo(this).issuerText; }
  get issuerCertificate(): undefined { return undefined; }
  get infoAccess(): string | undefined {
    const ia = certInfo(this).cert.infoAccess;
    if (!ia) return undefined;
    return Object.entries(ia).flatMap(([k, vs]) => vs.map((v) => `${k}:${v}`)).join("\n") + "\n";
  }
  get validFrom(): string { return certInfo(this).cert.valid_from; }
  get validTo(): string { return certInfo(this).cert.valid_to; }
  get fingerprint(): string { return certInfo(this).cert.fingerprint; }
  get fingerprint256(): string { return certInfo(this).cert.fingerprint256; }
  get fingerprint512(): string { return certInfo(this).cert.fingerprint512; }
  get keyUsage(): string[] | undefined { return certInfo(this).cert.ext_key_usage?.slice(); }
  get serialNumber(): string { return certInfo(this).cert.serialNumber; }
  get raw(): NodeBuffer { return Buffer.from(certInfo(this).cert.raw) as NodeBuffer; }
  get publicKey(): KeyObject {
    return createPublicKey({ key: Buffer.from(certInfo(this).spki), format: "der", type: "spki" });
  }
  get ca(): boolean { return certInfo(this).cert.ca; }

  toString(): string {
    const b64 = Buffer.from(certInfo(this).cert.raw).toString("base64").replace(/.{64}/g, "$&\n").replace(/\n$/, "");
    return `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`;
  }
  toJSON(): string { return this.toString(); }

  /** `name` when the certificate is valid for that host name, else undefined. */
  checkHost(name: unknown, options?: { subject?: "default" | "always" | "never"; wildcards?: boolean; partialWildcards?: boolean }): string | undefined {
    const host = checkName(name, "name");
    const i = certInfo(this);
    const wildcards = options?.wildcards !== false;
    const dns = i.altNames.filter((e) => e.tag === 0x82).map((e) => latin1(e.body));
    for (const d of dns) if (hostMatches(host, d, wildcards)) return d.includes("*") ? host : d;
    const subjectMode = options?.subject ?? "default";
    if (subjectMode === "never" || (subjectMode === "default" && dns.length > 0)) return undefined;
    const cn = i.cert.subject.CN;
    for (const c of Array.isArray(cn) ? cn : cn ? [cn] : []) if (hostMatches(host, c, wildcards)) return c.includes("*") ? host : c;
    return undefined;
  }

  /** `email` when the certificate names that address (subjectAltName, else the subject's emailAddress). */
  checkEmail(email: unknown, options?: { subject?: "default" | "always" | "never" }): string | undefined {
    const addr = checkName(email, "email");
    const i = certInfo(this);
    const emails = i.altNames.filter((e) => e.tag === 0x81).map((e) => latin1(e.body));
    const same = (a: string) => a.toLowerCase() === addr.toLowerCase();
    if (emails.some(same)) return addr;
    const mode = options?.subject ?? "default";
    if (mode === "never" || (mode === "default" && emails.length > 0)) return undefined;
    const e = i.cert.subject.emailAddress;
    return (Array.isArray(e) ? e : e ? [e] : []).some(same) ? addr : undefined;
  }

  /** `ip` when the certificate's subjectAltName holds that address. */
  checkIP(ip: unknown): string | undefined {
    const text = checkName(ip, "ip");
    const want = ipBytes(text);
    if (!want) throw codedError(TypeError, "ERR_INVALID_ARG_VALUE", `The argument 'ip' is invalid. Received '${text}'`);
    const hit = certInfo(this).altNames.some((e) => e.tag === 0x87 && e.body.length === want.length && e.body.every((b, k) => b === want[k]));
    return hit ? text : undefined;
  }

  /** Whether `otherCert` issued this one (its subject is this one's issuer and its key verifies the signature). */
  checkIssued(otherCert: unknown): boolean {
    if (!(otherCert instanceof X509Certificate)) throw invalidArgType("otherCert", "X509Certificate", otherCert);
    const mine = certInfo(this), other = certInfo(otherCert);
    if (mine.issuerText !== other.subjectText) return false;
    try {
      return this.verify(otherCert.publicKey);
    } catch {
      return false;
    }
  }

  /** Whether `privateKey` is the private half of this certificate's public key. */
  checkPrivateKey(privateKey: unknown): boolean {
    if (!(privateKey instanceof KeyObject)) throw invalidArgType("pkey", "KeyObject", privateKey);
    if (privateKey.type !== "private") throw codedError(TypeError, "ERR_INVALID_ARG_VALUE", `The argument 'pkey' is invalid. Received ${privateKey.type}`);
    const pub = (createPublicKey(privateKey) as unknown as { export(o: object): Uint8Array }).export({ format: "der", type: "spki" });
    const spki = certInfo(this).spki;
    return pub.length === spki.length && pub.every((b, k) => b === spki[k]);
  }

  /** Whether the certificate's signature verifies with `publicKey`. */
  verify(publicKey: unknown): boolean {
    if (!(publicKey instanceof KeyObject)) throw invalidArgType("pkey", "KeyObject", publicKey);
    if (publicKey.type !== "public") throw codedError(TypeError, "ERR_INVALID_ARG_VALUE", `The argument 'pkey' is invalid. Received ${publicKey.type}`);
    const i = certInfo(this);
    const hash = SIG_HASH[i.signatureOid];
    if (hash === undefined) return false;
    try {
      return verifySignature(hash, i.tbs, publicKey, i.signature) === true;
    } catch {
      return false;
    }
  }

  /** getPeerCertificate()'s object for this certificate. */
  toLegacyObject(): PeerCertificate {
    return { ...certInfo(this).cert, raw: Buffer.from(certInfo(this).cert.raw) as NodeBuffer };
  }
}

/** The class's objects for a certificate in DER (tls.TLSSocket's getX509Certificate and getPeerX509Certificate). */
export function x509FromDer(der: Uint8Array): X509Certificate {
  return new X509Certificate(der);
}
