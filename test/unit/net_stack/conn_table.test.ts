// ConnTable: the TCP layer's four-tuple map (libos/net/stack/conn_table.ts) against a Map keyed by strings, over a
// seeded random sequence of sets, deletes (conditional ones too) and lookups, with addresses above 2^31.
import { describe, expect, it } from "vitest";
import { ConnTable } from "../../../libos/net/stack/conn_table.ts";
import { SeededRandom } from "../../sim/prng.ts";

describe("ConnTable", () => {
  it("agrees with a string-keyed Map over 20,000 random operations", () => {
    const rng = new SeededRandom(11);
    const t = new ConnTable<number>();
    const ref = new Map<string, number>();
    const addrs = [0x0a000001, 0xc0a80001, 0xffffffff, 1];
    const pick = () => [addrs[rng.int(4)], 1 + rng.int(3), 1 + rng.int(3) * 30000] as const;
    for (let i = 0; i < 20000; i++) {
      const [a, rp, lp] = pick();
      const k = `${a}:${rp}:${lp}`;
      const op = rng.int(4);
      if (op === 0) { t.set(a, rp, lp, i); ref.set(k, i); }
      else if (op === 1) expect(t.delete(a, rp, lp)).toBe(ref.delete(k));
      else if (op === 2) {
        const only = rng.int(2) === 0 ? ref.get(k) : -1;
        const gone = only !== undefined && ref.get(k) === only;
        expect(t.delete(a, rp, lp, only)).toBe(gone);
        if (gone) ref.delete(k);
      } else expect(t.get(a, rp, lp)).toBe(ref.get(k));
      expect(t.size).toBe(ref.size);
    }
    expect([...t.values()].sort()).toEqual([...ref.values()].sort());
    for (const lp of [1, 30001, 60001, 2]) {
      expect(t.usesLocalPort(lp)).toBe([...ref.keys()].some((k) => k.endsWith(`:${lp}`)));
    }
  });
});
