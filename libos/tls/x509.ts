// libos/tls/x509.ts — an X.509 certificate (DER) read into the object Node's tlsSocket.getPeerCertificate() returns:
// subject/issuer (null-prototype objects of short attribute names, arrays when repeated), subjectaltname,
// infoAccess, ca, the public key's fields (RSA modulus/exponent or the EC curve and point), valid_from/valid_to in
// OpenSSL's print form, SHA-1/256/512 fingerprints, ext_key_usage, serialNumber and raw. Malformed input throws.
// Layer: libos (private to libos/tls). Hashing comes from libos/crypto's native digests.
import { Buffer } from "../buffer/index.ts";
import { digestBytes } from "../crypto/hash.ts";
import { findHash } from "../crypto/_hashes.ts";
import { DerError, DerReader, decodeOid, type DerElement } from "../crypto/keys/der.ts";

type NodeBuffer = import("node:buffer").Buffer;

const ATTR: Record<string, string> = {
  "2.5.4.6": "C", "2.5.4.8": "ST", "2.5.4.7": "L", "2.5.4.10": "O", "2.5.4.11": "OU", "2.5.4.3": "CN",
  "2.5.4.5": "serialNumber", "2.5.4.9": "street", "2.5.4.12": "title", "2.5.4.42": "GN", "2.5.4.4": "SN",
  "2.5.4.43": "initials", "2.5.4.44": "generationQualifier", "2.5.4.46": "dnQualifier", "2.5.4.65": "pseudonym",
  "2.5.4.17": "postalCode", "2.5.4.15": "businessCategory", "2.5.4.97": "organizationIdentifier",
  "1.2.840.113549.1.9.1": "emailAddress", "0.9.2342.19200300.100.1.25": "DC", "0.9.2342.19200300.100.1.1": "UID",
  "1.3.6.1.4.1.311.60.2.1.3": "jurisdictionC", "1.3.6.1.4.1.311.60.2.1.2": "jurisdictionST",
  "1.3.6.1.4.1.311.60.2.1.1": "jurisdictionL",
};
const CURVES: Record<string, [string, string, number]> = {
  "1.2.840.10045.3.1.7": ["prime256v1", "P-256", 256], "1.3.132.0.34": ["secp384r1", "P-384", 384],
  "1.3.132.0.35": ["secp521r1", "P-521", 521], "1.3.132.0.10": ["secp256k1", "", 256],
};
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

export interface PeerCertificate {
  subject: Record<string, string | string[]>;
  issuer: Record<string, string | string[]>;
  subjectaltname?: string;
  infoAccess?: Record<string, string[]>;
  ca: boolean;
  modulus?: string;
  bits?: number;
  exponent?: string;
  pubkey?: NodeBuffer;
  asn1Curve?: string;
  nistCurve?: string;
  valid_from: string;
  valid_to: string;
  fingerprint: string;
  fingerprint256: string;
  fingerprint512: string;
  ext_key_usage?: string[];
  serialNumber: string;
  raw: NodeBuffer;
  issuerCertificate?: PeerCertificate;
}

/** Parsed fields the TLS code needs besides Node's object. */
export interface CertInfo {
  cert: PeerCertificate;
  subjectDer: Uint8Array;
  issuerDer: Uint8Array;
  notBefore: Date;
  notAfter: Date;
  selfIssued: boolean;
  /** The names as OpenSSL prints them one attribute a line ("CN=localhost"), in certificate order. */
  subjectText: string;
  issuerText: string;
  /** TBSCertificate (whole element), the signature algorithm's OID and parameters, and the signature bits. */
  tbs: Uint8Array;
  signatureOid: string;
  signatureParams: DerElement | undefined;
  signature: Uint8Array;
  /** The SubjectPublicKeyInfo element, whole. */
  spki: Uint8Array;
  /** The DNS, IP and e-mail names of subjectAltName (raw), and the subject's e-mail addresses. */
  altNames: DerElement[];
}

const latin1 = (b: Uint8Array) => String.fromCharCode(...b);
const utf8 = (b: Uint8Array) => Buffer.from(b).toString("utf8");
const hexUpper = (b: Uint8Array) => Buffer.from(b).toString("hex").toUpperCase();

/** OpenSSL's BN_bn2hex: upper-case, whole bytes, no leading zero bytes ("0" for zero). */
function bnHex(b: Uint8Array): string {
  let i = 0;
  while (i < b.length && b[i] === 0) i++;
  return i === b.length ? "0" : hexUpper(b.subarray(i));
}

function colonHex(b: Uint8Array): string {
  return (hexUpper(b).match(/../g) ?? []).join(":");
}

function stringValue(e: DerElement): string {
  switch (e.tag) {
    case 0x0c: return utf8(e.body);                         // UTF8String
    case 0x1e: {                                            // BMPString
      let s = "";
      for (let i = 0; i + 1 < e.body.length; i += 2) s += String.fromCharCode((e.body[i] << 8) | e.body[i + 1]);
      return s;
    }
    default: return latin1(e.body);                          // Printable, IA5, Teletex, ...
  }
}

/** A Name as OpenSSL's multi-line print ("K=V" a line, in order). */
function nameText(body: Uint8Array): string {
  const lines: string[] = [];
  const rdns = new DerReader(body);
  while (!rdns.done) {
    const set = rdns.sequence(0x31);
    while (!set.done) {
      const atv = set.sequence();
      const oid = atv.oid();
      lines.push(`${ATTR[oid] ?? oid}=${stringValue(atv.read())}`);
    }
  }
  return lines.join("\n");
}

/** A Name (SEQUENCE OF SET OF AttributeTypeAndValue) as Node's object. */
function readName(body: Uint8Array): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = Object.create(null);
  const rdns = new DerReader(body);
  while (!rdns.done) {
    const set = rdns.sequence(0x31);
    while (!set.done) {
      const atv = set.sequence();
      const oid = atv.oid();
      const key = ATTR[oid] ?? oid;
      const value = stringValue(atv.read());
      const prev = out[key];
      out[key] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
    }
  }
  return out;
}

function readTime(e: DerElement): Date {
  const s = latin1(e.body);
  const m = e.tag === 0x17 ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s)
    : e.tag === 0x18 ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s) : null;
  if (!m) throw new DerError("bad certificate time");
  let year = Number(m[1]);
  if (e.tag === 0x17) year += year < 50 ? 2000 : 1900;
  return new Date(Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
}

/** OpenSSL's ASN1_TIME_print: "Mar  3 09:05:00 2030 GMT". */
function printTime(d: Date): string {
  const two = (n: number) => String(n).padStart(2, "0");
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, " ")} ${two(d.getUTCHours())}:` +
    `${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} ${d.getUTCFullYear()} GMT`;
}

function ipString(b: Uint8Array): string {
  if (b.length === 4) return Array.from(b).join(".");
  if (b.length === 16) {
    const words: string[] = [];
    for (let i = 0; i < 16; i += 2) words.push(((b[i] << 8) | b[i + 1]).toString(16).toUpperCase());
    return words.join(":");
  }
  return "<invalid>";
}

/** One GeneralName as OpenSSL prints it ("DNS:a", "IP Address:1.2.3.4", "email:x", "URI:y"). */
function generalName(e: DerElement): string {
  switch (e.tag) {
    case 0x82: return `DNS:${latin1(e.body)}`;
    case 0x87: return `IP Address:${ipString(e.body)}`;
    case 0x81: return `email:${latin1(e.body)}`;
    case 0x86: return `URI:${latin1(e.body)}`;
    case 0x88: return `Registered ID:${decodeOid(e.body)}`;
    case 0xa4: return `DirName:${Object.entries(readName(new DerReader(e.body).expect(0x30))).map(([k, v]) => `${k}=${v}`).join("/")}`;
    default: return "othername:<unsupported>";
  }
}

function generalNames(body: Uint8Array): string[] {
  const out: string[] = [];
  const r = new DerReader(body);
  while (!r.done) out.push(generalName(r.read()));
  return out;
}

const ACCESS: Record<string, string> = { "1.3.6.1.5.5.7.48.1": "OCSP - URI", "1.3.6.1.5.5.7.48.2": "CA Issuers - URI" };

function digest(name: string, data: Uint8Array): Uint8Array {
  return digestBytes(findHash(name)!, data);
}

/** Reads one DER certificate. */
export function parseCertificate(der: Uint8Array): CertInfo {
  const outer = new DerReader(der).sequence();
  const tbsElement = outer.read();
  if (tbsElement.tag !== 0x30) throw new DerError("bad TBSCertificate");
  const sigAlg = outer.sequence();
  const signatureOid = sigAlg.oid();
  const signatureParams = sigAlg.done ? undefined : sigAlg.read();
  const signature = outer.bitString();
  const tbs = new DerReader(tbsElement.body);
  let rawAltNames: DerElement[] = [];
  if (tbs.peekTag() === 0xa0) tbs.read();                                   // version
  const serial = tbs.expect(0x02);
  tbs.sequence();                                                           // signature algorithm
  const issuerDer = tbs.expect(0x30);
  const validity = tbs.sequence();
  const notBefore = readTime(validity.read());
  const notAfter = readTime(validity.read());
  const subjectDer = tbs.expect(0x30);
  const spkiStart = tbs.read();
  const spki = new DerReader(spkiStart.body);
  const alg = spki.sequence();
  const keyOid = alg.oid();
  const params = alg.done ? undefined : alg.read();
  const keyBits = spki.bitString();
  let cert: PeerCertificate = {
    subject: readName(subjectDer), issuer: readName(issuerDer), ca: false,
    valid_from: "", valid_to: "", fingerprint: "", fingerprint256: "", fingerprint512: "", serialNumber: "",
    raw: Buffer.from(der) as NodeBuffer,
  };
  let altNames: string | undefined;
  let infoAccess: Record<string, string[]> | undefined;
  let eku: string[] | undefined;
  while (!tbs.done) {
    const e = tbs.read();
    if (e.tag !== 0xa3) continue;                                           // extensions
    const exts = new DerReader(e.body).sequence();
    while (!exts.done) {
      const ext = exts.sequence();
      const oid = ext.oid();
      if (ext.peekTag() === 0x01) ext.read();                               // critical
      const value = ext.octetString();
      if (oid === "2.5.29.17") {
        const body = new DerReader(value).expect(0x30);
        altNames = generalNames(body).join(", ");
        const r = new DerReader(body);
        rawAltNames = [];
        while (!r.done) rawAltNames.push(r.read());
      }
      else if (oid === "2.5.29.19") {
        const bc = new DerReader(value).sequence();
        if (bc.peekTag() === 0x01) cert.ca = bc.read().body[0] !== 0;
      } else if (oid === "2.5.29.37") {
        eku = [];
        const r = new DerReader(value).sequence();
        while (!r.done) eku.push(r.oid());
      } else if (oid === "1.3.6.1.5.5.7.1.1") {
        infoAccess = Object.create(null) as Record<string, string[]>;
        const r = new DerReader(value).sequence();
        while (!r.done) {
          const ad = r.sequence();
          const method = ad.oid();
          const name = generalName(ad.read());
          const key = ACCESS[method] ?? method;
          (infoAccess[key] ??= []).push(name.replace(/^URI:/, ""));
        }
      }
    }
  }
  if (altNames !== undefined) cert.subjectaltname = altNames;
  if (infoAccess) cert.infoAccess = infoAccess;
  if (keyOid === "1.2.840.113549.1.1.1") {
    const rsa = new DerReader(keyBits).sequence();
    const n = rsa.integer();
    const e = rsa.integer();
    cert.modulus = bnHex(n);
    cert.bits = n.length * 8 - Math.clz32(n[0]) + 24;
    cert.exponent = "0x" + BigInt("0x" + (bnHex(e) || "0")).toString(16);
    cert.pubkey = Buffer.from(spkiDerOf(der, spkiStart)) as NodeBuffer;
  } else if (keyOid === "1.2.840.10045.2.1" && params?.tag === 0x06) {
    const curve = CURVES[decodeOid(params.body)];
    if (curve) {
      cert.bits = curve[2];
      cert.asn1Curve = curve[0];
      if (curve[1]) cert.nistCurve = curve[1];
    }
    cert.pubkey = Buffer.from(keyBits) as NodeBuffer;
  } else if (keyOid === "1.3.101.112" || keyOid === "1.3.101.113") {
    cert.pubkey = Buffer.from(keyBits) as NodeBuffer;
  }
  cert.valid_from = printTime(notBefore);
  cert.valid_to = printTime(notAfter);
  cert.fingerprint = colonHex(digest("sha1", der));
  cert.fingerprint256 = colonHex(digest("sha256", der));
  cert.fingerprint512 = colonHex(digest("sha512", der));
  if (eku) cert.ext_key_usage = eku;
  cert.serialNumber = bnHex(serial);
  // Node's key order (OpenSSL's X509ToObject): names, alt names, ca, the key's fields, dates, fingerprints, ...
  const ordered = {} as PeerCertificate;
  for (const k of ["subject", "issuer", "subjectaltname", "infoAccess", "ca", "modulus", "bits", "exponent", "pubkey",
    "asn1Curve", "nistCurve", "valid_from", "valid_to", "fingerprint", "fingerprint256", "fingerprint512", "ext_key_usage",
    "serialNumber", "raw"] as const) {
    if (k === "pubkey" && cert.asn1Curve !== undefined) continue;
    if (k === "asn1Curve" && cert.pubkey !== undefined) (ordered as unknown as Record<string, unknown>).pubkey = cert.pubkey;
    if (cert[k] !== undefined) (ordered as unknown as Record<string, unknown>)[k] = cert[k];
  }
  cert = ordered;
  const selfIssued = subjectDer.length === issuerDer.length && subjectDer.every((b, i) => b === issuerDer[i]);
  return {
    cert, subjectDer, issuerDer, notBefore, notAfter, selfIssued, subjectText: nameText(subjectDer), issuerText: nameText(issuerDer),
    tbs: wholeOf(der, tbsElement), signatureOid, signatureParams, signature, spki: wholeOf(der, spkiStart), altNames: rawAltNames,
  };
}

/** The SubjectPublicKeyInfo element (whole, with its header) inside the certificate's bytes. */
function spkiDerOf(der: Uint8Array, spki: DerElement): Uint8Array {
  return wholeOf(der, spki);
}

/** An element of `der` whole (with its header), from its contents' place. */
function wholeOf(der: Uint8Array, spki: DerElement): Uint8Array {
  const len = spki.body.length;
  const header = len < 0x80 ? 2 : len < 0x100 ? 3 : len < 0x10000 ? 4 : 5;
  const start = spki.body.byteOffset - der.byteOffset - header;
  return der.subarray(start, start + header + len);
}
