// The http client against Node's own: the bytes a request puts on the wire (start line, Host, auth, framing of
// uploads, Connection), how responses are parsed (content-length, chunked with trailers, read-until-close, HEAD,
// 1xx, malformed), errors ("socket hang up"), timeouts, abort, and the Agent: keep-alive reuse, maxSockets queueing,
// free-socket pooling with the server's Keep-Alive hint.
import * as nodeHttp from "node:http";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Agent } from "../../../libos/http/agent.ts";
import { ClientRequest } from "../../../libos/http/client_request.ts";
import { HttpServerCore } from "../../../libos/http/server_core.ts";
import { collect, settle, socketPair, type PipeEnd } from "./_pipe.ts";

type Act = (req: nodeHttp.ClientRequest) => void;
interface Outcome { wire: string; events: string[]; body: string; head: unknown }

/** Runs one request with Node's client or ours over an in-memory socket; `reply` is what the peer answers. */
async function run(kind: "node" | "mine", options: Record<string, unknown>, act: Act, reply: string | null, endPeer = false): Promise<Outcome> {
  const [client, peer] = socketPair({ node: kind === "node" });
  const wire = collect(peer);
  const events: string[] = [];
  let body = "";
  let head: unknown = null;
  const opts = { ...options, createConnection: () => client };
  const onResponse = (res: nodeHttp.IncomingMessage) => {
    head = [res.statusCode, res.statusMessage, res.httpVersion, res.headers, res.rawHeaders];
    events.push("response");
    res.setEncoding("latin1");
    res.on("data", (d: string) => { body += d; });
    res.on("end", () => events.push("end " + JSON.stringify(res.trailers) + " " + res.complete));
    res.on("aborted", () => events.push("aborted"));
    res.on("error", (e: Error & { code?: string }) => events.push("res error " + e.code));
    res.on("close", () => events.push("res close"));
  };
  const req = kind === "node" ? nodeHttp.request(opts as nodeHttp.RequestOptions, onResponse)
    : new ClientRequest(opts, onResponse as never) as unknown as nodeHttp.ClientRequest;
  req.on("error", (e: Error & { code?: string }) => events.push(`error ${e.code} ${e.message}`));
  req.on("close", () => events.push("close"));
  req.on("socket", () => events.push("socket"));
  req.on("continue", () => events.push("continue"));
  req.on("information", (i: { statusCode: number }) => events.push("information " + i.statusCode));
  act(req);
  await settle();
  if (reply !== null) peer.write(Buffer.from(reply, "latin1"));
  await settle();
  if (endPeer) { peer.end(); await settle(); }
  return { wire: wire.text(), events, body, head };
}

async function compare(options: Record<string, unknown>, act: Act, reply: string | null, endPeer = false) {
  const node = await run("node", options, act, reply, endPeer);
  const mine = await run("mine", options, act, reply, endPeer);
  expect(mine).toEqual(node);
  return mine;
}

const OK = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";

describe("requests on the wire and responses parsed, against Node's client", () => {
  it("GET with defaults: Host localhost:80 (no agent, so no default port), Connection: close", async () => {
    const r = await compare({ path: "/a?b=c" }, (q) => q.end(), OK);
    expect(r.wire).toBe("GET /a?b=c HTTP/1.1\r\nHost: localhost:80\r\nConnection: close\r\n\r\n");
  });

  it("host, port, method lower-case, headers object and Basic auth", async () => {
    await compare({ host: "example.org", port: 8080, method: "put", headers: { "X-A": "1", "x-b": ["2", "3"] }, auth: "user:pw" },
      (q) => q.end("body"), OK);
  });

  it("chunked upload when writing without a length", async () => {
    const r = await compare({ method: "POST", path: "/up" }, (q) => { q.write("abc"); q.write(Buffer.from("de")); q.end(); }, OK);
    expect(r.wire).toContain("Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
  });

  it("Content-Length upload when end() has the whole body", async () => {
    const r = await compare({ method: "POST" }, (q) => q.end("payload"), OK);
    expect(r.wire).toContain("Content-Length: 7\r\n\r\npayload");
  });

  it("flat header array and setHost: false", async () => {
    await compare({ headers: ["X-Raw", "1", "X-Raw", "2"], setHost: false }, (q) => q.end(), OK);
  });

  it("IPv6 host in the Host header gets brackets; default port is not shown", async () => {
    await compare({ host: "::1", port: 80 }, (q) => q.end(), OK);
  });

  it("chunked response with trailers", async () => {
    const r = await compare({}, (q) => q.end(), "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nwiki\r\n5\r\npedia\r\n0\r\nX-T: 1\r\n\r\n");
    expect(r.body).toBe("wikipedia");
  });

  it("response read until the connection closes", async () => {
    const r = await compare({}, (q) => q.end(), "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nall of it", true);
    expect(r.body).toBe("all of it");
  });

  it("HEAD response: headers only, even with Content-Length", async () => {
    await compare({ method: "HEAD" }, (q) => q.end(), "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n");
  });

  it("204 and 304 have no body", async () => {
    await compare({}, (q) => q.end(), "HTTP/1.1 204 No Content\r\n\r\n");
    await compare({}, (q) => q.end(), "HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n");
  });

  it("100 Continue then the final response ('continue', 'information')", async () => {
    await compare({ method: "POST", headers: { Expect: "100-continue" } }, (q) => q.on("continue", () => q.end("go")),
      "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
  });

  it("duplicate response headers folded as Node does", async () => {
    await compare({}, (q) => q.end(), "HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nX-L: 1\r\nX-L: 2\r\nContent-Length: 0\r\n\r\n");
  });

  it("connection closed before any response: 'socket hang up'", async () => {
    const r = await compare({}, (q) => q.end(), null, true);
    expect(r.events).toContain("error ECONNRESET socket hang up");
  });

  it("connection closed in the middle of the body: the response is aborted", async () => {
    await compare({}, (q) => q.end(), "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial", true);
  });

  it("a malformed response is an error on the request", async () => {
    const mine = await run("mine", {}, (q) => q.end(), "HTTP/1.1 abc\r\n\r\n");
    const node = await run("node", {}, (q) => q.end(), "HTTP/1.1 abc\r\n\r\n");
    expect(mine.events[0]).toBe("socket");
    expect(mine.events[1]).toMatch(/^error HPE_/);
    expect(node.events[1]).toMatch(/^error HPE_/);
    expect(mine.events.slice(2)).toEqual(node.events.slice(2));
  });

  it("destroy() before a response: error and close", async () => {
    await compare({}, (q) => { q.end(); q.destroy(); }, null);
  });

  it("a request path with spaces is refused (ERR_UNESCAPED_CHARACTERS)", () => {
    expect(() => new ClientRequest({ path: "/a b", createConnection: () => socketPair()[0] })).toThrow(expect.objectContaining({ code: "ERR_UNESCAPED_CHARACTERS" }));
    expect(() => new ClientRequest({ protocol: "https:", createConnection: () => socketPair()[0] })).toThrow(expect.objectContaining({ code: "ERR_INVALID_PROTOCOL" }));
    expect(() => new ClientRequest({ method: "BAD METHOD", createConnection: () => socketPair()[0] })).toThrow(expect.objectContaining({ code: "ERR_INVALID_HTTP_TOKEN" }));
  });

  it("a URL string gives path, host, port and auth", async () => {
    const [client, peer] = socketPair();
    const wire = collect(peer);
    const req = new ClientRequest("http://u:p@example.com:8080/x?y=1", { createConnection: () => client });
    req.end();
    await settle();
    expect(wire.text()).toBe("GET /x?y=1 HTTP/1.1\r\nHost: example.com:8080\r\nAuthorization: Basic dTpw\r\nConnection: close\r\n\r\n");
    req.on("error", () => {});                       // destroy() before a response emits 'socket hang up', as in Node
    req.destroy();
  });
});

describe("timeouts and abort", () => {
  afterEach(() => { vi.useRealTimers(); });

  it("setTimeout: 'timeout' fires when the socket is idle; the caller destroys", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const [client] = socketPair({ socketLike: true });
    const events: string[] = [];
    const req = new ClientRequest({ createConnection: () => client });
    req.on("error", (e: Error & { code?: string }) => events.push("error " + e.code));
    req.setTimeout(1000, () => { events.push("timeout"); req.destroy(); });
    req.end();
    await settle();
    vi.advanceTimersByTime(1001);
    await settle();
    expect(events).toEqual(["timeout", "error ECONNRESET"]);
  });

  it("abort() before a response: 'abort', 'socket hang up' error, 'close' (as Node)", async () => {
    const [client] = socketPair();
    const events: string[] = [];
    const req = new ClientRequest({ createConnection: () => client });
    req.on("abort", () => events.push("abort"));
    req.on("close", () => events.push("close"));
    req.on("error", (e: Error & { code?: string }) => events.push("error " + e.code));
    req.end();
    await settle();
    req.abort();
    await settle();
    expect(events).toEqual(["abort", "error ECONNRESET", "close"]);
    expect(req.aborted).toBe(true);
  });
});

describe("Agent", () => {
  function server(handler?: ConstructorParameters<typeof HttpServerCore>[1]) {
    return new HttpServerCore(handler ?? ((q, s) => s.end("r" + q.url)));
  }
  function agentFor(core: HttpServerCore, options: ConstructorParameters<typeof Agent>[0]) {
    const agent = new Agent(options);
    const made: PipeEnd[] = [];
    agent.createConnection = () => { const [c, s] = socketPair({ socketLike: true }); made.push(c); core.emit("connection", s); return c as never; };
    return { agent, made };
  }
  const fetch = (agent: Agent, path: string) => new Promise<{ body: string; reused: boolean }>((resolve, reject) => {
    const req = new ClientRequest({ path, agent }, (res) => {
      let body = "";
      res.on("data", (d: Uint8Array) => { body += Buffer.from(d).toString(); });
      res.on("end", () => resolve({ body, reused: req.reusedSocket }));
    });
    req.on("error", reject);
    req.end();
  });

  it("keepAlive reuses one socket for sequential requests; free socket pooled", async () => {
    const { agent, made } = agentFor(server(), { keepAlive: true });
    const a = await fetch(agent, "/1");
    await settle();
    expect(Object.values(agent.freeSockets).flat().length).toBe(1);
    const b = await fetch(agent, "/2");
    expect([a, b]).toEqual([{ body: "r/1", reused: false }, { body: "r/2", reused: true }]);
    expect(made.length).toBe(1);
    agent.destroy();
  });

  it("without keepAlive each request gets its own connection, closed after use", async () => {
    const { agent, made } = agentFor(server(), {});
    await fetch(agent, "/1");
    await fetch(agent, "/2");
    await settle();
    expect(made.length).toBe(2);
    expect(made.every((s) => s.destroyed)).toBe(true);
  });

  it("maxSockets queues requests beyond the limit and serves them in order", async () => {
    const { agent, made } = agentFor(server((q, s) => setImmediate(() => s.end("r" + q.url))), { keepAlive: true, maxSockets: 2 });
    const results = await Promise.all(["/1", "/2", "/3", "/4", "/5"].map((p) => fetch(agent, p)));
    expect(results.map((r) => r.body)).toEqual(["r/1", "r/2", "r/3", "r/4", "r/5"]);
    expect(made.length).toBe(2);
    agent.destroy();
  });

  it("maxFreeSockets bounds the pool; destroy() closes everything", async () => {
    const { agent, made } = agentFor(server((q, s) => setImmediate(() => s.end("r" + q.url))), { keepAlive: true, maxFreeSockets: 1 });
    await Promise.all(["/1", "/2", "/3"].map((p) => fetch(agent, p)));
    await settle();
    expect(made.length).toBe(3);
    expect(Object.values(agent.freeSockets).flat().length).toBe(1);
    agent.destroy();
    await settle();
    expect(made.every((s) => s.destroyed)).toBe(true);
  });

  it("a server Keep-Alive hint of 1 s makes the socket unusable: it is closed, not pooled", async () => {
    const { agent } = agentFor(server((_q, s) => { s.setHeader("Keep-Alive", "timeout=1"); s.end("x"); }), { keepAlive: true });
    await fetch(agent, "/");
    await settle();
    expect(Object.values(agent.freeSockets).flat().length).toBe(0);
  });

  it("getName keys the pool as Node does", () => {
    const agent = new Agent();
    expect(agent.getName({ host: "a", port: 80 })).toBe("a:80:");
    expect(agent.getName({ host: "a", port: 80, localAddress: "l", family: 4 })).toBe("a:80:l:4");
    expect(agent.getName()).toBe("localhost::");
    expect(agent.getName({ host: "a", port: 80 })).toBe(new nodeHttp.Agent().getName({ host: "a", port: 80 }));
  });

  it("an agent request carries Connection: keep-alive", async () => {
    const node = new nodeHttp.Agent({ keepAlive: true });
    const mine = new Agent({ keepAlive: true });
    const wires: string[] = [];
    for (const [kind, agent] of [["node", node], ["mine", mine]] as const) {
      const [client, peer] = socketPair({ node: kind === "node", socketLike: true });
      const wire = collect(peer);
      (agent as unknown as { createConnection: () => unknown }).createConnection = () => client;
      const req = kind === "node" ? nodeHttp.request({ agent: node, path: "/k" }) : new ClientRequest({ agent: mine, path: "/k" });
      req.on("error", () => {});
      req.end();
      await settle();
      wires.push(wire.text());
      req.destroy();
    }
    expect(wires[1]).toBe(wires[0]);
    expect(wires[1]).toBe("GET /k HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n");
    node.destroy();
    mine.destroy();
  });
});
