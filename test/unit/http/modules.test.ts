// The public faces: libos/http/index.ts (node:http over node:net), url, util, querystring and path export what
// Node's modules export (names we do not provide are listed), and http.createServer is a net.Server that serves
// the connections it is handed.
import * as nodeHttp from "node:http";
import * as nodeQs from "node:querystring";
import * as nodeUrl from "node:url";
import * as nodeUtil from "node:util";
import { describe, expect, it } from "vitest";
import * as http from "../../../libos/http/index.ts";
import { Server as NetServer } from "../../../libos/node_net/index.ts";
import * as path from "../../../libos/path/index.ts";
import * as qs from "../../../libos/querystring/index.ts";
import * as url from "../../../libos/url/index.ts";
import * as util from "../../../libos/util/index.ts";
import { exchange } from "./_pipe.ts";

/** Node exports we deliberately leave out, per module. */
const NOT_PROVIDED: Record<string, string[]> = {
  http: [],
  url: [],
  querystring: [],
  util: ["MIMEParams", "MIMEType", "_errnoException", "_exceptionWithHostPort", "_extend", "aborted", "getSystemErrorMap",
    "getSystemErrorName", "parseArgs", "parseEnv", "styleText", "transferableAbortController", "transferableAbortSignal", "isError",
    "getCallSite", "getCallSites", "diff", "getSystemErrorMessage"],
};

function missing(ours: object, theirs: object, skip: string[]): string[] {
  return Object.keys(theirs).filter((k) => k !== "default" && !(k in ours) && !skip.includes(k)).sort();
}

describe("module surfaces", () => {
  it("node:http", () => {
    expect(missing(http, nodeHttp, NOT_PROVIDED.http)).toEqual([]);
    expect(http.METHODS).toEqual(nodeHttp.METHODS);
    expect(http.STATUS_CODES).toEqual(nodeHttp.STATUS_CODES);
    expect(http.maxHeaderSize).toBe(nodeHttp.maxHeaderSize);
    expect(http.globalAgent.keepAlive).toBe((nodeHttp.globalAgent as unknown as { keepAlive: boolean }).keepAlive);
    expect(Object.keys(http.default)).toEqual(expect.arrayContaining(["createServer", "request", "get", "Agent", "globalAgent"]));
  });

  it("node:url, node:querystring, node:util, node:path", () => {
    expect(missing(url, nodeUrl, NOT_PROVIDED.url)).toEqual([]);
    expect(missing(qs, nodeQs, NOT_PROVIDED.querystring)).toEqual([]);
    expect(missing(util, nodeUtil, NOT_PROVIDED.util)).toEqual([]);
    expect(path.posix.join("a", "b")).toBe("a/b");
    expect(path.default.posix).toBe(path.default);
  });

  it("http.createServer is a net.Server whose connections speak HTTP", async () => {
    const server = http.createServer((req, res) => res.end(`hello ${req.url}`));
    expect(server).toBeInstanceOf(NetServer);
    expect(server).toBeInstanceOf(http.Server);
    const reply = await exchange(server, "GET /net HTTP/1.1\r\nHost: h\r\n\r\n");
    expect(reply.endsWith("\r\n\r\nhello /net")).toBe(true);
    expect(server.listenerCount("request")).toBe(1);
  });

  it("validateHeaderName/Value throw what Node's throw", () => {
    const codes = (m: { validateHeaderName: (n: string) => void; validateHeaderValue: (n: string, v: unknown) => void }) =>
      [() => m.validateHeaderName("a b"), () => m.validateHeaderName(""), () => m.validateHeaderValue("x", undefined),
        () => m.validateHeaderValue("x", "a\rb"), () => m.validateHeaderValue("x", "ok")].map((f) => {
        try { f(); return "ok"; } catch (e) { return `${(e as Error).name} ${(e as { code: string }).code} ${(e as Error).message}`; }
      });
    expect(codes(http)).toEqual(codes(nodeHttp as never));
  });
});
