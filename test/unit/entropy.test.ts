import { describe, expect, it } from "vitest";
import { chachaBlock } from "../../kernel/entropy.ts";

describe("ChaCha20 block function", () => {
  it("matches RFC 8439 section 2.3.2's test vector", () => {
    const key = new Uint32Array(8);
    const kb = new Uint8Array(key.buffer);
    for (let i = 0; i < 32; i++) kb[i] = i;
    const nonce = new Uint32Array(new Uint8Array([0, 0, 0, 9, 0, 0, 0, 0x4a, 0, 0, 0, 0]).buffer);
    const out = new Uint8Array(64);
    chachaBlock(key, 1, nonce, out);
    const hex = Buffer.from(out).toString("hex");
    expect(hex).toBe(
      "10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4e" +
      "d2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e");
  });
});
