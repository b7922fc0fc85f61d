// test/unit/assert/crypto_keys.test.ts — deep equality of node:crypto KeyObjects and Web Crypto CryptoKeys (Node
// compares their key material, not their (empty) own properties): unijs's keys compared by libos/assert give the
// answers host Node gives for the same keys.
import nodeAssert from "node:assert";
import { webcrypto } from "node:crypto";
import { describe, expect, it } from "vitest";
import { isDeepStrictEqual } from "../../../libos/assert/comparisons.ts";
import * as ourCrypto from "../../../libos/crypto/index.ts";

type KeyUsage = "sign" | "verify";
const ok = (f: () => void) => { try { f(); return true; } catch { return false; } };

describe("KeyObject and CryptoKey equality", () => {
  it("secret KeyObjects: same bytes equal, different bytes not", () => {
    const c = ourCrypto as unknown as { createSecretKey(b: Uint8Array): object };
    const a = c.createSecretKey(new Uint8Array([1, 2, 3])), b = c.createSecretKey(new Uint8Array([1, 2, 3]));
    const d = c.createSecretKey(new Uint8Array([1, 2, 4]));
    expect(isDeepStrictEqual(a, b)).toBe(true);
    expect(isDeepStrictEqual(a, d)).toBe(false);
  });
  it("CryptoKeys: as host Node decides for the same raw HMAC keys", async () => {
    const ours = (ourCrypto as unknown as { webcrypto: typeof webcrypto }).webcrypto;
    const alg = { name: "HMAC", hash: "SHA-256" };
    const raw1 = new Uint8Array(32).fill(1), raw2 = new Uint8Array(32).fill(2);
    const imp = (w: typeof webcrypto, raw: Uint8Array, usages: KeyUsage[] = ["sign"]) => w.subtle.importKey("raw", raw, alg, true, usages);
    const pairs: [Uint8Array, KeyUsage[], Uint8Array, KeyUsage[]][] = [
      [raw1, ["sign"], raw1, ["sign"]], [raw1, ["sign"], raw2, ["sign"]], [raw1, ["sign"], raw1, ["sign", "verify"]],
    ];
    const answers: boolean[] = [];
    for (const [r1, u1, r2, u2] of pairs) {
      const [h1, h2] = [await imp(webcrypto, r1, u1), await imp(webcrypto, r2, u2)];
      const want = ok(() => nodeAssert.deepStrictEqual(h1, h2));
      expect(isDeepStrictEqual(await imp(ours, r1, u1), await imp(ours, r2, u2))).toBe(want);
      answers.push(want);
    }
    expect(answers).toEqual([true, false, false]);
  });
});
