// libos/util/mime.ts — util.MIMEType and util.MIMEParams as Node 20 has them (WHATWG MIME Sniffing's parser):
// type and subtype lower-cased and checked as HTTP tokens, parameters parsed lazily on first use (names lower-cased,
// quoted values unescaped, the first of a repeated name wins, invalid ones dropped), serialised with quoting where
// a value is not a token; setters validate, throwing ERR_INVALID_MIME_SYNTAX with Node's message.
// Written from the behaviour of Node 20's lib/internal/mime.js. Layer: libos. Depends on errors.ts.

import { nodeError } from "./errors.ts";

const NOT_TOKEN = /[^!#$%&'*+\-.^_`|~A-Za-z0-9]/;
const NOT_QUOTED_STRING = /[^\t\u0020-~\u0080-\u00FF]/;
const END_LEADING_WS = /[^\r\n\t ]|$/;
const START_TRAILING_WS = /[\r\n\t ]*$/;
const EQUALS_SEMICOLON_OR_END = /[;=]|$/;
const QUOTED_VALUE = /^(?:([\\]$)|[\\][\s\S]|[^"])*(?:(")|$)/u;

const mimeSyntax = (production: string, str: string, at: number) => nodeError(TypeError, "ERR_INVALID_MIME_SYNTAX",
  `The MIME syntax for a ${production} in "${str}" is invalid${at !== -1 ? ` at ${at}` : ""}`);

/** ASCII-only lower-casing (MIME names are ASCII; other characters stay as they are). */
const asciiLower = (s: string) => s.replace(/[A-Z]+/g, (m) => m.toLowerCase());

function parseTypeAndSubtype(str: string): [string, string, number] {
  let position = str.search(END_LEADING_WS);
  const typeEnd = str.indexOf("/", position);
  const rawType = typeEnd === -1 ? str.slice(position) : str.slice(position, typeEnd);
  const badType = rawType.search(NOT_TOKEN);
  if (rawType === "" || badType !== -1 || typeEnd === -1) throw mimeSyntax("type", str, badType);
  position = typeEnd + 1;
  const subtypeEnd = str.indexOf(";", position);
  const rawSubtype = subtypeEnd === -1 ? str.slice(position) : str.slice(position, subtypeEnd);
  position += rawSubtype.length;
  if (subtypeEnd !== -1) position += 1;
  const subtype = rawSubtype.slice(0, rawSubtype.search(START_TRAILING_WS));
  const badSubtype = subtype.search(NOT_TOKEN);
  if (subtype === "" || badSubtype !== -1) throw mimeSyntax("subtype", str, badSubtype);
  return [asciiLower(rawType), asciiLower(subtype), position];
}

/** Drops the backslash of each backslash-escaped character. */
function unescapeQuoted(s: string): string {
  let out = "";
  let i = 0;
  for (; i < s.length - 1; i++) {
    if (s[i] === "\\") out += s[++i];
    else out += s[i];
  }
  if (i === s.length - 1) out += s[i];
  return out;
}

/** A parameter value as serialised: a token as is, else quoted with " and \ escaped ("" when empty). */
function encodeValue(v: string): string {
  if (v.length === 0) return '""';
  if (v.search(NOT_TOKEN) === -1) return v;
  return `"${v.replace(/["\\]/g, "\\$&")}"`;
}

/** Parses a parameter string ("; a=b; c=\"d\"") into `into`, as the standard's algorithm does. */
function parseParams(str: string, into: Map<string, string>): void {
  let position = 0;
  const end = str.search(START_TRAILING_WS);
  while (position < end) {
    position += str.slice(position).search(END_LEADING_WS);
    const afterName = str.slice(position).search(EQUALS_SEMICOLON_OR_END) + position;
    const name = asciiLower(str.slice(position, afterName));
    position = afterName;
    if (position < end) {
      const c = str[position];
      position += 1;
      if (c === ";") continue;                              // a parameter without a value
    }
    if (position >= end) break;
    let value: string;
    if (str[position] === '"') {
      position += 1;
      const m = QUOTED_VALUE.exec(str.slice(position)) as RegExpExecArray;
      position += m[0].length;
      value = unescapeQuoted(m[1] || m[2] ? m[0].slice(0, -1) : m[0]);
      if (m[1]) value += "\\";
    } else {
      const valueEnd = str.indexOf(";", position);
      const raw = valueEnd === -1 ? str.slice(position) : str.slice(position, valueEnd);
      position += raw.length;
      value = raw.slice(0, raw.search(START_TRAILING_WS));
      if (value === "") continue;
    }
    if (name !== "" && name.search(NOT_TOKEN) === -1 && value.search(NOT_QUOTED_STRING) === -1 && !into.has(name)) {
      into.set(name, value);
    }
    position++;
  }
}

let pendingSource: string | null = null;                    // handed from MIMEType's constructor to MIMEParams'

/** The parameters of a MIMEType (a Map-like of lower-case names to values). */
export class MIMEParams {
  #data = new Map<string, string>();
  #source: string | null = null;

  constructor() {
    if (pendingSource !== null) {
      this.#source = pendingSource;
      pendingSource = null;
    }
  }

  #parse(): void {
    if (this.#source === null) return;
    const s = this.#source;
    this.#source = null;
    parseParams(s, this.#data);
  }

  delete(name: string): void { this.#parse(); this.#data.delete(name); }
  get(name: string): string | null { this.#parse(); return this.#data.has(name) ? this.#data.get(name) as string : null; }
  has(name: string): boolean { this.#parse(); return this.#data.has(name); }

  /** Sets a parameter; the name must be an HTTP token and the value HTTP quoted-string characters. */
  set(name: string, value: string): void {
    this.#parse();
    name = `${name}`;
    value = `${value}`;
    const badName = name.search(NOT_TOKEN);
    if (name.length === 0 || badName !== -1) throw mimeSyntax("parameter name", name, badName);
    const badValue = value.search(NOT_QUOTED_STRING);
    if (badValue !== -1) throw mimeSyntax("parameter value", value, badValue);
    this.#data.set(name, value);
  }

  *entries(): IterableIterator<[string, string]> { this.#parse(); yield* this.#data.entries(); }
  *keys(): IterableIterator<string> { this.#parse(); yield* this.#data.keys(); }
  *values(): IterableIterator<string> { this.#parse(); yield* this.#data.values(); }

  /** "a=b;c=\"d e\"". */
  toString(): string {
    this.#parse();
    let out = "";
    for (const [k, v] of this.#data) out += `${out.length ? ";" : ""}${k}=${encodeValue(v)}`;
    return out;
  }

  declare [Symbol.iterator]: () => IterableIterator<[string, string]>;
  declare toJSON: () => string;
}
Object.defineProperty(MIMEParams.prototype, Symbol.iterator, { configurable: true, writable: true, value: MIMEParams.prototype.entries });
Object.defineProperty(MIMEParams.prototype, "toJSON", { configurable: true, writable: true, value: MIMEParams.prototype.toString });

/** A parsed MIME type: type, subtype, essence and params; String() serialises it. */
export class MIMEType {
  #type: string;
  #subtype: string;
  #params: MIMEParams;

  constructor(input: string) {
    const str = `${input}`;
    const [type, subtype, end] = parseTypeAndSubtype(str);
    this.#type = type;
    this.#subtype = subtype;
    pendingSource = str.slice(end);
    this.#params = new MIMEParams();
  }

  get type(): string { return this.#type; }
  set type(v: string) {
    v = `${v}`;
    const bad = v.search(NOT_TOKEN);
    if (v.length === 0 || bad !== -1) throw mimeSyntax("type", v, bad);
    this.#type = asciiLower(v);
  }

  get subtype(): string { return this.#subtype; }
  set subtype(v: string) {
    v = `${v}`;
    const bad = v.search(NOT_TOKEN);
    if (v.length === 0 || bad !== -1) throw mimeSyntax("subtype", v, bad);
    this.#subtype = asciiLower(v);
  }

  get essence(): string { return `${this.#type}/${this.#subtype}`; }
  get params(): MIMEParams { return this.#params; }

  toString(): string {
    const params = MIMEParams.prototype.toString.call(this.#params);
    return `${this.#type}/${this.#subtype}${params.length ? `;${params}` : ""}`;
  }

  declare toJSON: () => string;
}
Object.defineProperty(MIMEType.prototype, "toJSON", { configurable: true, writable: true, value: MIMEType.prototype.toString });
