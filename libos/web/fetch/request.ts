// libos/web/fetch/request.ts — Node 20's Request (undici): URL parsing ("Failed to parse URL from ..."), no
// credentials in URLs, method checks and normalisation, GET/HEAD without body, `duplex: "half"` for streams, the
// enumerated members' checks (redirect, mode, credentials, cache), a signal that follows init.signal, copies from
// another Request, the Body methods, clone(), and Node's inspect output. Layer: libos (web). Depends on ./body.ts,
// ./headers.ts, libos/web/abort.ts, libos/url.
import { URL } from "../../url/index.ts";
import { AbortController, AbortSignal, isAbortSignal } from "../abort.ts";
import { inspectCustom, webidlClass } from "../_util.ts";
import { bodyUsed, cloneBody, extractBody, mixinBody, type BodyInit, type BodyState } from "./body.ts";
import { appendHeader, copyHeaders, Headers, setGuard, type HeadersInit } from "./headers.ts";
import { argCount, byteString, illegalInvocation, isToken } from "./_webidl.ts";

export interface RequestInit {
  method?: string;
  headers?: HeadersInit;
  body?: BodyInit | null;
  redirect?: "follow" | "manual" | "error";
  signal?: AbortSignal | null;
  mode?: string;
  credentials?: string;
  cache?: string;
  referrer?: string;
  referrerPolicy?: string;
  integrity?: string;
  keepalive?: boolean;
  duplex?: "half";
  window?: null;
}

export interface RequestState {
  method: string;
  url: string;
  headers: Headers;
  body: BodyState | null;
  redirect: "follow" | "manual" | "error";
  mode: string;
  credentials: string;
  cache: string;
  referrer: string;
  referrerPolicy: string;
  integrity: string;
  keepalive: boolean;
  signal: AbortSignal;
}

const states = new WeakMap<object, RequestState>();

function qst(self: unknown): RequestState {
  const s = states.get(self as object);
  if (!s) throw illegalInvocation();
  return s;
}

const NORMALISED = new Set(["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"]);
const FORBIDDEN = new Set(["CONNECT", "TRACE", "TRACK"]);

function oneOf(v: unknown, allowed: string[]): string {
  const s = `${v as string}`;
  if (!allowed.includes(s)) throw new TypeError(`Request constructor: ${s} is not an accepted type. Expected one of ${allowed.join(", ")}.`);
  return s;
}

/** A signal that aborts when `parent` does (Request's own signal): AbortSignal.any() over it, which its source
 *  holds weakly, so one long-lived signal used for many requests does not keep them all alive. */
function follow(parent: AbortSignal | null | undefined): AbortSignal {
  return parent ? AbortSignal.any([parent]) : new AbortController().signal;
}

export class Request {
  constructor(input: string | URL | Request, init: RequestInit = {}) {
    argCount("Request constructor", 1, arguments.length);
    if (init !== undefined && init !== null && typeof init !== "object" && typeof init !== "function") {
      throw new TypeError("Request constructor: Expected init to be an object.");
    }
    init ??= {};
    const from = states.get(input as object);
    let url: string;
    if (from) {
      url = from.url;
    } else {
      let parsed: URL;
      try {
        parsed = new URL(`${input as string}`);
      } catch (cause) {
        throw new TypeError(`Failed to parse URL from ${input as string}`, { cause });
      }
      if (parsed.username || parsed.password) {
        throw new TypeError(`Request cannot be constructed from a URL that includes credentials: ${input as string}`);
      }
      url = parsed.href;
    }
    let method = from?.method ?? "GET";
    if (init.method !== undefined) {
      const m = byteString(init.method, "Request constructor", "method");
      if (!isToken(m)) throw new TypeError(`'${m}' is not a valid HTTP method.`);
      const upper = m.toUpperCase();
      if (FORBIDDEN.has(upper)) throw new TypeError(`'${m}' HTTP method is unsupported.`);
      method = NORMALISED.has(upper) ? upper : m;
    }
    if (init.signal !== undefined && init.signal !== null && !isAbortSignal(init.signal)) {
      throw new TypeError("Failed to construct 'Request': member signal is not of type AbortSignal.");
    }
    if (init.mode === "navigate") throw new TypeError("Request constructor: invalid request mode navigate.");
    const s: RequestState = {
      method, url,
      headers: new Headers(),
      body: null,
      redirect: init.redirect !== undefined ? oneOf(init.redirect, ["follow", "manual", "error"]) as RequestState["redirect"] : from?.redirect ?? "follow",
      mode: init.mode !== undefined ? oneOf(init.mode, ["same-origin", "no-cors", "cors", "navigate", "websocket"]) : from?.mode ?? "cors",
      credentials: init.credentials !== undefined ? oneOf(init.credentials, ["omit", "same-origin", "include"]) : from?.credentials ?? "same-origin",
      cache: init.cache !== undefined ? oneOf(init.cache, ["default", "no-store", "reload", "no-cache", "force-cache", "only-if-cached"]) : from?.cache ?? "default",
      referrer: from?.referrer ?? "about:client",
      referrerPolicy: init.referrerPolicy !== undefined ? `${init.referrerPolicy}` : from?.referrerPolicy ?? "",
      integrity: init.integrity !== undefined ? `${init.integrity}` : from?.integrity ?? "",
      keepalive: init.keepalive !== undefined ? !!init.keepalive : from?.keepalive ?? false,
      signal: follow(init.signal !== undefined ? init.signal : from?.signal),
    };
    setGuard(s.headers, "request");
    const headerSource = init.headers !== undefined ? new Headers(init.headers) : from ? from.headers : null;
    if (headerSource) for (const [k, v] of headerSource) appendHeader(s.headers, k, v);
    const hasBody = init.body !== undefined && init.body !== null;
    if ((hasBody || (from?.body && init.body === undefined)) && (method === "GET" || method === "HEAD")) {
      throw new TypeError("Request with GET/HEAD method cannot have body.");
    }
    if (hasBody) {
      const extracted = extractBody(init.body);
      if (extracted.body.stream && init.duplex !== "half") {
        throw new TypeError("RequestInit: duplex option is required when sending a body.");
      }
      s.body = extracted.body;
      if (extracted.type !== null && !s.headers.has("content-type")) appendHeader(s.headers, "content-type", extracted.type);
    } else if (from?.body && init.body === undefined) {
      if (bodyUsed(from.body)) throw new TypeError("Cannot construct a Request with a Request object that has already been used.");
      s.body = from.body;                                 // moved: the original now reads as used, as in undici
      from.body = { source: new Uint8Array(0), stream: null, used: true, length: 0 };
    }
    states.set(this, s);
  }

  get method(): string { return qst(this).method; }
  get url(): string { return qst(this).url; }
  get headers(): Headers { return qst(this).headers; }
  get destination(): string { qst(this); return ""; }
  get referrer(): string { return qst(this).referrer; }
  get referrerPolicy(): string { return qst(this).referrerPolicy; }
  get mode(): string { return qst(this).mode; }
  get credentials(): string { return qst(this).credentials; }
  get cache(): string { return qst(this).cache; }
  get redirect(): string { return qst(this).redirect; }
  get integrity(): string { return qst(this).integrity; }
  get keepalive(): boolean { return qst(this).keepalive; }
  get isReloadNavigation(): boolean { qst(this); return false; }
  get isHistoryNavigation(): boolean { qst(this); return false; }
  get signal(): AbortSignal { return qst(this).signal; }
  get duplex(): string { qst(this); return "half"; }

  clone(): Request {
    const s = qst(this);
    if (bodyUsed(s.body)) throw new TypeError("unusable");
    const c = Object.create(Request.prototype) as Request;
    states.set(c, { ...s, headers: copyHeaders(s.headers, "request"), body: cloneBody(s.body), signal: follow(s.signal) });
    return c;
  }

  [inspectCustom](depth: number, options: object, inspect: (v: unknown, o: object) => string): string {
    const s = qst(this);
    return `Request ${inspect({
      method: s.method, url: s.url, headers: s.headers, destination: "", referrer: s.referrer,
      referrerPolicy: s.referrerPolicy, mode: s.mode, credentials: s.credentials, cache: s.cache, redirect: s.redirect,
      integrity: s.integrity, keepalive: s.keepalive, isReloadNavigation: false, isHistoryNavigation: false, signal: s.signal,
    }, { ...options, depth: depth < 0 ? depth : depth - 1 })}`;
  }
}

/** The internal state of a Request (for fetch). */
export function requestState(r: Request): RequestState {
  return qst(r);
}

mixinBody(Request.prototype, (self) => qst(self).body);
webidlClass(Request, "Request");
Object.defineProperty(Request.prototype, "bytes", { enumerable: false });
