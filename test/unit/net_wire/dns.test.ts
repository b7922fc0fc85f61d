import { describe, expect, it } from "vitest";
import {
  buildDnsQuery, DNS_CLASS_IN, dnsNameLength, DnsPacket, DnsRcode, type DnsRecord, DnsRepr, dnsRecordType, DnsType,
  readDnsName, writeDnsName,
} from "../../../libos/net/wire/dns.ts";
import { expectTruncationRejected, expectWireError, filled, fuzz, hex, toHex } from "./_helpers.ts";

// Captured: the guest's query for example.com A (id 0xbeef, RD).
const QUERY = hex("beef 0100 0001 0000 0000 0000  07 6578616d706c65 03 636f6d 00  0001 0001");
// The resolver's answer for www.example.com: a CNAME to example.com and its A record, both names compressed
// (c00c → the question name at 12, c010 → "example.com" at 16).
const RESPONSE = hex(`beef 8180 0001 0002 0000 0000
  03 777777 07 6578616d706c65 03 636f6d 00  0001 0001
  c00c 0005 0001 00000e10 0002 c010
  c010 0001 0001 0000012c 0004 5db8d70e`);

const RESPONSE_REPR: DnsRepr = {
  id: 0xbeef, response: true, opcode: 0, authoritative: false, truncated: false, recursionDesired: true,
  recursionAvailable: true, rcode: DnsRcode.NoError,
  questions: [{ name: "www.example.com", type: DnsType.A, class: DNS_CLASS_IN }],
  answers: [
    { name: "www.example.com", class: 1, ttl: 3600, data: { kind: "cname", name: "example.com" } },
    { name: "example.com", class: 1, ttl: 300, data: { kind: "a", address: 0x5db8d70e } },
  ],
  authorities: [], additionals: [],
};

/** A header with the given counts followed by `body`. */
function message(counts: [number, number, number, number], body: string): Uint8Array {
  const c = counts.map((n) => n.toString(16).padStart(4, "0")).join("");
  return hex("1234 8180 " + c + body);
}

describe("DNS", () => {
  it("deconstructs the header of a captured query", () => {
    const p = DnsPacket.check(QUERY);
    expect([p.id, p.flags, p.response, p.opcode, p.recursionDesired, p.questionCount, p.answerCount])
      .toEqual([0xbeef, 0x0100, false, 0, true, 1, 0]);
    expect(DnsRepr.parse(p).questions).toEqual([{ name: "example.com", type: 1, class: 1 }]);
  });

  it("builds the query byte for byte", () => {
    expect(toHex(buildDnsQuery(0xbeef, "example.com"))).toBe(toHex(QUERY));
    expect(toHex(buildDnsQuery(0xbeef, "example.com.", DnsType.A))).toBe(toHex(QUERY));
    expect(toHex(buildDnsQuery(1, "", DnsType.NS))).toBe("00010100000100000000000000" + "00020001");
  });

  it("deconstructs a response with compression pointers", () => {
    const p = DnsPacket.check(RESPONSE);
    expect([p.response, p.recursionAvailable, p.rcode, p.answerCount]).toEqual([true, true, 0, 2]);
    expect(DnsRepr.parse(p)).toEqual(RESPONSE_REPR);
  });

  it("constructs the response without compression, byte for byte", () => {
    const expected = hex(`beef 8180 0001 0002 0000 0000
      03 777777 07 6578616d706c65 03 636f6d 00  0001 0001
      03 777777 07 6578616d706c65 03 636f6d 00  0005 0001 00000e10 000d  07 6578616d706c65 03 636f6d 00
      07 6578616d706c65 03 636f6d 00  0001 0001 0000012c 0004 5db8d70e`);
    expect(DnsRepr.bufferLength(RESPONSE_REPR)).toBe(expected.length);
    const buf = filled(expected.length + 3);
    DnsRepr.emit(RESPONSE_REPR, new DnsPacket(buf));
    expect(toHex(buf.subarray(0, expected.length))).toBe(toHex(expected));
    expect(buf[expected.length]).toBe(0xa5);
    expect(DnsRepr.parse(new DnsPacket(buf.subarray(0, expected.length)))).toEqual(RESPONSE_REPR);
  });

  it("keeps other record types raw and parses all sections", () => {
    // NXDOMAIN-style: an AAAA answer, a SOA in authority (raw, with a pointer inside), an unknown-class A.
    const m = message([1, 1, 1, 1], `01 61 00 001c 0001
      c00c 001c 0001 0000003c 0010 20010db8000000000000000000000001
      c00c 0006 0001 00000384 0004 c00cc00c
      c00c 0001 0003 00000000 0002 abcd`);
    const r = DnsRepr.parse(new DnsPacket(m));
    expect(r.questions).toEqual([{ name: "a", type: DnsType.AAAA, class: 1 }]);
    expect(r.answers[0].data).toEqual({ kind: "raw", type: 28, bytes: hex("20010db8000000000000000000000001") });
    expect(r.authorities[0].data).toEqual({ kind: "raw", type: 6, bytes: hex("c00cc00c") });
    expect(r.additionals[0]).toEqual({
      name: "a", class: 3, ttl: 0, data: { kind: "raw", type: 1, bytes: hex("abcd") },
    });
    expect(r.answers.map((x: DnsRecord) => dnsRecordType(x.data))).toEqual([28]);
    const buf = new Uint8Array(DnsRepr.bufferLength(r));
    DnsRepr.emit(r, new DnsPacket(buf));
    expect(DnsRepr.parse(new DnsPacket(buf))).toEqual(r);
  });

  it("round-trips header flags", () => {
    const r: DnsRepr = { ...RESPONSE_REPR, opcode: 2, authoritative: true, truncated: true, recursionDesired: false,
      recursionAvailable: false, rcode: DnsRcode.Refused, answers: [] };
    const buf = new Uint8Array(DnsRepr.bufferLength(r));
    DnsRepr.emit(r, new DnsPacket(buf));
    expect(toHex(buf.subarray(2, 4))).toBe("9605");
    expect(DnsRepr.parse(new DnsPacket(buf))).toEqual(r);
  });

  it("rejects every truncation of query and response", () => {
    expectTruncationRejected(QUERY, (b) => DnsRepr.parse(new DnsPacket(b)));
    expectTruncationRejected(RESPONSE, (b) => DnsRepr.parse(new DnsPacket(b)));
  });

  it("rejects compression loops and forward pointers", () => {
    // The question name points at itself.
    expectWireError(() => DnsRepr.parse(new DnsPacket(message([1, 0, 0, 0], "c00c 0001 0001"))), "malformed");
    // "a" then a pointer to its own start.
    expectWireError(() => DnsRepr.parse(new DnsPacket(message([1, 0, 0, 0], "01 61 c00c 0001 0001"))), "malformed");
    // A pointer forward, to the answer name, which points back: a two-step loop.
    const twoStep = message([1, 1, 0, 0], "01 61 c014 0001 0001  01 62 c00c 0001 0001 00000000 0000");
    expectWireError(() => DnsRepr.parse(new DnsPacket(twoStep)), "malformed");
    // A backward pointer into the question is fine.
    const back = message([1, 1, 0, 0], "01 61 01 62 00 0001 0001  01 63 c00e 0010 0001 00000000 0000");
    expect(DnsRepr.parse(new DnsPacket(back)).answers[0].name).toBe("c.b");
    // The second answer's name jumps back into the first one's data (offset 28), whose pointer then goes
    // backward but not below where that jump landed: "x.x.x..." forever without the floor rule.
    const backLoop = message([1, 2, 0, 0], `00 0001 0001  00 0010 0001 00000000 0004 0178c01c
      0163c01c 0010 0001 00000000 0000`);
    expect(new DnsPacket(backLoop).answerCount).toBe(2);
    const err = expectWireError(() => DnsRepr.parse(new DnsPacket(backLoop)), "malformed");
    expect(err.message).toBe("expected a DNS compression pointer to an offset below 28, found one to 28 at offset 30");
  });

  it("rejects names over 255 bytes, also when built from pointers", () => {
    const label = "3f" + "61".repeat(63);
    // Four 63-byte labels: 4 × 64 + 1 = 257 bytes.
    expectWireError(() => DnsRepr.parse(new DnsPacket(message([1, 0, 0, 0], label.repeat(4) + "00 0001 0001"))),
      "malformed");
    const okName = message([1, 0, 0, 0], label.repeat(3) + "3d" + "62".repeat(61) + "00 0001 0001");
    expect(DnsRepr.parse(new DnsPacket(okName)).questions[0].name.length).toBe(253);
    // Q1 = 3 labels (at 12), Q2 = one label + pointer to Q1: 64 + 193 = 257.
    const viaPointer = message([2, 0, 0, 0], label.repeat(3) + "00 0001 0001 " + label + "c00c 0001 0001");
    expectWireError(() => DnsRepr.parse(new DnsPacket(viaPointer)), "malformed");
  });

  it("rejects names that follow more than 127 pointers, which would make parsing slow", () => {
    // Question: the root at 12. Answer 1: a TXT record whose data (at 28) holds n pointers, each to the one before
    // it and the first to 12. Answer 2's name points at the last one: n + 1 jumps to reach the root.
    const chain = (n: number) => {
      let rdata = "";
      for (let k = 0; k < n; k++) rdata += (0xc000 | (k === 0 ? 12 : 28 + 2 * (k - 1))).toString(16);
      const last = (0xc000 | (28 + 2 * (n - 1))).toString(16);
      const rdlength = (2 * n).toString(16).padStart(4, "0");
      return message([1, 2, 0, 0], `00 0001 0001  00 0010 0001 00000000 ${rdlength} ${rdata}
        ${last} 0010 0001 00000000 0000`);
    };
    expect(DnsRepr.parse(new DnsPacket(chain(126))).answers[1].name).toBe("");
    const err = expectWireError(() => DnsRepr.parse(new DnsPacket(chain(127))), "malformed");
    expect(err.message).toMatch(/at most 127 compression pointers/);
  });

  it("rejects reserved label types and records whose lengths do not add up", () => {
    expectWireError(() => DnsRepr.parse(new DnsPacket(message([1, 0, 0, 0], "41 61 00 0001 0001"))), "malformed");
    expectWireError(() => DnsRepr.parse(new DnsPacket(message([1, 0, 0, 0], "81 61 00 0001 0001"))), "malformed");
    const a5 = message([0, 1, 0, 0], "00 0001 0001 00000000 0005 0102030405");
    expectWireError(() => DnsRepr.parse(new DnsPacket(a5)), "malformed");
    const cnameShort = message([0, 1, 0, 0], "00 0005 0001 00000000 0004 01 61 00 00");
    expectWireError(() => DnsRepr.parse(new DnsPacket(cnameShort)), "malformed");
    const cnameLong = message([0, 1, 0, 0], "00 0005 0001 00000000 0002 01 61 00");
    expectWireError(() => DnsRepr.parse(new DnsPacket(cnameLong)), "truncated");
    const counts = message([2, 0, 0, 0], "00 0001 0001");
    expectWireError(() => DnsRepr.parse(new DnsPacket(counts)), "truncated");
  });

  it("validates names for emission", () => {
    expect(dnsNameLength("example.com")).toBe(13);
    expect(dnsNameLength("example.com.")).toBe(13);
    expect(dnsNameLength("")).toBe(1);
    expect(dnsNameLength(".")).toBe(1);
    expect(dnsNameLength("a".repeat(63))).toBe(65);
    for (const bad of ["a..b", ".a", "..", "a".repeat(64), ("a".repeat(63) + ".").repeat(4), "ex\u0101mple.com"]) {
      expectWireError(() => dnsNameLength(bad), "malformed");
    }
    expectWireError(() => buildDnsQuery(1, "bad..name"), "malformed");
    const buf = filled(6);
    expect(writeDnsName("a.bc", buf, 0)).toBe(6);
    expect(toHex(buf)).toBe("0161026263" + "00");
    expect(readDnsName(buf, 0, 6, 0)).toBe("a.bc");
  });

  it("refuses to emit into a short buffer", () => {
    expectWireError(() => DnsRepr.emit(RESPONSE_REPR, new DnsPacket(new Uint8Array(20))), "truncated");
  });

  it("survives fuzzing: a Repr or a WireError, nothing else", () => {
    const seeds = [QUERY, RESPONSE, message([1, 1, 1, 1], `01 61 00 001c 0001
      c00c 001c 0001 0000003c 0010 20010db8000000000000000000000001
      c00c 0006 0001 00000384 0004 c00cc00c  c00c 0001 0003 00000000 0002 abcd`)];
    expect(fuzz(9, 20_000, seeds, 120, (b) => DnsRepr.parse(new DnsPacket(b)))).toBeGreaterThan(0);
  });
});
