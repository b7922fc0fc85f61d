// Ipv4HeaderReader (libos/net/wire/ipv4.ts), the allocation-free receive path of the IP layer, against the
// definition it must equal: Ipv4Repr.parse(Ipv4Packet.check(bytes)) — the same repr, or the same WireError message,
// for valid headers with and without options and for 20,000 seeded mutations of them (lengths, version, IHL,
// checksum, truncation), also at an offset inside a larger buffer.
import { describe, expect, it } from "vitest";
import { Ipv4HeaderReader, Ipv4Packet, Ipv4Repr, type Ipv4Repr as Repr } from "../../../libos/net/wire/ipv4.ts";
import { SeededRandom } from "../../sim/prng.ts";

const outcome = (f: () => Repr) => {
  try {
    return { ok: { ...f() } };
  } catch (e) {
    return { error: (e as Error).message };
  }
};

function datagram(payload: number, options = 0, repr: Partial<Repr> = {}): Uint8Array {
  const b = new Uint8Array(20 + options + payload).fill(0xa5);
  Ipv4Repr.emit({ src: 0x0a000302, dst: 0x0a000301, protocol: 6, payloadLength: options + payload, ttl: 64, dscp: 10, ecn: 1,
    ident: 4321, dontFrag: true, moreFrags: false, fragOffset: 0, ...repr }, new Ipv4Packet(b));
  if (options > 0) {
    b[0] = 0x40 | ((20 + options) / 4);
    b.fill(1, 20, 20 + options);                                // NOP options
    b[10] = 0; b[11] = 0;
    new Ipv4Packet(b).fillChecksum();
  }
  return b;
}

describe("Ipv4HeaderReader", () => {
  it("reads what Ipv4Repr.parse reads: plain, with options, fragments, at an offset", () => {
    const r = new Ipv4HeaderReader();
    for (const [b, hl] of [[datagram(100), 20], [datagram(0, 8), 28], [datagram(40, 0, { moreFrags: true, fragOffset: 1480, dontFrag: false }), 20]] as const) {
      expect(r.read(b, 0, b.length)).toEqual(Ipv4Repr.parse(Ipv4Packet.check(b)));
      expect(r.headerLength).toBe(hl);
      const big = new Uint8Array(b.length + 30);
      big.set(b, 14);
      expect(r.read(big, 14, 14 + b.length)).toEqual(Ipv4Repr.parse(Ipv4Packet.check(big.subarray(14, 14 + b.length))));
    }
  });

  it("gives the same repr or the same error as Ipv4Repr.parse for 20,000 mutated headers", () => {
    const rng = new SeededRandom(14);
    const r = new Ipv4HeaderReader();
    let errors = 0;
    for (let i = 0; i < 20000; i++) {
      let b = datagram(rng.int(60), rng.int(3) * 4);
      for (let k = rng.int(3); k >= 0; k--) {
        const at = rng.int(Math.min(b.length, 24));
        b[at] = rng.int(4) === 0 ? rng.int(256) : b[at] ^ (1 << rng.int(8));
      }
      if (rng.int(8) === 0) b = b.subarray(0, rng.int(b.length + 1));
      const verify = rng.int(4) !== 0;
      const want = outcome(() => Ipv4Repr.parse(Ipv4Packet.check(b), verify));
      expect(outcome(() => r.read(b, 0, b.length, verify))).toEqual(want);
      if ("error" in want) errors++;
    }
    expect(errors).toBeGreaterThan(5000);
  });
});
