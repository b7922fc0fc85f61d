// Server core behaviour that is not a single request/response: timeouts (headers, request, keep-alive, server
// idle), events and their order, upgrades and CONNECT, pipelining back-pressure, closeIdleConnections, aborted
// requests, header API errors, and the classes' ES5 callability (frameworks call ServerResponse.call(this, req)).
import { afterEach, describe, expect, it, vi } from "vitest";
import { IncomingMessage } from "../../../libos/http/incoming.ts";
import { OutgoingMessage } from "../../../libos/http/outgoing.ts";
import { HttpServerCore } from "../../../libos/http/server_core.ts";
import { ServerResponse } from "../../../libos/http/server_response.ts";
import { collect, exchange, settle, socketPair } from "./_pipe.ts";

const GET = (path = "/", extra = "") => `GET ${path} HTTP/1.1\r\nHost: h\r\n${extra}\r\n`;

function connect(core: HttpServerCore, options: { socketLike?: boolean } = {}) {
  const [client, server] = socketPair(options);
  const out = collect(client);
  core.emit("connection", server);
  return { client, server, out, send: (s: string) => client.write(Buffer.from(s, "latin1")) };
}

afterEach(() => { vi.useRealTimers(); });

describe("timeouts", () => {
  it("headersTimeout: a head not finished in time gets 408 and the connection closes", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const core = new HttpServerCore({ headersTimeout: 1000, requestTimeout: 5000 }, (_q, s) => s.end("x"));
    const c = connect(core);
    c.send("GET / HTTP/1.1\r\nHost: h\r\n");
    await settle();
    vi.advanceTimersByTime(999);
    await settle();
    expect(c.out.text()).toBe("");
    vi.advanceTimersByTime(2);
    await settle();
    expect(c.out.text()).toBe("HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n");
    expect(c.server.destroyed).toBe(true);
  });

  it("requestTimeout: a body not finished in time gets 408", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const core = new HttpServerCore({ headersTimeout: 1000, requestTimeout: 3000 }, (q, s) => q.on("end", () => s.end("x")));
    const c = connect(core);
    c.send("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nabc");
    await settle();
    vi.advanceTimersByTime(2000);
    await settle();
    expect(c.out.text()).toBe("");
    vi.advanceTimersByTime(1001);
    await settle();
    expect(c.out.text()).toBe("HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n");
  });

  it("a silent connection gets 408 after headersTimeout; 'clientError' sees ERR_HTTP_REQUEST_TIMEOUT", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const core = new HttpServerCore({ headersTimeout: 500, requestTimeout: 500 });
    const codes: string[] = [];
    core.on("clientError", (e: Error & { code: string }, socket: { destroy(): void }) => { codes.push(e.code); socket.destroy(); });
    const c = connect(core);
    vi.advanceTimersByTime(501);
    await settle();
    expect(codes).toEqual(["ERR_HTTP_REQUEST_TIMEOUT"]);
    expect(c.server.destroyed).toBe(true);
  });

  it("keepAliveTimeout closes an idle kept-alive connection; a new request in time resets it", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const core = new HttpServerCore({ keepAliveTimeout: 1000 }, (q, s) => s.end(q.url));
    const c = connect(core);
    c.send(GET("/1"));
    await settle();
    vi.advanceTimersByTime(900);
    c.send(GET("/2"));
    await settle();
    vi.advanceTimersByTime(900);
    await settle();
    expect(c.server.destroyed).toBe(false);
    vi.advanceTimersByTime(200);
    await settle();
    expect(c.server.destroyed).toBe(true);
    expect(c.out.text().match(/HTTP\/1\.1 200 OK/g)?.length).toBe(2);
  });

  it("server.setTimeout: 'timeout' is emitted on the server and the socket is left to the listener", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const core = new HttpServerCore(() => {});
    const timedOut: unknown[] = [];
    core.setTimeout(2000, (s: unknown) => timedOut.push(s));
    const c = connect(core);
    c.send(GET("/never-answered"));
    await settle();
    vi.advanceTimersByTime(2001);
    await settle();
    expect(timedOut).toEqual([c.server]);
    expect(c.server.destroyed).toBe(false);
  });

  it("server.timeout without a listener destroys the idle socket", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const core = new HttpServerCore(() => {});
    core.timeout = 100;
    const c = connect(core, { socketLike: true });
    vi.advanceTimersByTime(101);
    await settle();
    expect(c.server.destroyed).toBe(true);
  });
});

describe("events", () => {
  it("emits request, res 'finish' and 'close', then req 'end' and 'close' (Node's order); the socket stays open", async () => {
    const events: string[] = [];
    const core = new HttpServerCore((q, s) => {
      events.push("request " + q.url);
      s.on("finish", () => events.push("finish"));
      s.on("close", () => events.push("close"));
      q.on("end", () => events.push("req end"));
      q.on("close", () => events.push("req close"));
      s.end("x");
    });
    core.on("connection", () => events.push("connection"));
    const c = connect(core);
    c.send(GET("/e"));
    await settle();
    expect(events).toEqual(["connection", "request /e", "finish", "close", "req end", "req close"]);
    expect(c.server.destroyed).toBe(false);
  });

  it("a client that goes away mid-request aborts it: req 'aborted' and 'close', res 'close'", async () => {
    const events: string[] = [];
    const core = new HttpServerCore((q, s) => {
      q.on("aborted", () => events.push("aborted"));
      q.on("error", (e: Error & { code?: string }) => events.push("req error " + e.code));
      q.on("close", () => events.push("req close"));
      s.on("close", () => events.push("res close " + s.writableEnded));
    });
    const c = connect(core);
    c.send("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\npartial");
    await settle();
    c.client.destroy();
    await settle();
    expect(events).toContain("aborted");
    expect(events).toContain("req close");
    expect(events).toContain("res close false");
  });

  it("'upgrade' gets the request, the socket and the bytes after the head", async () => {
    const core = new HttpServerCore(() => { throw new Error("not a request"); });
    let seen = "";
    core.on("upgrade", (req: IncomingMessage, socket: { write(s: string): void; end(): void }, head: Buffer) => {
      seen = `${req.headers.upgrade} ${Buffer.from(head).toString()}`;
      socket.write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n");
      socket.end();
    });
    const reply = await exchange(core, "GET /ws HTTP/1.1\r\nHost: h\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\nEXTRA");
    expect(seen).toBe("echo EXTRA");
    expect(reply).toBe("HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n");
  });

  it("an Upgrade request without an 'upgrade' listener is a normal request", async () => {
    const core = new HttpServerCore((q, s) => s.end(`plain ${q.upgrade}`));
    const reply = await exchange(core, "GET / HTTP/1.1\r\nHost: h\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n");
    expect(reply).toContain("\r\n\r\nplain false");
  });

  it("CONNECT goes to 'connect'; without a listener the socket is destroyed", async () => {
    const core = new HttpServerCore();
    const targets: string[] = [];
    core.on("connect", (req: IncomingMessage, socket: { end(s: string): void }) => { targets.push(req.url); socket.end("HTTP/1.1 200 Connection Established\r\n\r\n"); });
    expect(await exchange(core, "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n")).toBe("HTTP/1.1 200 Connection Established\r\n\r\n");
    expect(targets).toEqual(["example.com:443"]);
    const bare = new HttpServerCore();
    const c = connect(bare);
    c.send("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n");
    await settle();
    expect(c.server.destroyed).toBe(true);
  });

  it("closeIdleConnections ends idle keep-alive connections only; close() calls back", async () => {
    let hold: ServerResponse | undefined;
    const core = new HttpServerCore((q, s) => { if (q.url === "/hold") hold = s as never; else s.end("x"); });
    const idle = connect(core), busy = connect(core);
    idle.send(GET("/quick"));
    busy.send(GET("/hold"));
    await settle();
    let closed = false;
    core.close(() => { closed = true; });
    await settle();
    expect(idle.server.destroyed).toBe(true);
    expect(busy.server.destroyed).toBe(false);
    expect(closed).toBe(true);
    hold?.end("late");
    await settle();
    expect(busy.out.text()).toContain("late");
    core.closeAllConnections();
    await settle();
    expect(busy.server.destroyed).toBe(true);
  });

  it("attach() serves the connections another emitter hands over", async () => {
    const { EventEmitter } = await import("node:events");
    const source = new EventEmitter();
    const core = new HttpServerCore((q, s) => s.end("via " + q.url));
    const stop = core.attach(source);
    const [client, server] = socketPair();
    const out = collect(client);
    source.emit("connection", server);
    client.write(GET("/attached"));
    await settle();
    expect(out.text()).toContain("via /attached");
    stop();
    expect(source.listenerCount("connection")).toBe(0);
  });

  it("pipelined requests flood: reading pauses while responses are not written, nothing is lost", async () => {
    const pending: ServerResponse[] = [];
    const core = new HttpServerCore((_q, s) => { pending.push(s as never); });
    const c = connect(core);
    c.send(GET("/").repeat(200));
    await settle();
    const seen = pending.length;
    expect(seen).toBe(200);
    for (const [i, s] of pending.entries()) s.end("r" + i);
    await settle(40);
    const bodies = c.out.text().match(/\r\n\r\nr\d+/g) ?? [];
    expect(bodies.length).toBe(200);
    expect(bodies[199]).toBe("\r\n\r\nr199");
  });
});

describe("header API and errors", () => {
  it("throws ERR_HTTP_HEADERS_SENT after the head, ERR_INVALID_HTTP_TOKEN and ERR_INVALID_CHAR on bad headers", async () => {
    const errors: string[] = [];
    const core = new HttpServerCore((_q, s) => {
      const tryIt = (f: () => void) => { try { f(); } catch (e) { errors.push((e as { code: string }).code); } };
      tryIt(() => s.setHeader("bad name", "v"));
      tryIt(() => s.setHeader("x", "a\nb"));
      tryIt(() => s.setHeader("x", undefined as never));
      tryIt(() => s.writeHead(1000));
      s.setHeader("X-Ok", 1);
      expect(s.getHeader("x-ok")).toBe(1);
      expect(s.hasHeader("X-OK")).toBe(true);
      expect(s.getHeaderNames()).toEqual(["x-ok"]);
      expect(s.getHeaders()).toEqual(Object.assign(Object.create(null), { "x-ok": 1 }));
      expect(s.headersSent).toBe(false);
      s.end("x");
      expect(s.headersSent).toBe(true);
      tryIt(() => s.setHeader("late", "1"));
      tryIt(() => s.removeHeader("x-ok"));
      s.write("more", (err) => errors.push("cb " + (err as { code?: string } | undefined)?.code));
      s.on("error", (e: Error & { code?: string }) => errors.push("error " + e.code));
    });
    await exchange(core, GET());
    expect(errors).toEqual(["ERR_INVALID_HTTP_TOKEN", "ERR_INVALID_CHAR", "ERR_HTTP_INVALID_HEADER_VALUE",
      "ERR_HTTP_INVALID_STATUS_CODE", "ERR_HTTP_HEADERS_SENT", "ERR_HTTP_HEADERS_SENT", "cb ERR_STREAM_WRITE_AFTER_END",
      "error ERR_STREAM_WRITE_AFTER_END"]);
  });

  it("custom IncomingMessage and ServerResponse classes from the options are used", async () => {
    class MyReq extends (IncomingMessage as unknown as typeof import("node:http").IncomingMessage) { mine = true; }
    class MyRes extends (ServerResponse as unknown as typeof import("node:http").ServerResponse) { mineToo = true; }
    const core = new HttpServerCore({ IncomingMessage: MyReq as never, ServerResponse: MyRes as never }, (q, s) =>
      s.end(`${(q as unknown as MyReq).mine} ${(s as unknown as MyRes).mineToo}`));
    expect(await exchange(core, GET())).toContain("\r\n\r\ntrue true");
  });
});

describe("ES5 constructors (frameworks call them on their own objects)", () => {
  it("ServerResponse.call(this, req) and IncomingMessage.call(this, socket) initialise subclass objects", () => {
    function Req(this: IncomingMessage, socket: unknown) { IncomingMessage.call(this, socket as never); this.url = "/mock"; }
    Object.setPrototypeOf(Req.prototype, IncomingMessage.prototype);
    function Res(this: ServerResponse, req: IncomingMessage) { ServerResponse.call(this, req); }
    Object.setPrototypeOf(Res.prototype, ServerResponse.prototype);
    const req = new (Req as unknown as new (s: unknown) => IncomingMessage)(null);
    req.method = "GET";
    const res = new (Res as unknown as new (r: IncomingMessage) => ServerResponse)(req);
    expect(req.url).toBe("/mock");
    expect(req.headers).toEqual({});
    expect(res.statusCode).toBe(200);
    res.setHeader("X", "1");
    expect(res.getHeader("x")).toBe("1");
    expect(res instanceof ServerResponse).toBe(true);
    expect(res instanceof OutgoingMessage).toBe(true);
    expect(ServerResponse.prototype.constructor).toBe(ServerResponse);
    expect(ServerResponse.name).toBe("ServerResponse");
  });

  it("calling without new constructs", () => {
    const res = (ServerResponse as unknown as (r: unknown) => ServerResponse)({ method: "HEAD", headers: {}, httpVersionMajor: 1, httpVersionMinor: 1 });
    expect(res instanceof ServerResponse).toBe(true);
    expect(res._hasBody).toBe(false);
  });

  it("a response with no socket queues its output until assignSocket", async () => {
    const req = new IncomingMessage(null);
    Object.assign(req, { method: "GET", httpVersionMajor: 1, httpVersionMinor: 1 });
    const res = new ServerResponse(req);
    res.sendDate = false;
    res.end("queued");
    expect(res.outputData.length).toBeGreaterThan(0);
    const [client, server] = socketPair();
    const out = collect(client);
    res.assignSocket(server as never);
    await settle();
    expect(out.text()).toBe("HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nContent-Length: 6\r\n\r\nqueued");
  });
});

describe("timeouts with pipelining", () => {
  afterEach(() => { vi.useRealTimers(); });

  it("a second, unfinished request in the same chunk is timed too (no slow-loris through pipelining)", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const core = new HttpServerCore({ headersTimeout: 1000, requestTimeout: 5000, keepAliveTimeout: 0 }, (q, s) => s.end(q.url));
    const c = connect(core);
    c.send(GET("/first") + "GET /second HTTP/1.1\r\nHost: h\r\n");
    await settle();
    for (let i = 0; i < 3; i++) {
      vi.advanceTimersByTime(400);
      c.send("X-Slow: 1\r\n");
      await settle();
    }
    expect(c.out.text()).toContain("\r\n\r\n/first");
    expect(c.out.text()).toContain("HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n");
    expect(c.server.destroyed).toBe(true);
  });
});
