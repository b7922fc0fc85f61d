// libos/url/url_record.ts — the WHATWG URL record, the basic URL parser (the standard's state machine, with state
// overrides for the URL setters) and the serializer. Layer: libos. Depends on host.ts, percent.ts.

import { parseHost } from "./host.ts";
import { C0_CONTROL, FRAGMENT, PATH, QUERY, SPECIAL_QUERY, USERINFO, percentEncode } from "./percent.ts";

/** A parsed URL. `host` is serialised ("" is the empty host; null is none); `path` is a string when opaque. */
export interface UrlRecord {
  scheme: string;
  username: string;
  password: string;
  host: string | null;
  port: number | null;
  path: string[] | string;
  query: string | null;
  fragment: string | null;
}

/** Special schemes and their default ports. */
export const SPECIAL: Record<string, number | null> = { ftp: 21, file: null, http: 80, https: 443, ws: 80, wss: 443 };
export const isSpecial = (scheme: string) => Object.prototype.hasOwnProperty.call(SPECIAL, scheme);

/** Parser states (the names of the standard). */
export const enum S {
  SchemeStart, Scheme, NoScheme, SpecialRelativeOrAuthority, PathOrAuthority, Relative, RelativeSlash,
  SpecialAuthoritySlashes, SpecialAuthorityIgnoreSlashes, Authority, Host, Hostname, Port, File, FileSlash, FileHost,
  PathStart, Path, OpaquePath, Query, Fragment,
}

const ALPHA = /^[A-Za-z]$/;
const isDriveLetter = (s: string) => s.length === 2 && ALPHA.test(s[0]) && (s[1] === ":" || s[1] === "|");
const isNormalizedDrive = (s: string) => s.length === 2 && ALPHA.test(s[0]) && s[1] === ":";
const startsWithDrive = (cps: string[], i: number) => cps.length - i >= 2 && isDriveLetter(cps[i] + cps[i + 1]) &&
  (cps.length - i === 2 || "/\\?#".indexOf(cps[i + 2]) !== -1);
const isSingleDot = (s: string) => s === "." || s.toLowerCase() === "%2e";
const isDoubleDot = (s: string) => { const l = s.toLowerCase(); return l === ".." || l === ".%2e" || l === "%2e." || l === "%2e%2e"; };

function shortenPath(url: UrlRecord): void {
  const path = url.path as string[];
  if (url.scheme === "file" && path.length === 1 && isNormalizedDrive(path[0])) return;
  path.pop();
}

const includesCredentials = (u: UrlRecord) => u.username !== "" || u.password !== "";

/** An empty record. */
export const emptyUrl = (): UrlRecord => ({ scheme: "", username: "", password: "", host: null, port: null, path: [], query: null, fragment: null });

/**
 * The basic parser's result for the commonest input of all, a server's `new URL(req.url, "http://host")`: a
 * path-absolute reference ("/a/b?q#f") against a special, non-file base with a host. Returns null (the state
 * machine decides) unless every character is printable ASCII outside every percent-encode set and the backslash,
 * and no segment is a dot segment — then the machine would copy the base's authority, split the path at "/" and
 * take query and fragment verbatim, which is what this does.
 */
function pathAbsoluteFast(input: string, base: UrlRecord): UrlRecord | null {
  if (base.host === null || base.scheme === "file" || typeof base.path === "string" || !isSpecial(base.scheme)) return null;
  const n = input.length;
  if (n === 0 || input.charCodeAt(0) !== 0x2f) return null;
  if (n > 1 && (input.charCodeAt(1) === 0x2f || input.charCodeAt(1) === 0x5c)) return null;
  let q = -1, h = -1, dot = false;
  for (let i = 0; i < n; i++) {
    const c = input.charCodeAt(i);
    if (c <= 0x20 || c >= 0x7f || c === 0x22 || c === 0x27 || c === 0x3c || c === 0x3e || c === 0x5c || c === 0x60 ||
        c === 0x7b || c === 0x7d) return null;
    if (c === 0x23) { h = i; break; }
    if (c === 0x3f && q < 0) q = i;
    if (c === 0x2e || c === 0x25) dot = dot || q < 0;       // "." or "%2e" in the path: check the segments
  }
  const pathEnd = q >= 0 ? q : h >= 0 ? h : n;
  const path = input.slice(1, pathEnd).split("/");
  if (dot) for (const seg of path) if (isSingleDot(seg) || isDoubleDot(seg)) return null;
  if (h >= 0) {
    for (let i = h + 1; i < n; i++) {
      const c = input.charCodeAt(i);
      if (c <= 0x20 || c >= 0x7f || c === 0x22 || c === 0x3c || c === 0x3e || c === 0x60) return null;
    }
  }
  return {
    scheme: base.scheme, username: base.username, password: base.password, host: base.host, port: base.port, path,
    query: q >= 0 ? input.slice(q + 1, h >= 0 ? h : n) : null,
    fragment: h >= 0 ? input.slice(h + 1) : null,
  };
}

/** Recently parsed bases (`new URL(path, base)` parses the same base string on every call). Never mutated. */
const bases = new Map<string, UrlRecord | null>();

/** basicParse(input) for use as a base only (the record is shared: callers must not change it). */
export function parseBase(input: string): UrlRecord | null {
  const hit = bases.get(input);
  if (hit !== undefined) return hit;
  const rec = basicParse(input);
  if (bases.size >= 32) bases.delete(bases.keys().next().value as string);
  bases.set(input, rec);
  return rec;
}

/**
 * The basic URL parser. Without `url`, parses `input` (against `base`) into a new record, or returns null.
 * With `url` and `override`, updates that record in place (the URL setters); returns null on failure.
 */
export function basicParse(input: string, base?: UrlRecord | null, url?: UrlRecord, override?: S): UrlRecord | null {
  if (!url) {
    if (base) {
      const fast = pathAbsoluteFast(input, base);
      if (fast) return fast;
    }
    url = emptyUrl();
    input = input.replace(/^[\x00-\x20]+|[\x00-\x20]+$/g, "");
  }
  input = input.replace(/[\t\n\r]/g, "");
  let state = override ?? S.SchemeStart;
  let buffer = "";
  let atSeen = false, bracketed = false, passwordSeen = false;
  const cps = Array.from(input);
  for (let p = 0; ; p++) {
    const c = p < cps.length ? cps[p] : "";          // "" is EOF
    const special = isSpecial(url.scheme);
    switch (state) {
      case S.SchemeStart:
        if (c && ALPHA.test(c)) { buffer += c.toLowerCase(); state = S.Scheme; }
        else if (override === undefined) { state = S.NoScheme; p--; }
        else return null;
        break;
      case S.Scheme:
        if (c && /^[A-Za-z0-9+\-.]$/.test(c)) { buffer += c.toLowerCase(); }
        else if (c === ":") {
          if (override !== undefined) {
            if (isSpecial(url.scheme) !== isSpecial(buffer)) return url;
            if ((includesCredentials(url) || url.port !== null) && buffer === "file") return url;
            if (url.scheme === "file" && url.host === "") return url;
          }
          url.scheme = buffer;
          if (override !== undefined) {
            if (url.port === SPECIAL[url.scheme]) url.port = null;
            return url;
          }
          buffer = "";
          if (url.scheme === "file") state = S.File;
          else if (isSpecial(url.scheme) && base && base.scheme === url.scheme) state = S.SpecialRelativeOrAuthority;
          else if (isSpecial(url.scheme)) state = S.SpecialAuthoritySlashes;
          else if (cps[p + 1] === "/") { state = S.PathOrAuthority; p++; }
          else { url.path = ""; state = S.OpaquePath; }
        } else if (override === undefined) { buffer = ""; state = S.NoScheme; p = -1; }
        else return null;
        break;
      case S.NoScheme:
        if (!base || (typeof base.path === "string" && c !== "#")) return null;
        if (typeof base.path === "string" && c === "#") {
          url.scheme = base.scheme; url.path = base.path; url.query = base.query; url.fragment = ""; state = S.Fragment;
        } else if (base.scheme !== "file") { state = S.Relative; p--; }
        else { state = S.File; p--; }
        break;
      case S.SpecialRelativeOrAuthority:
        if (c === "/" && cps[p + 1] === "/") { state = S.SpecialAuthorityIgnoreSlashes; p++; }
        else { state = S.Relative; p--; }
        break;
      case S.PathOrAuthority:
        if (c === "/") state = S.Authority;
        else { state = S.Path; p--; }
        break;
      case S.Relative: {
        const b = base as UrlRecord;
        url.scheme = b.scheme;
        if (c === "/" || (isSpecial(url.scheme) && c === "\\")) { state = S.RelativeSlash; break; }
        url.username = b.username; url.password = b.password; url.host = b.host; url.port = b.port;
        url.path = (b.path as string[]).slice(); url.query = b.query;
        if (c === "?") { url.query = ""; state = S.Query; }
        else if (c === "#") { url.fragment = ""; state = S.Fragment; }
        else if (c !== "") { url.query = null; shortenPath(url); state = S.Path; p--; }
        break;
      }
      case S.RelativeSlash:
        if (special && (c === "/" || c === "\\")) state = S.SpecialAuthorityIgnoreSlashes;
        else if (c === "/") state = S.Authority;
        else {
          const b = base as UrlRecord;
          url.username = b.username; url.password = b.password; url.host = b.host; url.port = b.port;
          state = S.Path; p--;
        }
        break;
      case S.SpecialAuthoritySlashes:
        state = S.SpecialAuthorityIgnoreSlashes;
        if (c === "/" && cps[p + 1] === "/") p++;
        else p--;
        break;
      case S.SpecialAuthorityIgnoreSlashes:
        if (c !== "/" && c !== "\\") { state = S.Authority; p--; }
        break;
      case S.Authority:
        if (c === "@") {
          if (atSeen) buffer = "%40" + buffer;
          atSeen = true;
          for (const bc of Array.from(buffer)) {
            if (bc === ":" && !passwordSeen) { passwordSeen = true; continue; }
            const enc = percentEncode(bc, USERINFO);
            if (passwordSeen) url.password += enc;
            else url.username += enc;
          }
          buffer = "";
        } else if (c === "" || c === "/" || c === "?" || c === "#" || (special && c === "\\")) {
          if (atSeen && buffer === "") return null;
          p -= Array.from(buffer).length + 1;
          buffer = "";
          state = S.Host;
        } else buffer += c;
        break;
      case S.Host:
      case S.Hostname:
        if (override !== undefined && url.scheme === "file") { p--; state = S.FileHost; }
        else if (c === ":" && !bracketed) {
          if (buffer === "") return null;
          if (override === S.Hostname) return null;
          const host = parseHost(buffer, special);
          if (host === null) return null;
          url.host = host; buffer = ""; state = S.Port;
        } else if (c === "" || c === "/" || c === "?" || c === "#" || (special && c === "\\")) {
          p--;
          if (special && buffer === "") return null;
          if (override !== undefined && buffer === "" && (includesCredentials(url) || url.port !== null)) return null;
          const host = parseHost(buffer, special);
          if (host === null) return null;
          url.host = host; buffer = ""; state = S.PathStart;
          if (override !== undefined) return url;
        } else {
          if (c === "[") bracketed = true;
          if (c === "]") bracketed = false;
          buffer += c;
        }
        break;
      case S.Port:
        if (c && c >= "0" && c <= "9") buffer += c;
        else if (c === "" || c === "/" || c === "?" || c === "#" || (special && c === "\\") || override !== undefined) {
          if (buffer !== "") {
            const port = parseInt(buffer, 10);
            if (port > 65535) return null;
            url.port = port === SPECIAL[url.scheme] ? null : port;
            buffer = "";
          }
          if (override !== undefined) return url;
          state = S.PathStart; p--;
        } else return null;
        break;
      case S.File:
        url.scheme = "file";
        url.host = "";
        if (c === "/" || c === "\\") state = S.FileSlash;
        else if (base && base.scheme === "file") {
          url.host = base.host; url.path = (base.path as string[]).slice(); url.query = base.query;
          if (c === "?") { url.query = ""; state = S.Query; }
          else if (c === "#") { url.fragment = ""; state = S.Fragment; }
          else if (c !== "") {
            url.query = null;
            if (!startsWithDrive(cps, p)) shortenPath(url);
            else url.path = [];
            state = S.Path; p--;
          }
        } else { state = S.Path; p--; }
        break;
      case S.FileSlash:
        if (c === "/" || c === "\\") state = S.FileHost;
        else {
          if (base && base.scheme === "file") {
            url.host = base.host;
            const bp = base.path as string[];
            if (!startsWithDrive(cps, p) && bp.length && isNormalizedDrive(bp[0])) (url.path as string[]).push(bp[0]);
          }
          state = S.Path; p--;
        }
        break;
      case S.FileHost:
        if (c === "" || c === "/" || c === "\\" || c === "?" || c === "#") {
          p--;
          if (override === undefined && isDriveLetter(buffer)) state = S.Path;
          else if (buffer === "") {
            url.host = "";
            if (override !== undefined) return url;
            state = S.PathStart;
          } else {
            let host = parseHost(buffer, special);
            if (host === null) return null;
            if (host === "localhost") host = "";
            url.host = host;
            if (override !== undefined) return url;
            buffer = ""; state = S.PathStart;
          }
        } else buffer += c;
        break;
      case S.PathStart:
        if (special) { state = S.Path; if (c !== "/" && c !== "\\") p--; }
        else if (override === undefined && c === "?") { url.query = ""; state = S.Query; }
        else if (override === undefined && c === "#") { url.fragment = ""; state = S.Fragment; }
        else if (c !== "") { state = S.Path; if (c !== "/") p--; }
        else if (override !== undefined && url.host === null) (url.path as string[]).push("");
        break;
      case S.Path: {
        const slash = c === "/" || (special && c === "\\");
        if (c === "" || slash || (override === undefined && (c === "?" || c === "#"))) {
          const path = url.path as string[];
          if (isDoubleDot(buffer)) {
            shortenPath(url);
            if (!slash) path.push("");
          } else if (isSingleDot(buffer) && !slash) {
            path.push("");
          } else if (!isSingleDot(buffer)) {
            if (url.scheme === "file" && path.length === 0 && isDriveLetter(buffer)) buffer = buffer[0] + ":";
            path.push(buffer);
          }
          buffer = "";
          if (c === "?") { url.query = ""; state = S.Query; }
          if (c === "#") { url.fragment = ""; state = S.Fragment; }
        } else buffer += percentEncode(c, PATH);
        break;
      }
      case S.OpaquePath:
        if (c === "?") { url.query = ""; state = S.Query; }
        else if (c === "#") { url.fragment = ""; state = S.Fragment; }
        else if (c !== "") url.path += percentEncode(c, C0_CONTROL);
        break;
      case S.Query:
        if ((override === undefined && c === "#") || c === "") {
          url.query = (url.query ?? "") + percentEncode(buffer, special ? SPECIAL_QUERY : QUERY);
          buffer = "";
          if (c === "#") { url.fragment = ""; state = S.Fragment; }
        } else buffer += c;
        break;
      case S.Fragment:
        if (c !== "") url.fragment += percentEncode(c, FRAGMENT);
        break;
    }
    if (p >= cps.length) break;
  }
  return url;
}

/** The path as it appears in the URL ("/a/b", or the opaque path). */
export function serializePath(url: UrlRecord): string {
  return typeof url.path === "string" ? url.path : url.path.length ? "/" + url.path.join("/") : "";
}

/** The URL serializer (`excludeFragment` leaves out "#..."). */
export function serializeUrl(url: UrlRecord, excludeFragment = false): string {
  let out = url.scheme + ":";
  if (url.host !== null) {
    out += "//";
    if (includesCredentials(url)) out += url.username + (url.password !== "" ? ":" + url.password : "") + "@";
    out += url.host;
    if (url.port !== null) out += ":" + url.port;
  } else if (typeof url.path !== "string" && url.path.length > 1 && url.path[0] === "") {
    out += "/.";
  }
  out += serializePath(url);
  if (url.query !== null) out += "?" + url.query;
  if (!excludeFragment && url.fragment !== null) out += "#" + url.fragment;
  return out;
}
