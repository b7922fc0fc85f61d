// libos/web/fetch/response.ts — Node 20's Response (undici): the constructor's checks (status 200–599, statusText,
// null-body statuses), Response.error/json/redirect, type/url/redirected/status/ok/statusText/headers, the Body
// methods, clone(), and Node's inspect output; fetch() builds its responses through makeResponse().
// Layer: libos (web). Depends on ./body.ts, ./headers.ts, libos/url.
import { URL } from "../../url/index.ts";
import { inspectCustom, webidlClass } from "../_util.ts";
import { bodyStream, bodyUsed, cloneBody, extractBody, mixinBody, type BodyInit, type BodyState } from "./body.ts";
import { appendHeader, copyHeaders, getGuard, Headers, setGuard, type HeadersInit } from "./headers.ts";
import { illegalInvocation } from "./_webidl.ts";

export type ResponseType = "basic" | "cors" | "default" | "error" | "opaque" | "opaqueredirect";

export interface ResponseInit { status?: number; statusText?: string; headers?: HeadersInit }

interface State {
  type: ResponseType;
  status: number;
  statusText: string;
  headers: Headers;
  body: BodyState | null;
  urlList: string[];
}

const states = new WeakMap<object, State>();
const kInternal = Symbol("internal");

function rst(self: unknown): State {
  const s = states.get(self as object);
  if (!s) throw illegalInvocation();
  return s;
}

const NULL_BODY = new Set([101, 103, 204, 205, 304]);
const REDIRECT = new Set([301, 302, 303, 307, 308]);

function initialise(s: State, init: ResponseInit | undefined, body: { body: BodyState; type: string | null } | null): void {
  const status = init?.status !== undefined ? Number(init.status) : 200;
  if (!(status >= 200 && status <= 599)) throw new RangeError('init["status"] must be in the range of 200 to 599, inclusive.');
  const statusText = init?.statusText !== undefined ? `${init.statusText}` : "";
  if (!/^[\t\x20-\x7e\x80-\xff]*$/.test(statusText)) throw new TypeError("Invalid statusText");
  s.status = Math.trunc(status);
  s.statusText = statusText;
  if (init?.headers !== undefined) {
    const h = new Headers(init.headers);
    for (const [k, v] of h) appendHeader(s.headers, k, v);
  }
  if (body) {
    if (NULL_BODY.has(s.status)) throw new TypeError(`Response constructor: Invalid response status code ${s.status}`);
    s.body = body.body;
    if (body.type !== null && !s.headers.has("content-type")) appendHeader(s.headers, "content-type", body.type);
  }
}

export class Response {
  constructor(body: BodyInit | null = null, init: ResponseInit = {}) {
    if (body as unknown === kInternal) return;
    if (init !== undefined && init !== null && typeof init !== "object" && typeof init !== "function") {
      throw new TypeError("Response constructor: Expected init to be an object.");
    }
    const headers = new Headers();
    setGuard(headers, "response");
    const s: State = { type: "default", status: 200, statusText: "", headers, body: null, urlList: [] };
    states.set(this, s);
    initialise(s, init ?? undefined, body === null || body === undefined ? null : extractBody(body));
  }

  static error(): Response {
    const r = makeResponse({ type: "error", status: 0, statusText: "", headers: new Headers(), body: null, urlList: [] });
    setGuard(r.headers, "immutable");
    return r;
  }

  static json(data: unknown, init: ResponseInit = {}): Response {
    const text = JSON.stringify(data);
    if (text === undefined) throw new TypeError("Value is not JSON serializable");
    const body = extractBody(text);
    body.type = "application/json";
    const headers = new Headers();
    setGuard(headers, "response");
    const s: State = { type: "default", status: 200, statusText: "", headers, body: null, urlList: [] };
    const r = makeResponse(s);
    initialise(s, init ?? undefined, body);
    return r;
  }

  static redirect(url: string | URL, status = 302): Response {
    let parsed: URL;
    try {
      parsed = new URL(`${url as string}`);
    } catch (cause) {
      throw new TypeError(`Failed to parse URL from ${url as string}`, { cause });
    }
    if (!REDIRECT.has(status)) throw new RangeError(`Invalid status code ${status}`);
    const headers = new Headers();
    appendHeader(headers, "location", parsed.href);
    setGuard(headers, "immutable");
    return makeResponse({ type: "default", status, statusText: "", headers, body: null, urlList: [] });
  }

  get type(): ResponseType { return rst(this).type; }

  get url(): string {
    const list = rst(this).urlList;
    const u = list[list.length - 1];
    if (u === undefined) return "";
    const hash = u.indexOf("#");
    return hash < 0 ? u : u.slice(0, hash);
  }

  get redirected(): boolean { return rst(this).urlList.length > 1; }
  get status(): number { return rst(this).status; }
  get ok(): boolean { const s = rst(this).status; return s >= 200 && s <= 299; }
  get statusText(): string { return rst(this).statusText; }
  get headers(): Headers { return rst(this).headers; }

  clone(): Response {
    const s = rst(this);
    if (bodyUsed(s.body)) throw new TypeError("Response.clone: Body has already been consumed.");
    return makeResponse({ ...s, headers: copyHeaders(s.headers, getGuard(s.headers)), body: cloneBody(s.body), urlList: [...s.urlList] });
  }

  [inspectCustom](depth: number, options: object, inspect: (v: unknown, o: object) => string): string {
    const s = rst(this);
    return `Response ${inspect({
      status: s.status, statusText: s.statusText, headers: s.headers, body: bodyStream(s.body), bodyUsed: bodyUsed(s.body),
      ok: this.ok, redirected: this.redirected, type: s.type, url: this.url,
    }, { ...options, depth: depth < 0 ? depth : depth - 1 })}`;
  }
}

/** A Response over a prepared state (fetch's responses, the statics). */
export function makeResponse(s: State): Response {
  const r = new Response(kInternal as never);
  states.set(r, s);
  return r;
}

export type { State as ResponseState };

mixinBody(Response.prototype, (self) => rst(self).body);
webidlClass(Response, "Response");
Object.defineProperty(Response.prototype, "bytes", { enumerable: false });
