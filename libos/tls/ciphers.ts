// libos/tls/ciphers.ts — the cipher suites unijs offers (Mozilla's "intermediate" profile: TLS 1.3's three AEAD
// suites, and TLS 1.2 with ECDHE and AES-GCM or ChaCha20-Poly1305), their OpenSSL and IANA names and ids, and the
// OpenSSL cipher-list strings Node takes (`ciphers` option, tls.DEFAULT_CIPHERS) mapped onto them.
// Pure TypeScript (tested hosted). Layer: libos (private to libos/tls).

export interface Suite {
  id: number;
  /** OpenSSL's name (what Node's getCipher().name says). */
  name: string;
  standardName: string;
  version: "TLSv1.2" | "TLSv1.3";
  kx: "ECDHE" | "any";
  auth: "ECDSA" | "RSA" | "any";
  enc: "AESGCM" | "CHACHA20";
  bits: 128 | 256;
}

export const SUITES: readonly Suite[] = [
  { id: 0x1302, name: "TLS_AES_256_GCM_SHA384", standardName: "TLS_AES_256_GCM_SHA384", version: "TLSv1.3", kx: "any", auth: "any", enc: "AESGCM", bits: 256 },
  { id: 0x1303, name: "TLS_CHACHA20_POLY1305_SHA256", standardName: "TLS_CHACHA20_POLY1305_SHA256", version: "TLSv1.3", kx: "any", auth: "any", enc: "CHACHA20", bits: 256 },
  { id: 0x1301, name: "TLS_AES_128_GCM_SHA256", standardName: "TLS_AES_128_GCM_SHA256", version: "TLSv1.3", kx: "any", auth: "any", enc: "AESGCM", bits: 128 },
  { id: 0xc02f, name: "ECDHE-RSA-AES128-GCM-SHA256", standardName: "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", version: "TLSv1.2", kx: "ECDHE", auth: "RSA", enc: "AESGCM", bits: 128 },
  { id: 0xc02b, name: "ECDHE-ECDSA-AES128-GCM-SHA256", standardName: "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", version: "TLSv1.2", kx: "ECDHE", auth: "ECDSA", enc: "AESGCM", bits: 128 },
  { id: 0xc030, name: "ECDHE-RSA-AES256-GCM-SHA384", standardName: "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", version: "TLSv1.2", kx: "ECDHE", auth: "RSA", enc: "AESGCM", bits: 256 },
  { id: 0xc02c, name: "ECDHE-ECDSA-AES256-GCM-SHA384", standardName: "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", version: "TLSv1.2", kx: "ECDHE", auth: "ECDSA", enc: "AESGCM", bits: 256 },
  { id: 0xcca9, name: "ECDHE-ECDSA-CHACHA20-POLY1305", standardName: "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", version: "TLSv1.2", kx: "ECDHE", auth: "ECDSA", enc: "CHACHA20", bits: 256 },
  { id: 0xcca8, name: "ECDHE-RSA-CHACHA20-POLY1305", standardName: "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", version: "TLSv1.2", kx: "ECDHE", auth: "RSA", enc: "CHACHA20", bits: 256 },
];

export function suiteById(id: number): Suite | undefined {
  return SUITES.find((s) => s.id === id);
}

/** Does an OpenSSL cipher-string keyword (HIGH, ECDHE, aRSA, AESGCM, ...) select this suite? */
function keywordMatches(word: string, s: Suite): boolean {
  const w = word.toUpperCase();
  if (w === s.name.toUpperCase() || w === s.standardName.toUpperCase()) return true;
  switch (w) {
    case "ALL": case "DEFAULT": case "HIGH": case "SECURE": case "FIPS": case "COMPLEMENTOFDEFAULT": return true;
    case "MEDIUM": case "LOW": case "EXPORT": case "NULL": case "ENULL": case "ANULL": case "RC4": case "DES": case "3DES":
    case "MD5": case "PSK": case "SRP": case "CAMELLIA": case "IDEA": case "SEED": case "DSS": case "ADH": case "AECDH":
    case "KRSA": case "RSA": case "DH": case "DHE": case "EDH": case "KDHE": case "KEDH": case "SHA1": case "SHA": return false;
    case "ECDHE": case "EECDH": case "KECDHE": case "KEECDH": return s.kx === "ECDHE";
    case "ECDSA": case "AECDSA": return s.auth === "ECDSA";
    case "ARSA": return s.auth === "RSA";
    case "AES": case "AESGCM": return s.enc === "AESGCM";
    case "AES128": return s.enc === "AESGCM" && s.bits === 128;
    case "AES256": return s.enc === "AESGCM" && s.bits === 256;
    case "CHACHA20": return s.enc === "CHACHA20";
    case "SHA256": return s.name.endsWith("SHA256") || s.enc === "CHACHA20";
    case "SHA384": return s.name.endsWith("SHA384");
    case "TLSV1.2": return s.version === "TLSv1.2";
    case "AEAD": return true;
    default: return false;
  }
}

/**
 * The suites an OpenSSL cipher list selects, in its order (`A:B`, `+`-joined conjunctions, `!X` and `-X` removals,
 * `@STRENGTH`/`@SECLEVEL=n` ignored). TLS 1.3 suites stay enabled unless the string names some (as with OpenSSL,
 * where they come from a separate list that Node fills from TLS_-prefixed names in the same string).
 */
export function selectSuites(list: string): Suite[] {
  const chosen: Suite[] = [];
  const banned = new Set<number>();
  let named13 = false;
  for (const raw of list.split(/[:, ]+/)) {
    const item = raw.trim();
    if (!item || item.startsWith("@")) continue;
    const neg = item[0] === "!" || item[0] === "-";
    const body = neg || item[0] === "+" ? item.slice(1) : item;
    const parts = body.split("+");
    const matches = SUITES.filter((s) => parts.every((p) => keywordMatches(p, s)));
    if (!neg && matches.some((s) => s.version === "TLSv1.3") && parts.length === 1 && /^TLS_/i.test(body)) named13 = true;
    for (const s of matches) {
      if (neg) {
        if (item[0] === "!") banned.add(s.id);
        const at = chosen.indexOf(s);
        if (at >= 0) chosen.splice(at, 1);
      } else if (!banned.has(s.id) && !chosen.includes(s)) {
        if (s.version === "TLSv1.3" && !/^TLS_/i.test(body)) continue;   // keywords select TLS 1.2 suites only
        chosen.push(s);
      }
    }
  }
  if (!named13) for (const s of SUITES) if (s.version === "TLSv1.3" && !banned.has(s.id)) chosen.unshift(s);
  return SUITES.filter((s) => chosen.includes(s)).sort((a, b) => {
    if (a.version !== b.version) return a.version === "TLSv1.3" ? -1 : 1;
    return chosen.indexOf(a) - chosen.indexOf(b);
  });
}

/** tls.getCiphers(): OpenSSL's lower-case names of what can be negotiated. */
export function cipherNames(): string[] {
  return SUITES.map((s) => s.name.toLowerCase()).sort();
}
