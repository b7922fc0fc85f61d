// libos/url/search_params.ts — URLSearchParams (WHATWG): an ordered list of name/value pairs parsed from and
// serialised to application/x-www-form-urlencoded, optionally tied to a URL whose query it updates.
// Layer: libos. Depends on percent.ts.

import { FORM, percentDecode, percentEncode } from "./percent.ts";

/** Parses application/x-www-form-urlencoded text ("a=1&b=%20") into pairs. */
export function parseUrlencoded(input: string): [string, string][] {
  const out: [string, string][] = [];
  for (const seq of input.split("&")) {
    if (seq === "") continue;
    const eq = seq.indexOf("=");
    const name = eq === -1 ? seq : seq.slice(0, eq);
    const value = eq === -1 ? "" : seq.slice(eq + 1);
    out.push([percentDecode(name, true), percentDecode(value, true)]);
  }
  return out;
}

/** Serialises pairs as application/x-www-form-urlencoded (spaces as "+"). */
export function serializeUrlencoded(list: [string, string][]): string {
  return list.map(([k, v]) => percentEncode(k, FORM, true) + "=" + percentEncode(v, FORM, true)).join("&");
}

const toUSV = (v: unknown) => String(v).replace(/[\ud800-\udbff](?![\udc00-\udfff])|(^|[^\ud800-\udbff])[\udc00-\udfff]/g,
  (_m, pre?: string) => (pre !== undefined ? pre + "\ufffd" : "\ufffd"));

/** The URL side a URLSearchParams updates (URL implements it). */
export interface QueryOwner {
  _setQueryFromParams(serialized: string): void;
}

type Init = string | Record<string, string> | Iterable<[string, string]> | URLSearchParams | undefined | null;

/** WHATWG URLSearchParams. */
export class URLSearchParams {
  private _list: [string, string][] = [];
  /** @internal the URL whose query this is. */
  _owner: QueryOwner | null = null;

  constructor(init?: Init) {
    if (init === undefined || init === null) return;
    if (typeof init === "object" || typeof init === "function") {
      const iter = (init as Iterable<unknown>)[Symbol.iterator];
      if (typeof iter === "function") {
        for (const pair of init as Iterable<unknown>) {
          if (typeof pair !== "object" || pair === null || typeof (pair as Iterable<unknown>)[Symbol.iterator] !== "function") {
            throw Object.assign(new TypeError("Each query pair must be an iterable [name, value] tuple"), { code: "ERR_INVALID_TUPLE" });
          }
          const p = Array.from(pair as Iterable<unknown>);
          if (p.length !== 2) throw Object.assign(new TypeError("Each query pair must be an iterable [name, value] tuple"), { code: "ERR_INVALID_TUPLE" });
          this._list.push([toUSV(p[0]), toUSV(p[1])]);
        }
      } else {
        for (const key of Object.keys(init)) this._list.push([toUSV(key), toUSV((init as Record<string, unknown>)[key])]);
      }
      return;
    }
    let s = toUSV(init);
    if (s[0] === "?") s = s.slice(1);
    this._list = parseUrlencoded(s);
  }

  /** @internal replaces the list (the URL's query changed). */
  _reset(query: string | null): void {
    this._list = query ? parseUrlencoded(query) : [];
  }

  private update(): void {
    this._owner?._setQueryFromParams(this.toString());
  }

  get size(): number { return this._list.length; }

  append(name: string, value: string): void {
    this._list.push([toUSV(name), toUSV(value)]);
    this.update();
  }

  /** Removes every pair named `name` (and with `value`, if given). */
  delete(name: string, value?: string): void {
    const n = toUSV(name), v = value === undefined ? undefined : toUSV(value);
    this._list = this._list.filter(([k, val]) => !(k === n && (v === undefined || val === v)));
    this.update();
  }

  get(name: string): string | null {
    const n = toUSV(name);
    for (const [k, v] of this._list) if (k === n) return v;
    return null;
  }

  getAll(name: string): string[] {
    const n = toUSV(name);
    return this._list.filter(([k]) => k === n).map(([, v]) => v);
  }

  has(name: string, value?: string): boolean {
    const n = toUSV(name), v = value === undefined ? undefined : toUSV(value);
    return this._list.some(([k, val]) => k === n && (v === undefined || val === v));
  }

  /** Sets the first pair named `name` to `value` and removes the others (or appends). */
  set(name: string, value: string): void {
    const n = toUSV(name), v = toUSV(value);
    const i = this._list.findIndex(([k]) => k === n);
    if (i === -1) this._list.push([n, v]);
    else {
      this._list[i][1] = v;
      this._list = this._list.filter(([k], j) => j <= i || k !== n);
    }
    this.update();
  }

  /** Sorts by name (UTF-16 code units), stable. */
  sort(): void {
    const indexed = this._list.map((pair, i) => ({ pair, i }));
    indexed.sort((a, b) => (a.pair[0] < b.pair[0] ? -1 : a.pair[0] > b.pair[0] ? 1 : a.i - b.i));
    this._list = indexed.map((x) => x.pair);
    this.update();
  }

  forEach(callback: (value: string, name: string, params: URLSearchParams) => void, thisArg?: unknown): void {
    if (typeof callback !== "function") {
      throw Object.assign(new TypeError(`The "callback" argument must be of type function. Received ${typeof callback}`), { code: "ERR_INVALID_ARG_TYPE" });
    }
    for (let i = 0; i < this._list.length; i++) callback.call(thisArg, this._list[i][1], this._list[i][0], this);
  }

  *entries(): IterableIterator<[string, string]> {
    for (let i = 0; i < this._list.length; i++) yield [this._list[i][0], this._list[i][1]];
  }

  *keys(): IterableIterator<string> {
    for (let i = 0; i < this._list.length; i++) yield this._list[i][0];
  }

  *values(): IterableIterator<string> {
    for (let i = 0; i < this._list.length; i++) yield this._list[i][1];
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }

  toString(): string {
    return serializeUrlencoded(this._list);
  }

  get [Symbol.toStringTag](): string { return "URLSearchParams"; }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    if (!this._list.length) return "URLSearchParams {}";
    return `URLSearchParams { ${this._list.map(([k, v]) => `'${k}' => '${v}'`).join(", ")} }`;
  }
}
