// The DHCP client of a NetRuntime against a small DHCP server on the other simulated host (node:dgram on port 67,
// broadcast replies): DISCOVER → OFFER → REQUEST → ACK configures the interface and wakes whenConfigured waiters;
// a lost DISCOVER is sent again after the backoff; renewal at T1 is unicast to the server; a NAK sends the client
// back to discovery; the leased address and DNS server are then what dgram and dns use.
import { afterEach, describe, expect, it } from "vitest";
import { createSocket, type Socket } from "../../../libos/dgram/index.ts";
import * as dns from "../../../libos/dns/index.ts";
import {
  DHCP_CLIENT_PORT, DhcpMessageType, DhcpPacket, DhcpRepr, formatIpv4, IPV4_BROADCAST, parseIpv4,
} from "../../../libos/net/wire/index.ts";
import { TwoHosts } from "./_hosts.ts";

let hosts: TwoHosts;
afterEach(() => hosts?.close());

const SERVER = "10.0.0.2";
const LEASED = "10.0.0.77";
const TYPE_NAMES: Record<number, string> = { 1: "DISCOVER", 2: "OFFER", 3: "REQUEST", 5: "ACK", 6: "NAK" };

interface Seen { type: string; at: number; to: string; clientIp: string; requestedIp: string | null }

/** A DHCP server on host B: leases LEASED for `leaseSeconds`; `policy` may drop or NAK a message. */
function dhcpServer(leaseSeconds: number, policy: (m: DhcpRepr, n: number) => "answer" | "drop" | "nak" = () => "answer") {
  const seen: Seen[] = [];
  const sock: Socket = hosts.on(hosts.b, () => createSocket("udp4"));
  sock.bind(67, () => sock.setBroadcast(true));
  sock.on("message", (msg) => {
    const m = DhcpRepr.parse(DhcpPacket.check(msg));
    seen.push({ type: TYPE_NAMES[m.messageType], at: hosts.now, to: "", clientIp: formatIpv4(m.clientIp),
      requestedIp: m.requestedIp === null ? null : formatIpv4(m.requestedIp) });
    const what = policy(m, seen.length);
    if (what === "drop") return;
    const type = what === "nak" ? DhcpMessageType.Nak
      : m.messageType === DhcpMessageType.Discover ? DhcpMessageType.Offer : DhcpMessageType.Ack;
    const reply: DhcpRepr = { ...DhcpRepr.make(type, m.transactionId, m.clientHardwareAddress),
      broadcast: m.broadcast, serverIdentifier: parseIpv4(SERVER) };
    if (type !== DhcpMessageType.Nak) {
      Object.assign(reply, { yourIp: parseIpv4(LEASED), leaseTime: leaseSeconds, subnetMask: parseIpv4("255.255.255.0"),
        router: parseIpv4(SERVER), dnsServers: [parseIpv4(SERVER)] });
    }
    const bytes = new Uint8Array(DhcpRepr.bufferLength(reply));
    DhcpRepr.emit(reply, new DhcpPacket(bytes));
    // As RFC 2131 4.1: broadcast while the client has no address (or asked for it), else unicast to ciaddr.
    const to = m.clientIp !== 0 && !m.broadcast ? formatIpv4(m.clientIp) : formatIpv4(IPV4_BROADCAST);
    seen[seen.length - 1].to = to;
    sock.send(bytes, DHCP_CLIENT_PORT, to);
  });
  return { seen, sock };
}

describe("DHCP client over two simulated hosts", () => {
  it("obtains a lease: the interface is configured, waiters run, dgram and dns use the leased settings", async () => {
    hosts = new TwoHosts({ a: null });
    const { seen, sock } = dhcpServer(3600);
    let configured = 0;
    hosts.a.whenConfigured(() => configured++);
    expect(await hosts.settle(() => configured === 1)).toBe(true);
    expect(seen.map((s) => s.type)).toEqual(["DISCOVER", "REQUEST"]);
    expect(seen[1].requestedIp).toBe(LEASED);
    expect(hosts.a.dhcp?.state).toBe("bound");
    const cfg = hosts.a.ifc.config!;
    expect({ address: formatIpv4(cfg.address), prefixLength: cfg.prefixLength, gateway: formatIpv4(cfg.gateway),
      dns: cfg.dns.map(formatIpv4) }).toEqual({ address: LEASED, prefixLength: 24, gateway: SERVER, dns: [SERVER] });

    expect(hosts.on(hosts.a, () => dns.getServers())).toEqual([SERVER]);
    const peer = hosts.on(hosts.b, () => createSocket("udp4"));
    const from: string[] = [];
    peer.on("message", (_m, r) => from.push(r.address));
    peer.bind(7000);
    const client = hosts.on(hosts.a, () => createSocket("udp4"));
    client.send("hi", 7000, SERVER);
    expect(await hosts.settle(() => from.length === 1)).toBe(true);
    expect(from).toEqual([LEASED]);
    for (const s of [client, peer, sock]) s.close();
  });

  it("sends DISCOVER again after its backoff when the first one is lost", async () => {
    hosts = new TwoHosts({ a: null });
    const { seen, sock } = dhcpServer(3600, (_m, n) => (n === 1 ? "drop" : "answer"));
    let configured = false;
    hosts.a.whenConfigured(() => { configured = true; });
    expect(await hosts.settle(() => configured)).toBe(true);
    expect(seen.map((s) => s.type)).toEqual(["DISCOVER", "DISCOVER", "REQUEST"]);
    // RFC 2131 4.1: about 4 s before the second try, randomised by ±1 s (the client's first backoff is 2 s ±25 %).
    const gap = seen[1].at - seen[0].at;
    expect(gap).toBeGreaterThanOrEqual(1500);
    expect(gap).toBeLessThanOrEqual(4000);
    sock.close();
  });

  it("renews at T1 by unicast to the server and stays bound; a NAK sends it back to discovery", async () => {
    hosts = new TwoHosts({ a: null });
    let nakNext = false;
    const { seen, sock } = dhcpServer(100, (m) => {
      if (!nakNext || m.messageType !== DhcpMessageType.Request) return "answer";
      nakNext = false;
      return "nak";
    });
    // Something must keep the loop alive while the lease runs (as an app's server socket would).
    const keep = hosts.on(hosts.a, () => createSocket("udp4"));
    keep.bind(9);
    expect(await hosts.settle(() => hosts.a.dhcp?.state === "bound")).toBe(true);
    const boundAt = hosts.now;
    await hosts.wait(60_000);                                   // T1 = 50 s into the 100 s lease
    const renewal = seen[2];
    expect(renewal.type).toBe("REQUEST");
    expect(renewal.clientIp).toBe(LEASED);
    expect(renewal.to).toBe(LEASED);                            // the ACK went back by unicast
    expect(renewal.at - boundAt).toBeGreaterThanOrEqual(50_000);
    expect(renewal.at - boundAt).toBeLessThan(51_000);
    expect(hosts.a.dhcp?.state).toBe("bound");
    expect(formatIpv4(hosts.a.ifc.config!.address)).toBe(LEASED);

    nakNext = true;                                             // the next renewal is refused
    await hosts.wait(50_000);
    expect(seen.slice(3).map((s) => `${s.type} ${s.clientIp}`))
      .toEqual(["REQUEST 10.0.0.77", "DISCOVER 0.0.0.0", "REQUEST 0.0.0.0"]);   // discovery again after the NAK
    expect(hosts.a.dhcp?.state).toBe("bound");
    keep.close();
    sock.close();
  });
});
