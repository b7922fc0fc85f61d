// libos/url/whatwg_url.ts — the WHATWG URL class (as Node's global URL): parsing against a base, every component
// getter and setter, origin, searchParams kept in sync, toJSON, canParse/parse; invalid input throws TypeError
// with code ERR_INVALID_URL as Node does. Layer: libos. Depends on url_record.ts, search_params.ts.

import { domainToAscii, domainToUnicode } from "./host.ts";
import { percentEncode, USERINFO } from "./percent.ts";
import { URLSearchParams, type QueryOwner } from "./search_params.ts";
import { basicParse, isSpecial, parseBase, S, serializePath, serializeUrl, SPECIAL, type UrlRecord } from "./url_record.ts";

function invalidUrl(input: string, base?: string): TypeError {
  const e = Object.assign(new TypeError("Invalid URL"), { code: "ERR_INVALID_URL", input });
  if (base !== undefined) (e as { base?: string }).base = base;
  return e;
}

const cannotHaveCredentials = (u: UrlRecord) => u.host === null || u.host === "" || u.scheme === "file";

function stripTrailingSpaces(u: UrlRecord): void {
  if (typeof u.path !== "string" || u.fragment !== null || u.query !== null) return;
  u.path = u.path.replace(/ +$/, "");
}

/** WHATWG URL: `new URL("/a?b", "http://example.com")`. Throws TypeError (ERR_INVALID_URL) for invalid input. */
export class URL implements QueryOwner {
  private _url: UrlRecord;
  private _params: URLSearchParams;

  constructor(input: string | { toString(): string }, base?: string | { toString(): string }) {
    const s = String(input);
    let baseRecord: UrlRecord | null = null;
    if (base !== undefined) {
      baseRecord = parseBase(String(base));
      if (!baseRecord) throw invalidUrl(s, String(base));
    }
    const rec = basicParse(s, baseRecord);
    if (!rec) throw invalidUrl(s, base === undefined ? undefined : String(base));
    this._url = rec;
    this._params = new URLSearchParams();
    this._params._reset(rec.query);
    this._params._owner = this;
  }

  /** True if `new URL(input, base)` would not throw. */
  static canParse(input: string, base?: string): boolean {
    try { new URL(input, base); return true; } catch { return false; }
  }

  /** `new URL(input, base)`, or null where that throws. */
  static parse(input: string, base?: string): URL | null {
    try { return new URL(input, base); } catch { return null; }
  }

  /** @internal URLSearchParams changed: the query follows. */
  _setQueryFromParams(serialized: string): void {
    this._url.query = serialized === "" ? null : serialized;
    if (serialized === "") stripTrailingSpaces(this._url);
  }

  get href(): string { return serializeUrl(this._url); }
  set href(v: string) {
    const rec = basicParse(String(v));
    if (!rec) throw invalidUrl(String(v));
    this._url = rec;
    this._params._reset(rec.query);
  }

  get origin(): string {
    const u = this._url;
    if (u.scheme === "blob") {
      try {
        const inner = new URL(serializePath(u));
        if (inner.protocol === "http:" || inner.protocol === "https:") return inner.origin;
      } catch { /* opaque */ }
      return "null";
    }
    if (!isSpecial(u.scheme) || u.scheme === "file") return "null";
    return u.scheme + "://" + u.host + (u.port !== null ? ":" + u.port : "");
  }

  get protocol(): string { return this._url.scheme + ":"; }
  set protocol(v: string) { basicParse(String(v) + ":", null, this._url, S.SchemeStart); }

  get username(): string { return this._url.username; }
  set username(v: string) {
    if (cannotHaveCredentials(this._url)) return;
    this._url.username = percentEncode(String(v), USERINFO);
  }

  get password(): string { return this._url.password; }
  set password(v: string) {
    if (cannotHaveCredentials(this._url)) return;
    this._url.password = percentEncode(String(v), USERINFO);
  }

  get host(): string {
    const u = this._url;
    if (u.host === null) return "";
    return u.port === null ? u.host : u.host + ":" + u.port;
  }
  set host(v: string) {
    if (typeof this._url.path === "string") return;
    withCopy(this, (rec) => basicParse(String(v), null, rec, S.Host));
  }

  get hostname(): string { return this._url.host ?? ""; }
  set hostname(v: string) {
    if (typeof this._url.path === "string") return;
    withCopy(this, (rec) => basicParse(String(v), null, rec, S.Hostname));
  }

  get port(): string { return this._url.port === null ? "" : String(this._url.port); }
  set port(v: string) {
    if (cannotHaveCredentials(this._url)) return;
    const s = String(v);
    if (s === "") this._url.port = null;
    else withCopy(this, (rec) => basicParse(s, null, rec, S.Port));
  }

  get pathname(): string { return serializePath(this._url); }
  set pathname(v: string) {
    if (typeof this._url.path === "string") return;
    withCopy(this, (rec) => { rec.path = []; return basicParse(String(v), null, rec, S.PathStart); });
  }

  get search(): string { return this._url.query ? "?" + this._url.query : ""; }
  set search(v: string) {
    const s = String(v);
    if (s === "") {
      this._url.query = null;
      this._params._reset(null);
      stripTrailingSpaces(this._url);
      return;
    }
    this._url.query = "";
    basicParse(s[0] === "?" ? s.slice(1) : s, null, this._url, S.Query);
    this._params._reset(this._url.query);
  }

  get searchParams(): URLSearchParams { return this._params; }

  get hash(): string { return this._url.fragment ? "#" + this._url.fragment : ""; }
  set hash(v: string) {
    const s = String(v);
    if (s === "") {
      this._url.fragment = null;
      stripTrailingSpaces(this._url);
      return;
    }
    this._url.fragment = "";
    basicParse(s[0] === "#" ? s.slice(1) : s, null, this._url, S.Fragment);
  }

  toString(): string { return this.href; }
  toJSON(): string { return this.href; }

  get [Symbol.toStringTag](): string { return "URL"; }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    const fields = ["href", "origin", "protocol", "username", "password", "host", "hostname", "port", "pathname", "search"] as const;
    const body = fields.map((f) => `  ${f}: '${this[f]}',`).join("\n");
    return `URL {\n${body}\n  searchParams: ${(this._params as unknown as Record<symbol, () => string>)[Symbol.for("nodejs.util.inspect.custom")]()},\n  hash: '${this.hash}'\n}`;
  }

  /** @internal the record (url module helpers). */
  static _record(u: URL): UrlRecord { return u._url; }
}

/** Runs a setter's parse on a copy and keeps the result only if it succeeded (setters never half-apply). */
function withCopy(url: URL, parse: (rec: UrlRecord) => UrlRecord | null): void {
  const rec = URL._record(url);
  const copy: UrlRecord = { ...rec, path: typeof rec.path === "string" ? rec.path : rec.path.slice() };
  if (parse(copy)) Object.assign(rec, copy);
}

/** Node's url.domainToASCII: "" for an invalid domain. */
export function urlDomainToASCII(domain: string): string {
  return domainToAscii(String(domain)) ?? "";
}

/** Node's url.domainToUnicode. */
export function urlDomainToUnicode(domain: string): string {
  const ascii = domainToAscii(String(domain));
  return ascii === null ? "" : domainToUnicode(ascii);
}

export { SPECIAL };
