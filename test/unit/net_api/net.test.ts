// node:net between two hosts on a simulated Ethernet link: a server on host B, clients on host A — an echo
// exchange with 'connect', 'data', 'end' and 'close' and the addresses both ends report, a 1 MiB upload through
// frame loss, half-close (allowHalfOpen), a refused connection with Node's error (compared with host Node's), and
// a name resolved by a DNS server on host B. Sockets and servers keep the host they started on.
import * as hostNet from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createSocket } from "../../../libos/dgram/index.ts";
import { DNS_CLASS_IN, DnsPacket, DnsRcode, DnsRepr, parseIpv4 } from "../../../libos/net/wire/index.ts";
import * as net from "../../../libos/node_net/index.ts";
import { staticNet, TwoHosts } from "./_hosts.ts";

let hosts: TwoHosts;
afterEach(() => hosts?.close());

const shape = (e: unknown) => ({ ...(e as object), message: (e as Error).message, name: (e as Error).name });

/** An echo server on host B, port 80 (upper-cases what it gets); resolves once listening. */
async function echoServer(options: { allowHalfOpen?: boolean } = {}) {
  const events: string[] = [];
  const server = hosts.on(hosts.b, () => net.createServer(options, (s) => {
    events.push(`connection from ${s.remoteAddress}:${(s.remotePort ?? 0) > 0 ? "port" : "?"} to ${s.localAddress}:${s.localPort}`);
    s.on("data", (d) => s.write(d.toString().toUpperCase()));
    s.on("end", () => { events.push("server end"); if (options.allowHalfOpen) s.end("bye"); });
    s.on("close", () => events.push("server close"));
  }).listen(80));
  let listening = false;
  server.on("listening", () => { listening = true; });
  await hosts.settle(() => listening);
  return { server, events };
}

describe("node:net over two simulated hosts", () => {
  it("connects, echoes, ends and closes with Node's events and addresses on both ends", async () => {
    hosts = new TwoHosts();
    const { server, events } = await echoServer();
    expect(server.address()).toEqual({ address: "0.0.0.0", family: "IPv4", port: 80 });
    const client = hosts.on(hosts.a, () => net.connect(80, "10.0.0.2"));
    let received = "";
    client.on("connect", () => {
      events.push(`connect ${client.localAddress} → ${client.remoteAddress}:${client.remotePort}`);
      client.write("hello ");
      client.write("world");
    });
    client.on("data", (d) => {
      received += d.toString();
      if (received === "HELLO WORLD") client.end();
    });
    client.on("end", () => events.push("client end"));
    client.on("close", () => events.push("client close"));
    expect(await hosts.settle(() => events.includes("client close") && events.includes("server close"))).toBe(true);
    expect(received).toBe("HELLO WORLD");
    expect(events).toContain("connection from 10.0.0.1:port to 10.0.0.2:80");
    expect(events).toContain("connect 10.0.0.1 → 10.0.0.2:80");
    expect(events).toContain("server end");
    expect(events).toContain("client end");
    expect(client.bytesWritten).toBe(11);
    expect(client.bytesRead).toBe(11);
    let closed = false;
    server.close(() => { closed = true; });
    expect(await hosts.settle(() => closed)).toBe(true);
  });

  // Node's net.Socket emits 'close' with hadError (false after a clean end).
  it("'close' carries hadError === false after a clean end, as Node's", async () => {
    hosts = new TwoHosts();
    const { server } = await echoServer();
    const closes: unknown[] = [];
    const client = hosts.on(hosts.a, () => net.connect(80, "10.0.0.2", () => client.end()));
    client.on("close", (hadError: unknown) => closes.push(hadError));
    await hosts.settle(() => closes.length === 1);
    server.close();
    expect(closes).toEqual([false]);
  });

  it("uploads 1 MiB byte-exact through 3% frame loss", async () => {
    hosts = new TwoHosts({ faults: { loss: 0.03 }, seed: 5 });
    const chunks: Buffer[] = [];
    let done = false;
    const server = hosts.on(hosts.b, () => net.createServer((s) => {
      s.on("data", (d) => chunks.push(Buffer.from(d)));
      s.on("end", () => { done = true; s.end(); });
    }).listen(9000));
    const data = Buffer.alloc(1 << 20, 0).map((_, i) => (i * 2654435761) >>> 24);
    const client = hosts.on(hosts.a, () => net.connect({ port: 9000, host: "10.0.0.2" }, () => client.end(data)));
    expect(await hosts.settle(() => done, 600_000)).toBe(true);
    expect(Buffer.concat(chunks).equals(data)).toBe(true);
    client.destroy();
    server.close();
  });

  it("half-close: with allowHalfOpen the server answers after the client's FIN", async () => {
    hosts = new TwoHosts();
    const { server, events } = await echoServer({ allowHalfOpen: true });
    let got = "";
    const client = hosts.on(hosts.a, () => net.connect(80, "10.0.0.2", () => client.end("abc")));
    client.on("data", (d) => { got += d; });
    client.on("close", () => events.push("client close"));
    expect(await hosts.settle(() => events.includes("client close"))).toBe(true);
    expect(got).toBe("ABCbye");
    server.close();
  });

  it("a port nobody listens on: ECONNREFUSED shaped as host Node's", async () => {
    const nodeErr = await new Promise<Error>((resolve) => {
      const probe = hostNet.createServer().listen(0, "127.0.0.1", () => {
        const port = (probe.address() as hostNet.AddressInfo).port;
        probe.close(() => hostNet.connect(port, "127.0.0.1").on("error", resolve));
      });
    });
    hosts = new TwoHosts();
    const errors: unknown[] = [];
    const client = hosts.on(hosts.a, () => net.connect(81, "10.0.0.2"));
    client.on("error", (e) => errors.push(e));
    expect(await hosts.settle(() => errors.length === 1 && client.destroyed)).toBe(true);
    const ours = shape(errors[0]) as Record<string, unknown>;
    const theirs = shape(nodeErr) as Record<string, unknown>;
    expect(Object.keys(ours)).toEqual(Object.keys(theirs));
    expect({ ...ours, address: "-", port: 0, message: "-" }).toEqual({ ...theirs, address: "-", port: 0, message: "-" });
    expect(ours.message).toBe("connect ECONNREFUSED 10.0.0.2:81");
    expect(ours.address).toBe("10.0.0.2");
    expect(ours.port).toBe(81);
  });

  it("connects by name through a DNS server on the other host", async () => {
    hosts = new TwoHosts({ a: staticNet("10.0.0.1", 24, "0.0.0.0", ["10.0.0.2"]) });
    const dnsServer = hosts.on(hosts.b, () => createSocket("udp4"));
    dnsServer.on("message", (msg, rinfo) => {
      const q = DnsRepr.parse(DnsPacket.check(msg));
      const reply: DnsRepr = { ...q, response: true, rcode: DnsRcode.NoError, authorities: [], additionals: [],
        answers: [{ name: q.questions[0].name, class: DNS_CLASS_IN, ttl: 60, data: { kind: "a", address: parseIpv4("10.0.0.2") } }] };
      const bytes = new Uint8Array(DnsRepr.bufferLength(reply));
      DnsRepr.emit(reply, new DnsPacket(bytes));
      dnsServer.send(bytes, rinfo.port, rinfo.address);
    });
    dnsServer.bind(53);
    const { server } = await echoServer();
    let got = "";
    const client = hosts.on(hosts.a, () => net.connect(80, "echo.test", () => client.write("by name")));
    client.on("data", (d) => { got += d; if (got.length === 7) client.end(); });
    expect(await hosts.settle(() => got === "BY NAME")).toBe(true);
    expect(client.remoteAddress).toBe("10.0.0.2");
    client.destroy();
    server.close();
    dnsServer.close();
  });
});
