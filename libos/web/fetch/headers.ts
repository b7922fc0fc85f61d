// libos/web/fetch/headers.ts — Node 20's Headers (undici): names lower-cased and checked as tokens, values
// trimmed of HTTP whitespace and checked, get() joining repeats with ", ", getSetCookie() and iteration in sorted
// name order with each Set-Cookie apart, guards ("immutable" for fetch's and Response.error()'s headers), init
// from Headers, pair sequences or records, and undici's messages. Layer: libos (web). Depends on ./_webidl.ts.
import { inspectCustom, webidlClass } from "../_util.ts";
import { argCount, byteString, illegalInvocation, isToken, isValidValue, normaliseValue } from "./_webidl.ts";

export type Guard = "none" | "request" | "response" | "immutable";
export type HeadersInit = Headers | Iterable<readonly [string, string]> | Record<string, string>;

interface Entry { name: string; values: string[] }
interface State { map: Map<string, Entry>; guard: Guard; sorted: [string, string][] | null }

const states = new WeakMap<object, State>();

function hst(self: unknown): State {
  const s = states.get(self as object);
  if (!s) throw illegalInvocation();
  return s;
}

function checkName(name: string, context: string): string {
  if (!isToken(name)) throw new TypeError(`${context}: "${name}" is an invalid header name.`);
  return name.toLowerCase();
}

function checkValue(value: string, context: string): string {
  const v = normaliseValue(value);
  if (!isValidValue(v)) throw new TypeError(`${context}: "${v}" is an invalid header value.`);
  return v;
}

function mutable(s: State): void {
  if (s.guard === "immutable") throw new TypeError("immutable");
}

/** Appends without the argument checks (for the runtime's own lists). */
export function appendHeader(h: Headers, name: string, value: string, context = "Headers.append"): void {
  const s = hst(h);
  const key = checkName(byteString(name, context, "Header name"), context);
  const v = checkValue(byteString(value, context, "Header value"), context);
  mutable(s);
  const e = s.map.get(key);
  if (e) e.values.push(v);
  else s.map.set(key, { name: key, values: [v] });
  s.sorted = null;
}

function fill(h: Headers, init: unknown): void {
  if (init === undefined || init === null) {
    if (init === null) throw new TypeError("Headers constructor: Argument 1 could not be converted to one of: sequence<sequence<ByteString>>, record<ByteString, ByteString>.");
    return;
  }
  if (typeof init !== "object" && typeof init !== "function") {
    throw new TypeError("Headers constructor: Argument 1 could not be converted to one of: sequence<sequence<ByteString>>, record<ByteString, ByteString>.");
  }
  const iter = (init as { [Symbol.iterator]?: unknown })[Symbol.iterator];
  if (typeof iter === "function") {
    for (const pair of init as Iterable<unknown>) {
      if (pair === null || typeof pair !== "object" || typeof (pair as { [Symbol.iterator]?: unknown })[Symbol.iterator] !== "function") {
        throw new TypeError("Headers constructor: Argument 1 could not be converted to one of: sequence<sequence<ByteString>>, record<ByteString, ByteString>.");
      }
      const p = [...(pair as Iterable<unknown>)];
      if (p.length !== 2) throw new TypeError(`Headers constructor: expected name/value pair to be length 2, found ${p.length}.`);
      appendHeader(h, p[0] as string, p[1] as string);
    }
    return;
  }
  for (const key of Reflect.ownKeys(init as object)) {
    const d = Reflect.getOwnPropertyDescriptor(init as object, key);
    if (!d?.enumerable) continue;
    if (typeof key === "symbol") throw new TypeError("Cannot convert a Symbol value to a string");
    appendHeader(h, key, (init as Record<string, string>)[key]);
  }
}

function sortedList(s: State): [string, string][] {
  if (s.sorted) return s.sorted;
  const out: [string, string][] = [];
  for (const key of [...s.map.keys()].sort()) {
    const e = s.map.get(key)!;
    if (key === "set-cookie") for (const v of e.values) out.push([key, v]);
    else out.push([key, e.values.join(", ")]);
  }
  return (s.sorted = out);
}

type Kind = "key" | "value" | "key+value";

/** A WebIDL pair iterator class named `tag` ("Headers Iterator"): `next` on its prototype, which inherits from
 *  %IteratorPrototype%; it walks `list()` as it is at each step. */
export function pairIterator<K, V>(tag: string): new (list: () => readonly (readonly [K, V])[], kind: Kind) => IterableIterator<unknown> {
  const states = new WeakMap<object, { list: () => readonly (readonly [K, V])[]; index: number; kind: Kind }>();
  class PairIterator {
    constructor(list: () => readonly (readonly [K, V])[], kind: Kind) {
      states.set(this, { list, index: 0, kind });
    }
    next(): IteratorResult<unknown> {
      const st = states.get(this);
      if (!st) throw illegalInvocation();
      const list = st.list();
      if (st.index >= list.length) return { value: undefined, done: true };
      const [k, v] = list[st.index++];
      return { value: st.kind === "key" ? k : st.kind === "value" ? v : [k, v], done: false };
    }
  }
  Object.defineProperty(PairIterator.prototype, "next", { enumerable: true });
  delete (PairIterator.prototype as { constructor?: unknown }).constructor;   // Node's has `next` alone
  Object.defineProperty(PairIterator.prototype, Symbol.toStringTag, { value: tag, configurable: true });
  Object.setPrototypeOf(PairIterator.prototype, Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]())));
  return PairIterator as never;
}

const HeadersIterator = pairIterator<string, string>("Headers Iterator");

export class Headers {
  constructor(init: HeadersInit | undefined = undefined) {
    states.set(this, { map: new Map(), guard: "none", sorted: null });
    fill(this, init);
  }

  append(name: string, value: string): void {
    hst(this);
    argCount("Headers.append", 2, arguments.length);
    appendHeader(this, name, value);
  }

  delete(name: string): void {
    const s = hst(this);
    argCount("Headers.delete", 1, arguments.length);
    const key = checkName(byteString(name, "Headers.delete", "Header name"), "Headers.delete");
    mutable(s);
    if (s.map.delete(key)) s.sorted = null;
  }

  get(name: string): string | null {
    const s = hst(this);
    argCount("Headers.get", 1, arguments.length);
    const e = s.map.get(checkName(byteString(name, "Headers.get", "Header name"), "Headers.get"));
    return e ? e.values.join(", ") : null;
  }

  has(name: string): boolean {
    const s = hst(this);
    argCount("Headers.has", 1, arguments.length);
    return s.map.has(checkName(byteString(name, "Headers.has", "Header name"), "Headers.has"));
  }

  set(name: string, value: string): void {
    const s = hst(this);
    argCount("Headers.set", 2, arguments.length);
    const key = checkName(byteString(name, "Headers.set", "Header name"), "Headers.set");
    const v = checkValue(byteString(value, "Headers.set", "Header value"), "Headers.set");
    mutable(s);
    s.map.set(key, { name: key, values: [v] });
    s.sorted = null;
  }

  getSetCookie(): string[] {
    const s = hst(this);
    return [...(s.map.get("set-cookie")?.values ?? [])];
  }

  keys(): IterableIterator<string> {
    const s = hst(this);
    return new HeadersIterator(() => sortedList(s), "key") as IterableIterator<string>;
  }

  values(): IterableIterator<string> {
    const s = hst(this);
    return new HeadersIterator(() => sortedList(s), "value") as IterableIterator<string>;
  }

  entries(): IterableIterator<[string, string]> {
    const s = hst(this);
    return new HeadersIterator(() => sortedList(s), "key+value") as IterableIterator<[string, string]>;
  }

  forEach(callback: (value: string, key: string, parent: Headers) => void, thisArg?: unknown): void {
    const s = hst(this);
    argCount("Headers.forEach", 1, arguments.length);
    if (typeof callback !== "function") {
      throw new TypeError("Failed to execute 'forEach' on 'Headers': parameter 1 is not of type 'Function'.");
    }
    for (const [k, v] of sortedList(s)) callback.call(thisArg, v, k, this);
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }

  [inspectCustom](depth: number, options: object, inspect: (v: unknown, o: object) => string): string {
    const o: Record<string, string> = {};
    for (const [k, e] of hst(this).map) o[k] = e.values.join(", ");
    return `Headers ${inspect(o, { ...options, depth: depth < 0 ? depth : depth - 1 })}`;
  }
}
webidlClass(Headers, "Headers");
Object.defineProperty(Headers.prototype, Symbol.iterator, { value: Headers.prototype.entries, writable: true, enumerable: false, configurable: true });

/** Sets a Headers object's guard. */
export function setGuard(h: Headers, guard: Guard): void {
  hst(h).guard = guard;
}

/** The guard of a Headers object. */
export function getGuard(h: Headers): Guard {
  return hst(h).guard;
}

/** The header list in insertion order (lower-cased names, one entry per value): what goes on the wire. */
export function headerList(h: Headers): [string, string][] {
  const out: [string, string][] = [];
  for (const [k, e] of hst(h).map) for (const v of e.values) out.push([k, v]);
  return out;
}

/** A copy of `h` with the given guard. */
export function copyHeaders(h: Headers, guard: Guard): Headers {
  const out = new Headers();
  const from = hst(h), to = hst(out);
  for (const [k, e] of from.map) to.map.set(k, { name: e.name, values: [...e.values] });
  to.guard = guard;
  return out;
}

/** Whether `x` is a Headers object of this module. */
export function isHeaders(x: unknown): x is Headers {
  return states.has(x as object);
}
