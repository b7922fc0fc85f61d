// node:dns between two hosts on a simulated Ethernet link: a small DNS server (node:dgram on host B, port 53) answers
// host A's stub resolver — lookup (one, all), resolve4 with TTLs, the cache, NXDOMAIN, a server that never answers
// (retries, then EAI_AGAIN), host.unijs.internal — with Node's errors; the same server code on host Node's dgram
// lets host Node's own resolver produce the errors ours are compared with, and argument errors are compared with
// host Node's dns.
import * as hostDgram from "node:dgram";
import * as hostDns from "node:dns";
import { afterEach, describe, expect, it } from "vitest";
import { createSocket } from "../../../libos/dgram/index.ts";
import * as dns from "../../../libos/dns/index.ts";
import { DNS_CLASS_IN, DnsPacket, DnsRcode, DnsRepr, DnsType, parseIpv4 } from "../../../libos/net/wire/index.ts";
import { staticNet, TwoHosts } from "./_hosts.ts";

let hosts: TwoHosts;
afterEach(() => hosts?.close());

const shape = (e: unknown) => ({ ...(e as object), message: (e as Error).message, name: (e as Error).name });

/** The zone the test server serves: name → [address, ttl]. */
const ZONE: Record<string, [string, number]> = { "db.test": ["10.0.0.42", 300], "www.test": ["10.0.0.43", 60] };

/** A DNS server's answer to `query`: A records from ZONE, NXDOMAIN for other names. */
function answer(query: Uint8Array): Uint8Array {
  const q = DnsRepr.parse(DnsPacket.check(query));
  const name = q.questions[0]?.name.toLowerCase() ?? "";
  const hit = ZONE[name];
  const reply: DnsRepr = {
    ...q, response: true, recursionAvailable: true, rcode: hit ? DnsRcode.NoError : DnsRcode.NXDomain,
    answers: hit && q.questions[0].type === DnsType.A
      ? [{ name: q.questions[0].name, class: DNS_CLASS_IN, ttl: hit[1], data: { kind: "a", address: parseIpv4(hit[0]) } }] : [],
    authorities: [], additionals: [],
  };
  const bytes = new Uint8Array(DnsRepr.bufferLength(reply));
  DnsRepr.emit(reply, new DnsPacket(bytes));
  return bytes;
}

/** Host A resolves through host B (10.0.0.2), which runs the test server on port 53 unless `silent`. */
function withServer(silent = false) {
  hosts = new TwoHosts({ a: staticNet("10.0.0.1", 24, "10.0.0.2", ["10.0.0.2"]) });
  const queries: string[] = [];
  const server = hosts.on(hosts.b, () => createSocket("udp4"));
  server.on("message", (msg, rinfo) => {
    queries.push(DnsRepr.parse(DnsPacket.check(msg)).questions[0].name);
    if (!silent) server.send(answer(msg), rinfo.port, rinfo.address);
  });
  server.bind(53);
  return { queries, server };
}

/** Calls `fn(cb)` on host A and waits for the callback: [err, ...results]. */
async function call(fn: (cb: (...r: unknown[]) => void) => void, maxMs = 60_000): Promise<unknown[]> {
  let out: unknown[] | null = null;
  hosts.on(hosts.a, () => fn((...r) => { out = r; }));
  await hosts.settle(() => out !== null, maxMs);
  if (out === null) throw new Error("the callback never ran");
  return out;
}

describe("node:dns over two simulated hosts", () => {
  it("lookup and resolve4 ask the server on the other host; answers are cached for their TTL", async () => {
    const { queries, server } = withServer();
    expect(await call((cb) => dns.lookup("db.test", cb))).toEqual([null, "10.0.0.42", 4]);
    expect(await call((cb) => dns.lookup("www.test", { all: true }, cb))).toEqual([null, [{ address: "10.0.0.43", family: 4 }]]);
    expect(queries).toEqual(["db.test", "www.test"]);
    const t0 = hosts.now;
    await hosts.wait(10_000);
    expect(await call((cb) => dns.resolve4("db.test", { ttl: true }, cb)))
      .toEqual([null, [{ address: "10.0.0.42", ttl: 300 - Math.round((hosts.now - t0) / 1000) }]]);
    expect(queries).toEqual(["db.test", "www.test"]);          // from the cache
    await hosts.wait(61_000);                                    // www.test's 60 s are over
    expect(await call((cb) => dns.resolve4("www.test", cb))).toEqual([null, ["10.0.0.43"]]);
    expect(queries).toEqual(["db.test", "www.test", "www.test"]);
    expect(hosts.on(hosts.a, () => dns.getServers())).toEqual(["10.0.0.2"]);
    server.close();
  });

  it("a name the server does not know: lookup's getaddrinfo ENOTFOUND, resolve4's queryA ENOTFOUND, as host Node's", async () => {
    // Host Node's resolver against the same server code on the host's loopback.
    const hostServer = hostDgram.createSocket("udp4");
    hostServer.on("message", (msg, rinfo) => hostServer.send(answer(msg), rinfo.port, rinfo.address));
    await new Promise<void>((resolve) => hostServer.bind(0, "127.0.0.1", resolve));
    const resolver = new hostDns.Resolver();
    resolver.setServers([`127.0.0.1:${hostServer.address().port}`]);
    const nodeResolveErr = await new Promise<Error>((resolve) => resolver.resolve4("nx.test", (e) => resolve(e as Error)));
    const nodeLookupErr = await new Promise<Error>((resolve) => hostDns.lookup("nx.invalid", (e) => resolve(e as Error)));
    hostServer.close();

    const { server } = withServer();
    const [lookupErr] = await call((cb) => dns.lookup("nx.test", cb));
    expect(shape(lookupErr)).toEqual({ errno: -3008, code: "ENOTFOUND", syscall: "getaddrinfo", hostname: "nx.test",
      message: "getaddrinfo ENOTFOUND nx.test", name: "Error" });
    expect(Object.keys(lookupErr as object)).toEqual(Object.keys(nodeLookupErr));
    const [resolveErr] = await call((cb) => dns.resolve4("nx.test", cb));
    expect(shape(resolveErr)).toEqual(shape(nodeResolveErr));
    expect(Object.keys(resolveErr as object)).toEqual(Object.keys(nodeResolveErr));
    server.close();
  });

  it("a server that never answers: retries with backoff, then getaddrinfo EAI_AGAIN", async () => {
    const { queries, server } = withServer(true);
    const t0 = hosts.now;
    const [err] = await call((cb) => dns.lookup("db.test", cb), 120_000);
    expect(shape(err)).toEqual({ errno: -3001, code: "EAI_AGAIN", syscall: "getaddrinfo", hostname: "db.test",
      message: "getaddrinfo EAI_AGAIN db.test", name: "Error" });
    expect(queries.length).toBe(4);                              // the resolver's attempts, one server
    expect(hosts.now - t0).toBeGreaterThanOrEqual(2000 + 4000 + 8000 + 16000);
    server.close();
  });

  it("IP literals and localhost never touch the network; host.unijs.internal is the gateway", async () => {
    const { queries, server } = withServer();
    expect(await call((cb) => dns.lookup("10.1.2.3", cb))).toEqual([null, "10.1.2.3", 4]);
    expect(await call((cb) => dns.lookup("localhost", { all: true }, cb))).toEqual([null, [{ address: "127.0.0.1", family: 4 }]]);
    expect(await call((cb) => dns.lookup("host.unijs.internal", cb))).toEqual([null, "10.0.0.2", 4]);
    expect(queries).toEqual([]);
    server.close();
  });

  it("argument errors match host Node's dns", () => {
    hosts = new TwoHosts();
    const caught = (fn: () => unknown) => { try { fn(); } catch (e) { return { ...shape(e), text: String(e) }; } return "no error"; };
    const noop = () => {};
    const cases: [string, (d: typeof dns) => unknown][] = [
      ["hostname not a string", (d) => d.lookup(5 as unknown as string, noop)],
      ["options a string", (d) => d.lookup("x", "bad" as never, noop)],
      ["family 5", (d) => d.lookup("x", 5, noop)],
      ["options.family 5", (d) => d.lookup("x", { family: 5 }, noop)],
      ["options.all not boolean", (d) => d.lookup("x", { all: 1 as unknown as boolean }, noop)],
      ["no callback", (d) => d.lookup("x", {} as never)],
      ["resolve4 name", (d) => d.resolve4(5 as unknown as string, noop)],
      ["setServers not an array", (d) => d.setServers("x" as unknown as string[])],
      ["setServers entry not a string", (d) => d.setServers([5 as unknown as string])],
      ["setServers bad address", (d) => d.setServers(["bad"])],
    ];
    for (const [what, fn] of cases) {
      expect({ what, e: hosts.on(hosts.a, () => caught(() => fn(dns))) })
        .toEqual({ what, e: caught(() => fn(hostDns as unknown as typeof dns)) });
    }
  });
});
