// libos/url/legacy.ts — Node's legacy URL API: url.parse (Url objects: protocol, slashes, auth, host, port,
// hostname, hash, search, query, pathname, path, href), url.format and url.resolve/resolveObject, written to Node
// 20's behaviour (backslashes before the query become slashes, autoescaped characters, the simple-path fast path,
// hostnames cut at invalid characters, ERR_INVALID_URL for spoofing hosts). Layer: libos. Depends on querystring.

import * as querystring from "../querystring/index.ts";
import { domainToAscii } from "./host.ts";
import { resolveObjectImpl } from "./legacy_resolve.ts";

const protocolPattern = /^[a-z0-9.+-]+:/i;
const portPattern = /:[0-9]*$/;
const hostPattern = /^\/\/[^@/]+@[^@/]+/;
const simplePathPattern = /^(\/\/?(?!\/)[^?\s]*)(\?[^\s]*)?$/;
const hostnameMaxLen = 255;
const hostlessProtocol = new Set(["javascript", "javascript:"]);
const slashedProtocol = new Set(["http", "http:", "https", "https:", "ftp", "ftp:", "gopher", "gopher:", "file", "file:", "ws", "ws:", "wss", "wss:"]);
const unsafeProtocol = hostlessProtocol;
const forbiddenHostChars = /[\0\t\n\r #%/:<>?@[\\\]^|]/;
const forbiddenHostCharsIpv6 = /[\0\t\n\r #%/<>?@\\^|]/;
const NON_HOST = "\t\n\r \"%';<>\\^`{|}";
const AUTO_ESCAPE: Record<string, string> = { "\t": "%09", "\n": "%0A", "\r": "%0D", " ": "%20", "\"": "%22", "'": "%27",
  "<": "%3C", ">": "%3E", "\\": "%5C", "^": "%5E", "`": "%60", "{": "%7B", "|": "%7C", "}": "%7D" };

const isWs = (c: number) => c < 33 || c === 0xa0 || c === 0xfeff;
const isIpv6Hostname = (h: string) => h[0] === "[" && h[h.length - 1] === "]";

function invalidUrl(input: string): TypeError {
  return Object.assign(new TypeError("Invalid URL"), { code: "ERR_INVALID_URL", input });
}

/** A legacy parsed URL (every field null until parse fills it). */
export class Url {
  protocol: string | null = null;
  slashes: boolean | null = null;
  auth: string | null = null;
  host: string | null = null;
  port: string | null = null;
  hostname: string | null = null;
  hash: string | null = null;
  search: string | null = null;
  query: string | null | querystring.ParsedUrlQuery = null;
  pathname: string | null = null;
  path: string | null = null;
  href: string | null = null;

  /** Fills this Url from `url` (see urlParse). */
  parse(url: string, parseQueryString?: boolean, slashesDenoteHost?: boolean): this {
    if (typeof url !== "string") {
      throw Object.assign(new TypeError(`The "url" argument must be of type string. Received ${url === null ? "null" : typeof url}`), { code: "ERR_INVALID_ARG_TYPE" });
    }
    // Trim whitespace; before the first ? or #, backslashes become slashes.
    let start = 0, end = url.length;
    while (start < end && isWs(url.charCodeAt(start))) start++;
    while (end > start && isWs(url.charCodeAt(end - 1))) end--;
    let rest = url.slice(start, end);
    let split = rest.search(/[?#]/);
    if (split === -1) split = rest.length;
    rest = rest.slice(0, split).replace(/\\/g, "/") + rest.slice(split);
    const head = url.slice(0, start + split);
    const hasHash = url.indexOf("#") !== -1, hasAt = head.indexOf("@") !== -1;
    if (!slashesDenoteHost && !hasHash && !hasAt) {
      const simple = simplePathPattern.exec(rest);
      if (simple) {
        this.path = rest;
        this.href = rest;
        this.pathname = simple[1];
        if (simple[2]) {
          this.search = simple[2];
          this.query = parseQueryString ? querystring.parse(this.search.slice(1)) : this.search.slice(1);
        } else if (parseQueryString) {
          this.search = null;
          this.query = Object.create(null) as querystring.ParsedUrlQuery;
        }
        return this;
      }
    }
    const protoMatch = protocolPattern.exec(rest);
    let lowerProto: string | undefined;
    if (protoMatch) {
      lowerProto = protoMatch[0].toLowerCase();
      this.protocol = lowerProto;
      rest = rest.slice(protoMatch[0].length);
    }
    let slashes = false;
    if (slashesDenoteHost || protoMatch || hostPattern.test(rest)) {
      slashes = rest.charCodeAt(0) === 47 && rest.charCodeAt(1) === 47;
      if (slashes && !(protoMatch && hostlessProtocol.has(lowerProto as string))) {
        rest = rest.slice(2);
        this.slashes = true;
      }
    }
    if (!hostlessProtocol.has(lowerProto as string) && (slashes || (protoMatch && !slashedProtocol.has(protoMatch[0])))) {
      rest = this.parseAuthority(rest, url);
    }
    if (!unsafeProtocol.has(lowerProto as string)) rest = rest.replace(/[\t\n\r "'<>\\^`{|}]/g, (c) => AUTO_ESCAPE[c]);
    const hashIdx = rest.indexOf("#");
    const beforeHash = hashIdx === -1 ? rest : rest.slice(0, hashIdx);
    if (hashIdx !== -1) this.hash = rest.slice(hashIdx);
    const questionIdx = beforeHash.indexOf("?");
    if (questionIdx !== -1) {
      this.search = beforeHash.slice(questionIdx);
      this.query = beforeHash.slice(questionIdx + 1);
      if (parseQueryString) this.query = querystring.parse(this.query);
    } else if (parseQueryString) {
      this.search = null;
      this.query = Object.create(null) as querystring.ParsedUrlQuery;
    }
    const first = questionIdx !== -1 ? questionIdx : hashIdx;
    if (first === -1) { if (rest.length > 0) this.pathname = rest; }
    else if (first > 0) this.pathname = rest.slice(0, first);
    if (slashedProtocol.has(lowerProto as string) && this.hostname && !this.pathname) this.pathname = "/";
    if (this.pathname || this.search) this.path = (this.pathname || "") + (this.search || "");
    this.href = this.format();
    return this;
  }

  /** Reads auth, host, port and hostname from the start of `rest`; returns what follows the host. */
  private parseAuthority(rest: string, url: string): string {
    let hostEnd = -1, atSign = -1, nonHost = -1;
    for (let i = 0; i < rest.length && hostEnd === -1; i++) {
      const ch = rest[i];
      if (ch === "#" || ch === "/" || ch === "?") { if (nonHost === -1) nonHost = i; hostEnd = i; }
      else if (ch === "@") { atSign = i; nonHost = -1; }
      else if (NON_HOST.indexOf(ch) !== -1 && nonHost === -1) nonHost = i;
    }
    let start = 0;
    if (atSign !== -1) {
      this.auth = decodeURIComponent(rest.slice(0, atSign));
      start = atSign + 1;
    }
    if (nonHost === -1) { this.host = rest.slice(start); rest = ""; }
    else { this.host = rest.slice(start, nonHost); rest = rest.slice(nonHost); }
    this.parseHost();
    if (typeof this.hostname !== "string") this.hostname = "";
    const ipv6 = isIpv6Hostname(this.hostname);
    if (!ipv6) {
      const h = this.hostname;
      for (let i = 0; i < h.length; i++) {
        if ("/\\#?:".indexOf(h[i]) !== -1) {
          this.hostname = h.slice(0, i);
          rest = `/${h.slice(i)}${rest}`;
          break;
        }
      }
    }
    this.hostname = this.hostname.length > hostnameMaxLen ? "" : this.hostname.toLowerCase();
    if (this.hostname !== "") {
      if (ipv6) {
        if (forbiddenHostCharsIpv6.test(this.hostname)) throw invalidUrl(url);
      } else {
        this.hostname = /[^\x00-\x7f]/.test(this.hostname) ? domainToAscii(this.hostname) ?? "" : this.hostname;
        if (this.hostname === "" || forbiddenHostChars.test(this.hostname)) throw invalidUrl(url);
      }
    }
    this.host = this.hostname + (this.port ? ":" + this.port : "");
    if (ipv6) {
      this.hostname = this.hostname.slice(1, -1);
      if (rest[0] !== "/") rest = "/" + rest;
    }
    return rest;
  }

  /** Splits `host` into hostname and port. */
  parseHost(): void {
    let host = this.host as string;
    const m = portPattern.exec(host);
    if (m) {
      if (m[0] !== ":") this.port = m[0].slice(1);
      host = host.slice(0, host.length - m[0].length);
    }
    if (host) this.hostname = host;
  }

  /** Builds the href from the fields. */
  format(): string {
    return formatFields(this);
  }

  /** Resolves `relative` against this URL: a string. */
  resolve(relative: string): string {
    return this.resolveObject(urlParse(relative, false, true)).format();
  }

  resolveObject(relative: string | Url): Url {
    return resolveObjectImpl(this, relative);
  }
}

/** Node's url.parse(urlString[, parseQueryString[, slashesDenoteHost]]). */
export function urlParse(url: string | Url, parseQueryString?: boolean, slashesDenoteHost?: boolean): Url {
  if (url instanceof Url) return url;
  return new Url().parse(url, parseQueryString, slashesDenoteHost);
}

type UrlFields = Partial<Omit<Url, "query">> & { query?: unknown };

/** Url.prototype.format on any object with Url's fields. */
export function formatFields(obj: UrlFields): string {
  let auth = obj.auth || "";
  if (auth) auth = encodeURIComponent(auth).replace(/%3A/gi, ":") + "@";
  let protocol = obj.protocol || "";
  let pathname = obj.pathname || "";
  let hash = obj.hash || "";
  let host = "";
  let query = "";
  if (obj.host) host = auth + obj.host;
  else if (obj.hostname) {
    host = auth + (obj.hostname.indexOf(":") !== -1 && !isIpv6Hostname(obj.hostname) ? "[" + obj.hostname + "]" : obj.hostname);
    if (obj.port) host += ":" + obj.port;
  }
  if (obj.query !== null && typeof obj.query === "object") query = querystring.stringify(obj.query);
  let search = obj.search || (query && "?" + query) || "";
  if (protocol && protocol.charCodeAt(protocol.length - 1) !== 58) protocol += ":";
  pathname = pathname.replace(/[#?]/g, (c) => (c === "#" ? "%23" : "%3F"));
  if (obj.slashes || slashedProtocol.has(protocol)) {
    if (obj.slashes || host) {
      if (pathname && pathname.charCodeAt(0) !== 47) pathname = "/" + pathname;
      host = "//" + host;
    } else if (protocol.slice(0, 4) === "file") {
      host = "//";
    }
  }
  search = search.replace(/#/g, "%23");
  if (hash && hash.charCodeAt(0) !== 35) hash = "#" + hash;
  if (search && search.charCodeAt(0) !== 63) search = "?" + search;
  return protocol + host + pathname + search + hash;
}

export { slashedProtocol, hostlessProtocol };
