// libos/crypto/keys/der.ts: DER elements read with every length checked against the container, and written as
// X.690 requires (minimal lengths, INTEGER sign bytes, OID arcs).
import { describe, expect, it } from "vitest";
import {
  der, decodeOid, DerError, DerReader, derBitString, derContext, derInteger, derNull, derOctetString, derOid, derSequence,
  padStart, stripZeros, TAG,
} from "../../../libos/crypto/keys/der.ts";

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ""), "hex"));
const toHex = (b: Uint8Array) => Buffer.from(b).toString("hex");

describe("writing", () => {
  it("uses the short length form below 128 bytes and the minimal long form above", () => {
    expect(toHex(der(TAG.OCTET_STRING, new Uint8Array(127)))).toBe("047f" + "00".repeat(127));
    expect(toHex(der(TAG.OCTET_STRING, new Uint8Array(128))).slice(0, 6)).toBe("048180");
    expect(toHex(der(TAG.OCTET_STRING, new Uint8Array(256))).slice(0, 8)).toBe("04820100");
    expect(toHex(der(TAG.OCTET_STRING, new Uint8Array(70000))).slice(0, 10)).toBe("0483011170");
  });

  it("writes INTEGERs minimally, with a zero byte before a set high bit", () => {
    expect(toHex(derInteger(0))).toBe("020100");
    expect(toHex(derInteger(1))).toBe("020101");
    expect(toHex(derInteger(127))).toBe("02017f");
    expect(toHex(derInteger(128))).toBe("02020080");
    expect(toHex(derInteger(65537))).toBe("0203010001");
    expect(toHex(derInteger(hex("0000ff01")))).toBe("020300ff01");
    expect(toHex(derInteger(hex("000000")))).toBe("020100");
  });

  it("encodes object identifiers arc by arc (base 128)", () => {
    expect(toHex(derOid("1.2.840.10045.3.1.7"))).toBe("06082a8648ce3d030107");
    expect(toHex(derOid("1.3.101.112"))).toBe("06032b6570");
    expect(toHex(derOid("2.16.840.1.101.3.4.2.1"))).toBe("0609608648016503040201");
    expect(toHex(derOid("1.2.840.113549.1.1.1"))).toBe("06092a864886f70d010101");
  });

  it("builds composite values", () => {
    const spki = derSequence(derSequence(derOid("1.2.840.113549.1.1.1"), derNull()), derBitString(hex("3000")));
    expect(toHex(spki)).toBe("3014300d06092a864886f70d0101010500030300" + "3000");
    expect(toHex(derContext(1, derBitString(hex("04aa"))))).toBe("a1050303" + "00" + "04aa");
    expect(toHex(derOctetString(hex("0102")))).toBe("04020102");
  });
});

describe("reading", () => {
  it("reads what it writes", () => {
    const bytes = derSequence(derInteger(0), derSequence(derOid("1.3.101.112")), derOctetString(derOctetString(new Uint8Array(32).fill(7))));
    const r = new DerReader(bytes).sequence();
    expect(r.smallInteger()).toBe(0);
    const alg = r.sequence();
    expect(alg.oid()).toBe("1.3.101.112");
    alg.assertDone();
    expect(toHex(new DerReader(r.octetString()).octetString())).toBe("07".repeat(32));
    r.assertDone();
    expect(r.done).toBe(true);
  });

  it("reads INTEGERs as unsigned bytes without the sign byte", () => {
    expect(toHex(new DerReader(hex("020300ff01")).integer())).toBe("ff01");
    expect(toHex(new DerReader(hex("020100")).integer())).toBe("00");
    expect(new DerReader(hex("0203010001")).smallInteger()).toBe(65537);
  });

  it("decodes object identifiers, the first two arcs included", () => {
    expect(decodeOid(hex("2a8648ce3d030107"))).toBe("1.2.840.10045.3.1.7");
    expect(decodeOid(hex("608648016503040201"))).toBe("2.16.840.1.101.3.4.2.1");
    expect(decodeOid(hex("2b8104000a"))).toBe("1.3.132.0.10");
  });

  it("refuses truncation, overlong contents, non-minimal lengths, negative integers and wrong tags", () => {
    const bad: [string, (r: DerReader) => unknown][] = [
      ["30", (r) => r.read()],
      ["3005020101", (r) => r.read()],
      ["048100", (r) => r.read()],
      ["04820001ff", (r) => r.read()],
      ["0201ff", (r) => r.integer()],
      ["0200", (r) => r.integer()],
      ["0400", (r) => r.integer()],
      ["030101ff", (r) => r.bitString()],
      ["0501ff", (r) => r.null()],
      ["0602ffff", (r) => r.oid()],
      ["1f0100", (r) => r.read()],
      ["02050100000000", (r) => r.smallInteger()],
    ];
    for (const [h, f] of bad) expect(() => f(new DerReader(hex(h))), h).toThrow(DerError);
    expect(() => new DerReader(hex("0500 0500")).sequence(TAG.NULL).assertDone()).not.toThrow();
    const r = new DerReader(hex("05000500"));
    r.null();
    expect(() => r.assertDone()).toThrow(DerError);
  });
});

describe("fixed-size numbers", () => {
  it("pads to a length and strips leading zeros", () => {
    expect(toHex(padStart(hex("0102"), 4))).toBe("00000102");
    expect(toHex(padStart(hex("000000000102"), 4))).toBe("00000102");
    expect(() => padStart(hex("0102030405"), 4)).toThrow(DerError);
    expect(toHex(stripZeros(hex("000001")))).toBe("01");
    expect(toHex(stripZeros(hex("0000")))).toBe("00");
  });
});
