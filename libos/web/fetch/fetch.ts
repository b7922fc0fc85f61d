// libos/web/fetch/fetch.ts — Node 20's fetch() over unijs's node:http and node:https clients (http: and https: URLs;
// data: URLs decode in place; other schemes "unknown scheme"; an image that fetches links TLS), the request
// headers undici adds when absent (accept, accept-language, sec-fetch-mode, user-agent), bodies from memory or a
// ReadableStream, redirects (follow up to 20, 303 and POST-on-301/302 become GET without a body, authorization
// dropped across origins; "manual" returns the redirect; "error" fails), AbortSignal (rejects with the signal's
// reason, also while the body streams), and responses whose body is a ReadableStream fed from the socket with
// backpressure. Network failures reject with TypeError "fetch failed" and the cause, as in Node.
// Like Node, requests offer "gzip, deflate" and such response bodies are decoded (zlib, through DecompressionStream).
// Layer: libos (web). Depends on libos/http (client), libos/https, ./request.ts, ./response.ts, ./headers.ts, libos/web/streams.
import type { IncomingMessage } from "../../http/incoming.ts";
import { TextEncoder } from "../../util/text_codec.ts";
import { URL } from "../../url/index.ts";
import { DecompressionStream } from "../streams/compression_streams.ts";
import { ReadableStream } from "../streams/index.ts";
import { consumeBody, type BodyState } from "./body.ts";
import { appendHeader, Headers, headerList, setGuard } from "./headers.ts";
import { Request, requestState, type RequestInit, type RequestState } from "./request.ts";
import { makeResponse, type Response } from "./response.ts";

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const NULL_BODY = new Set([101, 103, 204, 205, 304]);
const MAX_REDIRECTS = 20;

const failed = (cause: unknown) => new TypeError("fetch failed", { cause });

/** node:http's (or for https: node:https's) request, loaded on the first fetch: the globals are installed before the
 *  runtime defines `process`, which node:http's streams read when they load (a require() makes the bundler load
 *  them late). */
function httpRequest(secure: boolean, ...args: Parameters<typeof import("../../http/client.ts").request>) {
  if (secure) return (require("../../https/index.ts") as typeof import("../../https/index.ts")).request(...(args as unknown[]));
  return (require("../../http/client.ts") as typeof import("../../http/client.ts")).request(...args);
}

interface Attempt {
  method: string;
  url: URL;
  headers: [string, string][];
  body: Uint8Array | ReadableStream<Uint8Array> | null;
}

/** fetch(input, init): a Promise of the Response. */
export function fetch(input: string | URL | Request, init: RequestInit | undefined = undefined): Promise<Response> {
  let req: RequestState;
  try {
    req = requestState(new Request(input as string, init));
  } catch (e) {
    return Promise.reject(e);
  }
  if (req.signal.aborted) return Promise.reject(req.signal.reason);
  return run(req);
}

async function run(req: RequestState): Promise<Response> {
  const signal = req.signal;
  let url = new URL(req.url);
  if (url.protocol === "data:") return dataResponse(url);
  let body: Uint8Array | ReadableStream<Uint8Array> | null = await requestBody(req.body);
  let method = req.method;
  let headers = headerList(req.headers);
  const urlList = [req.url];
  for (let redirects = 0; ; redirects++) {
    if (url.protocol !== "http:" && url.protocol !== "https:") throw failed(new Error("unknown scheme"));
    const res = await send({ method, url, headers, body }, signal);
    const status = res.statusCode ?? 0;
    const location = REDIRECTS.has(status) ? res.headers.location : undefined;
    if (location === undefined || req.redirect === "manual") return toResponse(res, method, urlList, signal);
    await drain(res);                                    // the redirect's own body is not wanted; its socket is
    if (req.redirect === "error") throw failed(new Error("unexpected redirect"));
    if (redirects + 1 > MAX_REDIRECTS) throw failed(new Error("redirect count exceeded"));
    let next: URL;
    try {
      next = new URL(String(location), url);
    } catch (cause) {
      throw failed(cause);
    }
    if (next.protocol !== "http:" && next.protocol !== "https:") throw failed(new Error("URL scheme must be a HTTP(S) scheme"));
    if (body instanceof ReadableStream && status !== 303) {
      throw failed(new Error("Cannot follow redirect with a streamed body"));
    }
    if ((status === 303 && method !== "GET" && method !== "HEAD") || ((status === 301 || status === 302) && method === "POST")) {
      method = "GET";
      body = null;
      headers = headers.filter(([k]) => !/^content-(encoding|language|location|type|length)$/.test(k));
    }
    if (next.origin !== url.origin) headers = headers.filter(([k]) => k !== "authorization" && k !== "cookie" && k !== "proxy-authorization");
    url = next;
    urlList.push(next.href);
  }
}

/** Reads a response to its end (so its keep-alive socket goes back to the agent before the next request). */
function drain(res: IncomingMessage): Promise<void> {
  return new Promise((resolve) => {
    if ((res as unknown as { readableEnded?: boolean }).readableEnded) {
      setImmediate(resolve);
      return;
    }
    // After 'end' the client hands the socket back to the agent on a later tick: continue after that.
    const later = () => setImmediate(resolve);
    res.on("end", later);
    res.on("close", later);
    res.on("error", () => resolve());
    res.resume();
  });
}

async function requestBody(b: BodyState | null): Promise<Uint8Array | ReadableStream<Uint8Array> | null> {
  if (!b) return null;
  if (!b.stream) return consumeBody(b);
  return b.stream;
}

/** One HTTP exchange: resolves with the response head (the body still to come). */
function send(a: Attempt, signal: RequestState["signal"]): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of a.headers) {
      const prev = headers[k];
      headers[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
    }
    const defaults: [string, string][] = [["accept", "*/*"], ["accept-language", "*"], ["sec-fetch-mode", "cors"], ["user-agent", "node"],
      ["accept-encoding", "gzip, deflate"]];
    for (const [k, v] of defaults) if (!(k in headers)) headers[k] = v;
    if (a.body instanceof Uint8Array && !("content-length" in headers)) headers["content-length"] = String(a.body.byteLength);
    else if (a.body === null && (a.method === "POST" || a.method === "PUT") && !("content-length" in headers)) headers["content-length"] = "0";
    const secure = a.url.protocol === "https:";
    const port = a.url.port ? Number(a.url.port) : secure ? 443 : 80;
    const host = a.url.hostname.startsWith("[") ? a.url.hostname.slice(1, -1) : a.url.hostname;
    let settled = false;
    const onAbort = () => {
      if (settled) return;
      settled = true;
      req.destroy();
      reject(signal.reason);
    };
    const options = { method: a.method, host, port, path: a.url.pathname + a.url.search, headers };
    const req = httpRequest(secure, options, (res) => {
      signal.removeEventListener("abort", onAbort);
      if (settled) {
        res.destroy();
        return;
      }
      settled = true;
      resolve(res as unknown as IncomingMessage);
    });
    req.on("error", (err: Error) => {
      signal.removeEventListener("abort", onAbort);
      if (settled) return;
      settled = true;
      reject(failed(err));
    });
    signal.addEventListener("abort", onAbort, { once: true });
    if (a.body instanceof Uint8Array) {
      req.end(a.body);
    } else if (a.body) {
      void pump(a.body, req as unknown as { write(c: Uint8Array, cb: () => void): boolean; end(): void; destroy(e?: Error): void });
    } else {
      req.end();
    }
  });
}

/** Writes a ReadableStream body to the request, waiting for each write. */
async function pump(stream: ReadableStream<Uint8Array>, req: { write(c: Uint8Array, cb: () => void): boolean; end(): void; destroy(e?: Error): void }) {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      await new Promise<void>((r) => req.write(value, r));
    }
    req.end();
  } catch (e) {
    req.destroy(e as Error);
  }
}

function toResponse(res: IncomingMessage, method: string, urlList: string[], signal: RequestState["signal"]): Response {
  const headers = new Headers();
  const raw = res.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    try {
      appendHeader(headers, raw[i], raw[i + 1]);
    } catch {
      // a header undici would refuse is dropped
    }
  }
  setGuard(headers, "immutable");
  const status = res.statusCode ?? 0;
  let body: BodyState | null = null;
  if (method === "HEAD" || NULL_BODY.has(status)) {
    res.resume();
  } else {
    let stream: ReadableStream<Uint8Array> = socketStream(res, signal);
    // undici decodes the codings it offers (the Content-Encoding header stays, as in Node).
    const coding = String(res.headers["content-encoding"] ?? "").trim().toLowerCase();
    const format = coding === "gzip" || coding === "x-gzip" ? "gzip" : coding === "deflate" ? "deflate" : null;
    if (format) stream = stream.pipeThrough(new DecompressionStream(format) as never) as ReadableStream<Uint8Array>;
    body = { source: null, stream, used: false, length: null };
  }
  return makeResponse({ type: "basic", status, statusText: res.statusMessage ?? "", headers, body, urlList });
}

/** The response body as a ReadableStream: the socket is paused while the stream's queue is full. */
function socketStream(res: IncomingMessage, signal: RequestState["signal"]): ReadableStream<Uint8Array> {
  let finished = false;
  return new ReadableStream<Uint8Array>({
    start(c: { enqueue(v: Uint8Array): void; close(): void; error(e: unknown): void; desiredSize: number | null }) {
      const onAbort = () => {
        if (finished) return;
        finished = true;
        c.error(signal.reason);
        res.destroy();
      };
      signal.addEventListener("abort", onAbort, { once: true });
      res.on("data", (chunk: Uint8Array) => {
        if (finished) return;
        c.enqueue(new Uint8Array(chunk));
        if ((c.desiredSize ?? 0) <= 0) res.pause();
      });
      res.on("end", () => {
        signal.removeEventListener("abort", onAbort);
        if (finished) return;
        finished = true;
        c.close();
      });
      res.on("error", (err: Error) => {
        signal.removeEventListener("abort", onAbort);
        if (finished) return;
        finished = true;
        c.error(new TypeError("terminated", { cause: err }));
      });
      res.on("aborted", () => {
        if (finished) return;
        finished = true;
        c.error(new TypeError("terminated", { cause: new Error("other side closed") }));
      });
    },
    pull() {
      res.resume();
    },
    cancel() {
      finished = true;
      res.destroy();
    },
  } as never, { highWaterMark: 16 } as never);
}

/** A data: URL's response (undici: 200 "OK", Content-Type from the URL). */
function dataResponse(url: URL): Response {
  const href = url.href;
  const comma = href.indexOf(",");
  if (comma < 0) throw failed(new Error("invalid data: URL"));
  let meta = href.slice(5, comma).trim();
  const raw = href.slice(comma + 1).replace(/#.*$/, "");
  const base64 = /;\s*base64$/i.test(meta);
  if (base64) meta = meta.replace(/;\s*base64$/i, "");
  let bytes: Uint8Array;
  const pct = decodeURIComponentBytes(raw);
  if (base64) {
    const text = String.fromCharCode(...pct).replace(/[\t\n\f\r ]/g, "");
    const bin = atobBytes(text);
    if (!bin) throw failed(new Error("invalid data: URL"));
    bytes = bin;
  } else {
    bytes = pct;
  }
  const type = meta === "" || meta.startsWith(";") ? `text/plain${meta || ";charset=US-ASCII"}` : meta;
  const headers = new Headers();
  appendHeader(headers, "content-type", type);
  setGuard(headers, "immutable");
  return makeResponse({ type: "basic", status: 200, statusText: "OK", headers,
    body: { source: bytes, stream: null, used: false, length: bytes.byteLength }, urlList: [href] });
}

function decodeURIComponentBytes(s: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x25 && /^[0-9a-fA-F]{2}$/.test(s.slice(i + 1, i + 3))) {
      out.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (c < 0x80) {
      out.push(c);
    } else {
      for (const b of new TextEncoder().encode(s[i])) out.push(b);
    }
  }
  return new Uint8Array(out);
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

function atobBytes(s: string): Uint8Array | null {
  const t = s.length % 4 === 0 ? s.replace(/={1,2}$/, "") : s;
  if (t.length % 4 === 1 || /[^A-Za-z0-9+/]/.test(t)) return null;
  const out: number[] = [];
  let acc = 0, bits = 0;
  for (const ch of t) {
    acc = ((acc << 6) | B64.indexOf(ch)) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push((acc >> bits) & 0xff);
    }
  }
  return new Uint8Array(out);
}
