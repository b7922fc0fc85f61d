// libos/tls/identity.ts — tls.checkServerIdentity(hostname, cert): RFC 6125 host name checks as Node 20 does them
// (DNS names from subjectaltname, a wildcard only as the whole or part of the left-most label and never for a
// two-label pattern or an IDNA A-label, IP addresses against "IP Address:" entries, the subject CN only when the
// certificate has no DNS names), returning ERR_TLS_CERT_ALTNAME_INVALID with Node's reason text, or undefined.
// Pure TypeScript (tested hosted against host Node). Layer: libos (private to libos/tls).
import { isIP } from "../net/ip.ts";
import type { PeerCertificate } from "./x509.ts";

const unfqdn = (host: string) => host.replace(/[.]$/, "");
const splitHost = (host: string) => unfqdn(host).toLowerCase().split(".");

function check(hostParts: string[], pattern: string | undefined, wildcards: boolean): boolean {
  if (!pattern) return false;
  const patternParts = splitHost(pattern);
  if (hostParts.length !== patternParts.length) return false;
  if (patternParts.includes("")) return false;
  if (patternParts.some((s) => /[^\u0021-\u007F]/u.test(s))) return false;
  for (let i = hostParts.length - 1; i > 0; i -= 1) if (hostParts[i] !== patternParts[i]) return false;
  const hostSubdomain = hostParts[0];
  const patternSubdomain = patternParts[0];
  const patternSubdomainParts = patternSubdomain.split("*");
  if (patternSubdomainParts.length === 1 || patternSubdomain.includes("xn--")) return hostSubdomain === patternSubdomain;
  if (!wildcards) return false;
  if (patternSubdomainParts.length > 2) return false;
  if (patternParts.length <= 2) return false;
  const [prefix, suffix] = patternSubdomainParts;
  if (prefix.length + suffix.length > hostSubdomain.length) return false;
  return hostSubdomain.startsWith(prefix) && hostSubdomain.endsWith(suffix);
}

/** IPv4 as is; IPv6 in its canonical compressed lower-case form (as Node's canonicalizeIP). */
function canonicalizeIP(ip: string): string {
  if (isIP(ip) !== 6) return ip;
  const [head, tail] = ip.includes("::") ? ip.split("::") : [ip, undefined];
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  const words = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill("0"), ...t];
  const nums = words.map((w) => parseInt(w, 16));
  let best = -1, bestLen = 0;
  for (let i = 0; i < 8;) {
    if (nums[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && nums[j] === 0) j++;
    if (j - i > bestLen && j - i > 1) { best = i; bestLen = j - i; }
    i = j;
  }
  const hex = nums.map((n) => n.toString(16));
  if (best < 0) return hex.join(":");
  return `${hex.slice(0, best).join(":")}::${hex.slice(best + bestLen).join(":")}`;
}

/** Splits an altnames string whose names contain quoted commas (Node's splitEscapedAltNames). */
function splitAltNames(altNames: string): string[] {
  const result: string[] = [];
  let current = "";
  let offset = 0;
  while (offset !== altNames.length) {
    const nextSep = altNames.indexOf(", ", offset);
    const nextQuote = altNames.indexOf('"', offset);
    if (nextQuote !== -1 && (nextSep === -1 || nextQuote < nextSep)) {
      current += altNames.slice(offset, nextQuote);
      const match = /^"((?:[^"\\]|\\.)*)"/.exec(altNames.slice(nextQuote));
      if (!match) {
        throw Object.assign(new Error("Invalid subject alternative name string"), { code: "ERR_TLS_CERT_ALTNAME_FORMAT" });
      }
      current += JSON.parse(match[0]) as string;
      offset = nextQuote + match[0].length;
    } else if (nextSep !== -1) {
      current += altNames.slice(offset, nextSep);
      result.push(current);
      current = "";
      offset = nextSep + 2;
    } else {
      current += altNames.slice(offset);
      offset = altNames.length;
    }
  }
  result.push(current);
  return result;
}

export interface AltNameError extends Error {
  code: "ERR_TLS_CERT_ALTNAME_INVALID";
  reason: string;
  host: string;
  cert: PeerCertificate;
}

export function checkServerIdentity(hostname: string, cert: PeerCertificate): AltNameError | undefined {
  const subject = cert.subject;
  const altNames = cert.subjectaltname;
  const dnsNames: string[] = [];
  const ips: string[] = [];
  hostname = "" + hostname;
  if (altNames) {
    const names = altNames.includes('"') ? splitAltNames(altNames) : altNames.split(", ");
    for (const name of names) {
      if (name.startsWith("DNS:")) dnsNames.push(name.slice(4));
      else if (name.startsWith("IP Address:")) ips.push(canonicalizeIP(name.slice(11)));
    }
  }
  let valid = false;
  let reason = "Unknown reason";
  hostname = unfqdn(hostname);
  if (isIP(hostname)) {
    valid = ips.includes(canonicalizeIP(hostname));
    if (!valid) reason = `IP: ${hostname} is not in the cert's list: ` + ips.join(", ");
  } else if (dnsNames.length > 0 || subject?.CN) {
    const hostParts = splitHost(hostname);
    const wildcard = (pattern: string) => check(hostParts, pattern, true);
    if (dnsNames.length > 0) {
      valid = dnsNames.some(wildcard);
      if (!valid) reason = `Host: ${hostname}. is not in the cert's altnames: ${altNames}`;
    } else {
      const cn = subject.CN;
      if (Array.isArray(cn)) valid = cn.some(wildcard);
      else if (cn) valid = wildcard(cn);
      if (!valid) reason = `Host: ${hostname}. is not cert's CN: ${cn}`;
    }
  } else {
    reason = "Cert does not contain a DNS name";
  }
  if (valid) return undefined;
  const err = new Error(`Hostname/IP does not match certificate's altnames: ${reason}`) as AltNameError;
  err.code = "ERR_TLS_CERT_ALTNAME_INVALID";
  err.reason = reason;
  err.host = hostname;
  err.cert = cert;
  return err;
}
