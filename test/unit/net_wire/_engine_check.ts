// test/unit/net_wire/_engine_check.ts — a deterministic transcript of the wire formats at work (parse a captured
// frame of each protocol, emit it back, fuzz each parser a little), written to run unchanged in Node and, bundled
// by esbuild for the images' target, inside QuickJS 2025 (quickjs-emscripten): engine.test.ts compares the two
// transcripts.
// No Node or DOM APIs here (QuickJS has no TextEncoder, Buffer, ...).

import * as W from "../../../libos/net/wire/index.ts";

function hex(text: string): Uint8Array {
  const clean = text.replace(/\s/g, "");
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function toHex(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i++) s += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16);
  return s;
}

function show(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (x instanceof Uint8Array ? "#" + toHex(x) : x));
}

const FRAMES = [
  // ARP request from slirp
  "ffffffffffff52550a0002020806000108000604000152550a0002020a0002020000000000000a00020f0000000000000000" +
  "00000000000000000000",
  // ping request
  "52550a0002025254001234560800450000544e2f40004001d4690a00020f0a000202080043461c4600014057576600000000" +
  "40e2010000000000" +
    "101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637",
  // port unreachable
  "52540012345652550a00020208004500003800080000ff01a3ac0a0002020a00020f03032b54000000004500002c12344000" +
  "4011107d0a00020f" +
    "0a0002029c40270f00180e41",
  // DNS query over UDP
  "52550a0002025254001234560800450000395a5a0000401108490a00020f0a000203d431003500258" +
    "4cebeef01000001000000000000076578616d706c6503636f6d0000010001",
  // TCP SYN with options
  "52550a00020252540012345608004500003cd431400040064e7a0a00020f0a000202b26e1f902a3b4c5d00000000a002faf0" +
  "74ce0000020405b4" +
    "0402080aaabbccdd0000000001030307",
  // TCP data with timestamps
  "52550a000202525400123456080045000056d432400040064e5f0a00020f0a000202b26e1f902a3b4c5e01f40002801801f69442000001010" +
    "80aaabbcce012345678474554202f20485454502f312e310d0a486f73743a2031302e302e322e320d0a0d0a",
];

const DNS_RESPONSE = "beef81800001000200000000037777770765786" +
  "16d706c6503636f6d0000010001c00c0005000100000e100002c010c010000100010000012c00045db8d70e";

/** Decodes a frame down to its innermost Repr and re-emits each layer; returns one line per step. */
function decode(frame: Uint8Array, out: string[]): void {
  try {
    const eth = W.EthernetRepr.parse(new W.EthernetFrame(frame));
    out.push("eth " + show(eth) + " " + W.formatMac(eth.src));
    if (eth.ethertype === W.EtherType.ARP) {
      const arp = W.ArpRepr.parse(new W.ArpPacket(frame, 14));
      const buf = new Uint8Array(28).fill(0xa5);
      W.ArpRepr.emit(arp, new W.ArpPacket(buf));
      out.push("arp " + show(arp) + " " + toHex(buf));
      return;
    }
    const ipv4 = new W.Ipv4Packet(frame, 14);
    const ip = W.Ipv4Repr.parse(ipv4);
    out.push("ip " + show(ip) + " " + W.formatIpv4(ip.src) + " " + W.formatIpv4(ip.dst));
    const payload = ipv4.payload;
    if (ip.protocol === W.IpProtocol.ICMP) {
      const icmp = W.Icmpv4Repr.parse(new W.Icmpv4Packet(payload));
      const buf = new Uint8Array(W.Icmpv4Repr.bufferLength(icmp));
      W.Icmpv4Repr.emit(icmp, new W.Icmpv4Packet(buf));
      out.push("icmp " + show(icmp) + " " + (toHex(buf) === toHex(payload)));
    } else if (ip.protocol === W.IpProtocol.UDP) {
      const udp = W.UdpRepr.parse(new W.UdpPacket(payload), ip.src, ip.dst);
      const dns = W.DnsRepr.parse(new W.DnsPacket(udp.payload));
      out.push("udp " + show(udp) + " dns " + show(dns));
      out.push("query " + toHex(W.buildDnsQuery(dns.id, dns.questions[0].name)));
    } else if (ip.protocol === W.IpProtocol.TCP) {
      const tcp = W.TcpRepr.parse(new W.TcpPacket(payload), ip.src, ip.dst);
      const buf = new Uint8Array(W.TcpRepr.bufferLength(tcp)).fill(0xa5);
      W.TcpRepr.emit(tcp, new W.TcpPacket(buf), ip.src, ip.dst);
      out.push("tcp " + show(tcp) + " " + (toHex(buf) === toHex(payload)) + " " + W.TcpRepr.segmentLength(tcp));
    }
  } catch (e) {
    out.push("error " + (e instanceof W.WireError ? e.kind + ": " + e.message : "NOT A WIREERROR " + String(e)));
  }
}

/** A seeded fuzz run of every parser: counts of results and error kinds, and the first message of each kind. */
function fuzzAll(out: string[]): void {
  let a = 12345;
  const next = () => {
    a = (Math.imul(a, 1103515245) + 12345) >>> 0;
    return a >>> 8;
  };
  const parsers: Array<[string, (b: Uint8Array) => unknown]> = [
    ["eth", (b) => W.EthernetRepr.parse(new W.EthernetFrame(b))],
    ["arp", (b) => W.ArpRepr.parse(new W.ArpPacket(b))],
    ["ipv4", (b) => W.Ipv4Repr.parse(new W.Ipv4Packet(b), false)],
    ["icmp", (b) => W.Icmpv4Repr.parse(new W.Icmpv4Packet(b), false)],
    ["udp", (b) => W.UdpRepr.parse(new W.UdpPacket(b), 1, 2, false)],
    ["tcp", (b) => W.TcpRepr.parse(new W.TcpPacket(b), 1, 2, false)],
    ["dhcp", (b) => W.DhcpRepr.parse(new W.DhcpPacket(b))],
    ["dns", (b) => W.DnsRepr.parse(new W.DnsPacket(b))],
  ];
  const seeds = FRAMES.map((f) => hex(f).subarray(14)).concat([hex(DNS_RESPONSE)]);
  for (const [name, parse] of parsers) {
    const counts: Record<string, number> = {};
    for (let n = 0; n < 1500; n++) {
      const base = seeds[next() % seeds.length];
      const buf = base.slice(next() % 30, base.length - (next() % 4));
      for (let f = 0, flips = next() % 4; f < flips && buf.length > 0; f++) buf[next() % buf.length] = next() & 0xff;
      let key: string;
      try {
        parse(buf);
        key = "ok";
      } catch (e) {
        key = e instanceof W.WireError ? e.kind : "NOT A WIREERROR " + String(e);
      }
      counts[key] = (counts[key] || 0) + 1;
    }
    out.push("fuzz " + name + " " + show(counts));
  }
}

/** Runs everything and returns the transcript. */
export function run(): string {
  const out: string[] = [];
  for (const f of FRAMES) decode(hex(f), out);
  out.push("dns " + show(W.DnsRepr.parse(new W.DnsPacket(hex(DNS_RESPONSE)))));
  out.push("ip " + W.parseIpv4("10.0.2.15") + " " + W.formatCidr(W.parseCidr("10.0.2.15/24")) + " " +
    W.isIpv4("10.0.2.015") + " " + W.maskToPrefix(0xffffff00) + " " + W.parseMac("52:54:00:12:34:56"));
  out.push("seq " + W.TcpSeqNumber.add(0xffffffff, 2) + " " + W.TcpSeqNumber.lt(0xfffffff0, 0x10) + " " +
    W.TcpSeqNumber.sub(1, 0xffffffff));
  const dhcp = W.DhcpRepr.make(W.DhcpMessageType.Discover, 0x3903f326, 0x525400123456);
  dhcp.parameterRequestList = hex("0103060f");
  const dbuf = new Uint8Array(W.DhcpRepr.bufferLength(dhcp));
  W.DhcpRepr.emit(dhcp, new W.DhcpPacket(dbuf));
  out.push("dhcp " + toHex(dbuf.subarray(0, 260)) + " " + show(W.DhcpRepr.parse(new W.DhcpPacket(dbuf))));
  out.push("checksum " + W.internetChecksum(hex("0001f203f4f5f6f7")) + " " +
    W.onesSumRanges([hex("01"), hex("0203"), hex("04")]));
  // Expected rejections: their kinds and messages must match across engines too.
  const rejects: Array<() => unknown> = [
    () => W.Ipv4Repr.parse(new W.Ipv4Packet(hex(FRAMES[1]).subarray(14, 30))),
    () => W.DnsRepr.parse(new W.DnsPacket(hex("123481800001000000000000c00c00010001"))),
    () => W.TcpRepr.parse(new W.TcpPacket(hex(FRAMES[4]).subarray(34)), 1, 2),
    () => W.parseMac("52:54:00:12:34"),
    () => W.DhcpRepr.parse(new W.DhcpPacket(dbuf.subarray(0, 243))),
  ];
  for (const f of rejects) {
    try {
      f();
      out.push("reject: none");
    } catch (e) {
      out.push("reject " + (e instanceof W.WireError ? e.kind + ": " + e.message : "NOT A WIREERROR " + String(e)));
    }
  }
  fuzzAll(out);
  return out.join("\n");
}
