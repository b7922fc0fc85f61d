// libos/crypto/keys (key_data, jwk, pem): the pure-TypeScript key formats against the host's Node. Keys Node makes are
// read by our parsers and written back by our writers, which must give Node's bytes exactly (SPKI, PKCS#8, PKCS#1,
// SEC 1, PEM framing, JWK member order); RSA-PSS parameters and certificates are read as OpenSSL reads them.
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../../../boot/paths.ts";
import { DerError } from "../../../libos/crypto/keys/der.ts";
import { jwkToKey, keyToJwk, secretToJwk } from "../../../libos/crypto/keys/jwk.ts";
import {
  fromPkcs1Private, fromPkcs1Public, fromPkcs8, fromSec1, fromSpki, publicPart, spkiOfCertificate, toPkcs1Private,
  toPkcs1Public, toPkcs8, toSec1, toSpki, type EcKey, type RsaKey,
} from "../../../libos/crypto/keys/key_data.ts";
import { pemBlocks, pemEncode } from "../../../libos/crypto/keys/pem.ts";

const der = (k: KeyObject, type: string) => new Uint8Array(k.export({ format: "der", type } as never) as Buffer);
const same = (a: Uint8Array, b: Uint8Array) => expect(Buffer.from(a).toString("hex")).toBe(Buffer.from(b).toString("hex"));

const pairs: [string, string, object][] = [
  ["rsa 1024", "rsa", { modulusLength: 1024 }],
  ["rsa 1536 e=3", "rsa", { modulusLength: 1536, publicExponent: 3 }],
  ["rsa-pss params", "rsa-pss", { modulusLength: 1024, hashAlgorithm: "sha384", mgf1HashAlgorithm: "sha256", saltLength: 7 }],
  ["rsa-pss salt only", "rsa-pss", { modulusLength: 1024, saltLength: 32 }],
  ["rsa-pss bare", "rsa-pss", { modulusLength: 1024 }],
  ["ec P-256", "ec", { namedCurve: "P-256" }],
  ["ec P-384", "ec", { namedCurve: "P-384" }],
  ["ec P-521", "ec", { namedCurve: "P-521" }],
  ["ec secp256k1", "ec", { namedCurve: "secp256k1" }],
  ["ed25519", "ed25519", {}],
  ["x25519", "x25519", {}],
];

describe("DER key formats are read and written as Node writes them", () => {
  for (const [label, type, opts] of pairs) {
    it(label, () => {
      const { publicKey, privateKey } = generateKeyPairSync(type as never, opts as never) as unknown as { publicKey: KeyObject; privateKey: KeyObject };
      const spki = der(publicKey, "spki"), pkcs8 = der(privateKey, "pkcs8");
      const pub = fromSpki(spki), priv = fromPkcs8(pkcs8);
      expect(pub.type).toBe(publicKey.asymmetricKeyType);
      expect(priv.type).toBe(privateKey.asymmetricKeyType);
      same(toSpki(pub), spki);
      if (type === "ed25519" || type === "x25519") {
        same(toPkcs8({ ...priv, x: (pub as { x: Uint8Array }).x } as never), pkcs8);   // PKCS#8 here holds no public key
        return;
      }
      same(toPkcs8(priv), pkcs8);
      same(toSpki(publicPart(priv)), spki);
      if (type === "rsa") {
        same(toPkcs1Private(fromPkcs1Private(der(privateKey, "pkcs1"))), der(privateKey, "pkcs1"));
        same(toPkcs1Public(fromPkcs1Public(der(publicKey, "pkcs1"))), der(publicKey, "pkcs1"));
        same(toPkcs1Private(priv as RsaKey), der(privateKey, "pkcs1"));
      }
      if (type === "rsa-pss") {
        const details = publicKey.asymmetricKeyDetails as Record<string, unknown>;
        const pss = (pub as RsaKey).pss;
        if (details.hashAlgorithm) expect(pss).toEqual({ hashAlgorithm: details.hashAlgorithm, mgf1HashAlgorithm: details.mgf1HashAlgorithm, saltLength: details.saltLength });
        else expect(pss).toBeUndefined();
      }
      if (type === "ec") {
        const sec1 = der(privateKey, "sec1");
        same(toSec1(fromSec1(sec1) as EcKey), sec1);
        same(toSec1(priv as EcKey), sec1);
        expect((priv as EcKey).curve.openssl).toBe((privateKey.asymmetricKeyDetails as { namedCurve: string }).namedCurve);
      }
    });
  }

  it("refuses what is not a key", () => {
    for (const bad of ["3000", "300502010002", "30820001", "3003020100"]) {
      const b = Uint8Array.from(Buffer.from(bad, "hex"));
      expect(() => fromSpki(b)).toThrow(DerError);
      expect(() => fromPkcs8(b)).toThrow(DerError);
    }
    // A DSA key (an algorithm unijs lacks) is refused by name.
    const dsa = generateKeyPairSync("dsa", { modulusLength: 1024, divisorLength: 160 });
    expect(() => fromSpki(der(dsa.publicKey, "spki"))).toThrow(/unsupported key algorithm 1\.2\.840\.10040\.4\.1/);
  });

  it("takes the subject's key out of a certificate", async () => {
    const keys = (await import(join(ROOT, "test/fixtures/crypto-keys/keys.js"))).default as Record<string, string>;
    const cert = pemBlocks(keys.certificate)[0];
    expect(cert.label).toBe("CERTIFICATE");
    same(spkiOfCertificate(cert.body), der(createPublicKey(keys.certificate), "spki"));
  });
});

describe("PEM", () => {
  it("frames as Node does and finds blocks among other text", () => {
    const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-384" });
    const pem = privateKey.export({ format: "pem", type: "pkcs8" }) as string;
    const [block] = pemBlocks(`junk\r\n${pem.replace(/\n/g, "\r\n")}trailing`);
    expect(block.label).toBe("PRIVATE KEY");
    expect(pemEncode("PRIVATE KEY", block.body)).toBe(pem);
    const two = pemBlocks(pem + createPublicKey(privateKey).export({ format: "pem", type: "spki" }));
    expect(two.map((b) => b.label)).toEqual(["PRIVATE KEY", "PUBLIC KEY"]);
  });

  it("reads the headers of traditionally encrypted keys and skips broken blocks", () => {
    const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const pem = privateKey.export({ format: "pem", type: "sec1", cipher: "aes-128-cbc", passphrase: "x" }) as string;
    const [block] = pemBlocks(pem);
    expect(block.headers["Proc-Type"]).toBe("4,ENCRYPTED");
    expect(block.headers["DEK-Info"]).toMatch(/^AES-128-CBC,[0-9A-F]{32}$/);
    expect(pemBlocks("-----BEGIN X-----\n!!!\n-----END X-----\n")).toEqual([]);
    expect(pemBlocks("-----BEGIN X-----\nAAAA\n")).toEqual([]);
  });
});

describe("JWK", () => {
  it("exports in Node's member order and reads Node's JWKs back", () => {
    for (const [type, opts] of [["rsa", { modulusLength: 1024 }], ["ec", { namedCurve: "P-521" }], ["ec", { namedCurve: "secp256k1" }]] as const) {
      const { publicKey, privateKey } = generateKeyPairSync(type as never, opts as never) as unknown as { publicKey: KeyObject; privateKey: KeyObject };
      const priv = fromPkcs8(der(privateKey, "pkcs8"));
      expect(JSON.stringify(keyToJwk(priv))).toBe(JSON.stringify(privateKey.export({ format: "jwk" })));
      expect(JSON.stringify(keyToJwk(publicPart(priv)))).toBe(JSON.stringify(publicKey.export({ format: "jwk" })));
      const back = jwkToKey(privateKey.export({ format: "jwk" }), false);
      same(toPkcs8(back), der(privateKey, "pkcs8"));
      same(toSpki(jwkToKey(publicKey.export({ format: "jwk" }), true)), der(publicKey, "spki"));
    }
    const ed = generateKeyPairSync("ed25519");
    const edJwk = ed.privateKey.export({ format: "jwk" }) as Record<string, string>;
    const edKey = jwkToKey(edJwk, false);
    expect(JSON.stringify(keyToJwk({ ...edKey, x: (fromSpki(der(ed.publicKey, "spki")) as { x: Uint8Array }).x } as never))).toBe(JSON.stringify(edJwk));
    expect(secretToJwk(Uint8Array.from([0xfb, 0xff]))).toEqual({ kty: "oct", k: "-_8" });
  });

  it("checks members with Node's errors", () => {
    const expectCode = (f: () => unknown, code: string, message: string) => {
      try {
        f();
        expect.unreachable();
      } catch (e) {
        expect((e as { code: string }).code).toBe(code);
        expect((e as Error).message).toBe(message);
      }
    };
    const nodeMessage = (jwk: unknown) => {
      try {
        createPrivateKey({ key: jwk as never, format: "jwk" });
      } catch (e) {
        return (e as Error).message;
      }
      return "";
    };
    for (const jwk of [{ kty: "XX" }, { kty: "EC" }, { kty: "EC", crv: "P-999" }, { kty: "OKP", crv: "Ed25519" }, { kty: "RSA", n: "AQ", e: "AQAB" }]) {
      const msg = nodeMessage(jwk);
      expect(() => jwkToKey(jwk, false)).toThrow(msg);
    }
    expectCode(() => jwkToKey({ kty: "OKP", crv: "Ed25519", x: "AA", d: "AA" }, false), "ERR_CRYPTO_INVALID_JWK", "Invalid JWK data");
  });
});
