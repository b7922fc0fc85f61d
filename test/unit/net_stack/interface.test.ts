import { describe, expect, it } from "vitest";
import { NetInterface } from "../../../libos/net/stack/interface.ts";
import { EtherType, parseIpv4 } from "../../../libos/net/wire/index.ts";
import { MemoryLink, seeded } from "../../sim/net_link.ts";

function pair(faults = {}, seed = 1) {
  const link = new MemoryLink(faults, seed);
  let now = 0;
  const clock = () => now;
  const a = new NetInterface(link.a, clock);
  const b = new NetInterface(link.b, clock);
  a.config = { address: parseIpv4("10.0.2.15"), prefixLength: 24, gateway: parseIpv4("10.0.2.2"), dns: [] };
  b.config = { address: parseIpv4("10.0.2.2"), prefixLength: 24, gateway: 0, dns: [] };
  a.start();
  b.start();
  return { link, a, b, advance: (ms: number) => { now += ms; a.poll(now); b.poll(now); } };
}

describe("NetInterface over an in-memory link", () => {
  it("resolves the peer with ARP, queues the datagram meanwhile, then delivers UDP", () => {
    const { link, a, b } = pair();
    const got: string[] = [];
    b.bindUdp(7, (src, srcPort, _dst, payload) => got.push(`${src}:${srcPort} ${Buffer.from(payload).toString()}`));
    expect(a.sendUdp(5000, parseIpv4("10.0.2.2"), 7, Buffer.from("hello"))).toBe(true);
    expect(a.arp.size).toBe(0);
    link.pump();
    expect(got).toEqual([`${parseIpv4("10.0.2.15")}:5000 hello`]);
    expect(a.arp.lookup(parseIpv4("10.0.2.2"), 0)).toBe(b.mac);
  });

  it("answers ping (ICMP echo)", () => {
    const { link, a } = pair();
    const replies: number[] = [];
    a.onEchoReply = (_src, ident, seq) => replies.push(ident * 1000 + seq);
    for (let i = 0; i < 3; i++) a.sendEchoRequest(parseIpv4("10.0.2.2"), 7, i, new Uint8Array(56).fill(i));
    link.pump();
    expect(replies).toEqual([7000, 7001, 7002]);
  });

  it("fragments a large UDP datagram and reassembles it on the other side", () => {
    const { link, a, b } = pair({ reorder: 0.5 }, 3);
    let got: Uint8Array | null = null;
    b.bindUdp(9, (_s, _p, _d, payload) => (got = payload.slice()));
    const big = new Uint8Array(20000).map((_, i) => (i * 13) & 0xff);
    a.sendUdp(1234, parseIpv4("10.0.2.2"), 9, big);
    link.pump();
    expect(got).not.toBeNull();
    expect(Buffer.from(got as unknown as Uint8Array).equals(Buffer.from(big))).toBe(true);
  });

  it("routes off-subnet traffic to the gateway's MAC", () => {
    const { link, a, b } = pair();
    link.logging = true;
    a.sendUdp(1, parseIpv4("8.8.8.8"), 53, new Uint8Array(4));
    link.pump();
    const ipFrames = link.log.filter((x) => x.from === "a" && ((x.frame[12] << 8) | x.frame[13]) === EtherType.IPv4);
    expect(ipFrames.length).toBe(1);
    expect(Buffer.from(ipFrames[0].frame.subarray(0, 6)).equals(Buffer.from(link.b.mac))).toBe(true);
    expect(b.stats.rxNotForUs).toBe(1);
  });

  it("drops queued packets after ARP retries fail", () => {
    const { a, advance } = pair();
    a.sendUdp(1, parseIpv4("10.0.2.99"), 53, new Uint8Array(4));
    for (let i = 0; i < 5; i++) advance(1000);
    expect(a.arp.dropped).toBe(1);
  });

  it("survives 100,000 random and mutated frames, and still answers afterwards", () => {
    const { link, a, b } = pair();
    const rand = seeded(42);
    link.logging = true;
    b.bindUdp(7, () => {});
    a.sendUdp(1, parseIpv4("10.0.2.2"), 7, new Uint8Array(100));
    a.sendEchoRequest(parseIpv4("10.0.2.2"), 1, 1, new Uint8Array(32));
    link.pump();
    const samples = link.log.map((x) => x.frame);
    for (let i = 0; i < 100_000; i++) {
      let f: Uint8Array;
      if (i % 3 === 0) f = new Uint8Array(Math.floor(rand() * 120)).map(() => Math.floor(rand() * 256));
      else {
        f = samples[i % samples.length].slice(0, Math.max(1, Math.floor(rand() * 1600)));
        for (let k = 0; k < 1 + Math.floor(rand() * 4); k++) f[Math.floor(rand() * f.length)] = Math.floor(rand() * 256);
        if (i % 2 && f.length >= 6) f.set(link.b.mac, 0);
      }
      b.receive(f);
    }
    let replied = 0;
    a.onEchoReply = (_src, ident, seq) => { if (ident === 9 && seq === 9) replied++; };
    a.sendEchoRequest(parseIpv4("10.0.2.2"), 9, 9, new Uint8Array(8));
    link.pump();
    expect(replied).toBe(1);
    expect(b.stats.rxMalformed).toBeGreaterThan(1000);
  });
});
