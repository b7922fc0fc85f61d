// e2e: node:crypto in booted images against the host's Node. Each fixture (test/fixtures/crypto-*) runs under the
// host's Node and in a guest; the transcripts must be equal (known-answer vectors print "ok" or "MISMATCH" too).
// Signatures cross over both ways: the host's Node signs with fixed keys and the guest verifies; the guest signs
// (and generates keys) and the host's Node verifies. The native library is linked only into images that use it.
import { execFileSync } from "node:child_process";
import { createPrivateKey, createPublicKey, getCiphers, getCurves, randomBytes, sign, verify, type KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../../boot/paths.ts";
import { buildFixture, run } from "../helpers/guest.ts";

/** A known-answer vector that did not match (the fixtures print "MISMATCH (want ...)"). */
const MISMATCH = / MISMATCH \(want /;
const fixturePath = (name: string) => join(ROOT, "test/fixtures", name, "index.js");

function host(name: string, args: string[] = []): string {
  return execFileSync(process.execPath, [fixturePath(name), ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
}

/** The guest's console, less process warnings: they go to stderr, which the host's transcript leaves out (the
 *  fixtures print the 'warning' events they get instead). */
async function guest(name: string, args: string[] = []): Promise<string> {
  const r = await run(name, { args });
  expect(r.outcome).toBe("exit");
  expect(r.code, r.output).toBe(0);
  // "(node:1) [CODE] Type: message", and once Node's hint line "(Use `node --trace-... ...` to show ...)"
  return r.output.replace(/^\(node:\d+\) .*\n/gm, "").replace(/^\(Use `\S+ --trace-(deprecation|warnings) \.\.\.` to show where the warning was created\)\n/gm, "");
}

/** Compares transcripts line by line (a failure names the first differing line, not a 300-line blob). */
function expectSameTranscript(got: string, want: string): void {
  const g = got.split("\n"), w = want.split("\n");
  for (let i = 0; i < Math.max(g.length, w.length); i++) expect(`${i + 1}: ${g[i]}`).toBe(`${i + 1}: ${w[i]}`);
}

describe("node:crypto matches the host's Node", () => {
  for (const name of ["crypto-hash", "crypto-kdf", "crypto-cipher", "crypto-keys", "crypto-webcrypto"]) {
    it(`${name}: the same transcript`, async () => {
      const want = host(name);
      expect(want).not.toMatch(MISMATCH);
      const got = await guest(name);
      expectSameTranscript(got, want);
      if (name !== "crypto-keys") expect(got).toMatch(/ ok\n/);           // it ran the known-answer vectors
    });
  }

  it("getCiphers() and getHashes() list only what Node 20 has too", async () => {
    const lists = await guest("crypto-lists");
    const ciphers = JSON.parse(/^ciphers (.*)$/m.exec(lists)![1]) as string[];
    const hashes = JSON.parse(/^hashes (.*)$/m.exec(lists)![1]) as string[];
    const hostHashes = new Set(execFileSync(process.execPath, ["-p", "JSON.stringify(require('crypto').getHashes())"], { encoding: "utf8" })
      .trim().slice(2, -2).split('","'));
    expect(ciphers.filter((c) => !getCiphers().includes(c))).toEqual([]);
    expect(hashes.filter((h) => !hostHashes.has(h))).toEqual([]);
    const curves = JSON.parse(/^curves (.*)$/m.exec(lists)![1]) as string[];
    expect(curves.filter((c) => !getCurves().includes(c))).toEqual([]);
    expect(ciphers).toContain("aes-256-gcm");
    expect(ciphers).toContain("chacha20-poly1305");
    expect(hashes).toContain("sha512-256");
  });
});

interface HostSig { alg: string | null; key: string; opts: Record<string, unknown>; sig: string; stream?: boolean }

describe("signatures across host and guest", () => {
  it("the guest verifies the host's signatures; the host verifies the guest's, and the guest's keys", async () => {
    const keys = (await import(join(ROOT, "test/fixtures/crypto-keys/keys.js"))).default as Record<string, string>;
    const message = randomBytes(12).toString("hex");
    const m = Buffer.from(message);
    const priv = (k: string) => createPrivateKey(keys[k]);
    const sigs: Record<string, HostSig> = {};
    const add = (name: string, alg: string | null, key: string, opts: Record<string, unknown> = {}) => {
      sigs[name] = { alg, key, opts, sig: sign(alg, m, { key: priv(key), ...opts } as never).toString("base64") };
    };
    add("ecdsa p256", "sha256", "p256");
    add("ecdsa p384", "sha384", "p384");
    add("ecdsa p521", "sha512", "p521");
    add("ecdsa secp256k1", "sha256", "secp256k1");
    add("ecdsa p256 p1363", "sha256", "p256", { dsaEncoding: "ieee-p1363" });
    add("rsa pkcs1 sha256", "sha256", "rsa2048");
    add("rsa pkcs1 sha1 e=3", "sha1", "rsa1024e3");
    add("rsa pss", "sha256", "rsa2048", { padding: 6 });
    add("rsa pss salt 20", "sha512", "rsa2048", { padding: 6, saltLength: 20 });
    add("rsa-pss key", "sha256", "rsaPss");
    add("rsa-pss bare key", "sha256", "rsaPssBare");
    add("ed25519", null, "ed25519");
    sigs["stream ecdsa"] = { ...sigs["ecdsa p256"], stream: true };
    const arg = JSON.stringify({ message, sigs });

    const want = host("crypto-sign", [arg]);
    const got = await guest("crypto-sign", [arg]);
    const plain = (s: string) => s.split("\n").filter((l) => !l.startsWith("SIG ") && !l.startsWith("KEY ")).join("\n");
    expect(want).not.toMatch(MISMATCH);
    expectSameTranscript(plain(got), plain(want));
    for (const name of Object.keys(sigs)) expect(got).toContain(`host ${name}: true false pem true\n`);

    // The guest's randomised signatures, checked by the host's Node.
    const guestSigs = [...got.matchAll(/^SIG (.*)$/gm)].map((l) => JSON.parse(l[1]) as { name: string; alg: string | null; key: string; opts: object; sig: string });
    expect(guestSigs.length).toBe(14);
    for (const s of guestSigs) {
      const pub = createPublicKey(keys[s.key]);
      expect(verify(s.alg, m, { key: pub, ...s.opts } as never, Buffer.from(s.sig, "base64")), s.name).toBe(true);
      expect(verify(s.alg, Buffer.from("other"), { key: pub, ...s.opts } as never, Buffer.from(s.sig, "base64")), s.name).toBe(false);
    }
    // Keys the guest generated: the host reads them, checks their signature, and signs with the private key.
    const guestKeys = [...got.matchAll(/^KEY (.*)$/gm)].map((l) => JSON.parse(l[1]) as { type: string; alg: string | null; spki: string; pkcs8: string; sig: string });
    expect(guestKeys.map((k) => k.type)).toEqual(["rsa", "ec", "ed25519", "rsa-pss"]);
    for (const k of guestKeys) {
      const pub: KeyObject = createPublicKey(k.spki), pk = createPrivateKey(k.pkcs8);
      expect(pub.asymmetricKeyType).toBe(k.type);
      expect(createPublicKey(pk).equals(pub)).toBe(true);
      expect(verify(k.alg, m, pub, Buffer.from(k.sig, "base64"))).toBe(true);
      expect(verify(k.alg, m, pub, sign(k.alg, m, pk))).toBe(true);
    }
  });
});

describe("the native library is linked per image", () => {
  it("hello links none of node:crypto's native code; an app using node:crypto links Mbed TLS and libsodium's Ed25519", async () => {
    const hello = await buildFixture(join(ROOT, "examples/hello"));
    const user = await buildFixture("crypto-lists");
    expect(hello.nativeLibs).toEqual([]);
    expect(user.nativeLibs).toEqual(["mbedtls"]);
    const symbols = (img: { symbols: string }) => readFileSync(img.symbols, "utf8");
    for (const s of ["hal_install_mbedtls", "mbedtls_sha256_update", "mbedtls_aes_crypt_cbc", "mbedtls_ecdsa_sign",
      "mbedtls_rsa_private", "mbedtls_ctr_drbg_random", "crypto_sign_ed25519_detached"]) {
      expect(symbols(user)).toMatch(new RegExp(` ${s}$`, "m"));
    }
    expect(symbols(hello)).not.toMatch(/mbedtls|sodium|ed25519|hal_install_mbedtls/);
    expect(hello.modules.some((mod) => mod.path.startsWith("libos/crypto/"))).toBe(false);
  });
});
