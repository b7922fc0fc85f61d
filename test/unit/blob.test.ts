import { describe, expect, it } from "vitest";
import { appChecksum, decodeAppHeader, encodeAppBlob, findAppBlob, HEADER_SIZE } from "../../boot/image/blob.ts";
import { decodeQemuStatus, LAUNCH } from "../../boot/exit_codes.ts";
import { parseSize } from "../../boot/image/build.ts";

describe("app blob", () => {
  const blob = encodeAppBlob({
    bytecode: new Uint8Array([1, 2, 3, 4, 5]), config: '{"a":1}', lineMap: "{}", heapLimit: 64 << 20, memHint: 128 << 20,
  });

  it("round-trips the header", () => {
    expect(decodeAppHeader(blob)).toEqual({ heapLimit: 64 << 20, memHint: 128 << 20, bytecodeLength: 5, total: blob.length });
  });

  it("aligns each part to 16 bytes and checksums the body", () => {
    expect(blob.readUInt32LE(32)).toBe(HEADER_SIZE);
    expect(blob.readUInt32LE(40) % 16).toBe(0);
    expect(blob.readUInt32LE(48) % 16).toBe(0);
    expect(blob.readUInt32LE(60)).toBe(appChecksum(blob.subarray(HEADER_SIZE)));
  });

  it("checksums like the native side: FNV-1a over u32 words, tail zero-padded", () => {
    expect(appChecksum(new Uint8Array([]))).toBe(2166136261);
    expect(appChecksum(new Uint8Array([1, 0, 0, 0]))).toBe(appChecksum(new Uint8Array([1])));
    expect(appChecksum(new Uint8Array([1, 2, 3, 4]))).not.toBe(appChecksum(new Uint8Array([4, 3, 2, 1])));
  });

  it("is found behind a lone magic string and refuses foreign data", () => {
    const image = Buffer.concat([Buffer.from("xxUNIJSAPPyy"), blob]);
    expect(findAppBlob(image)).toBe(12);
    expect(() => decodeAppHeader(Buffer.from("not a blob at all, clearly not"))).toThrow(/magic 'UNIJSAPP' is missing/);
  });
});

describe("exit status mapping", () => {
  it("maps isa-debug-exit statuses back to app codes", () => {
    expect(decodeQemuStatus(3)).toEqual({ outcome: "exit", code: 0 });
    expect(decodeQemuStatus(17)).toEqual({ outcome: "exit", code: 7 });
    expect(decodeQemuStatus((126 << 1) | 1)).toEqual({ outcome: "exit", code: 125 });
  });
  it("keeps panics, resets and QEMU failures apart from app codes", () => {
    expect(decodeQemuStatus(255)).toEqual({ outcome: "panic", code: LAUNCH.PANIC });
    expect(decodeQemuStatus(0)).toEqual({ outcome: "reset", code: LAUNCH.RESET });
    expect(decodeQemuStatus(1)).toEqual({ outcome: "qemu-error", code: LAUNCH.QEMU_ERROR });
    expect(decodeQemuStatus(null)).toEqual({ outcome: "qemu-error", code: LAUNCH.QEMU_ERROR });
  });
});

describe("parseSize", () => {
  it("reads sizes with units", () => {
    expect(parseSize("128M")).toBe(128 * 1024 * 1024);
    expect(parseSize("1g")).toBe(1024 ** 3);
    expect(parseSize("4096")).toBe(4096);
    expect(parseSize("64KB")).toBe(65536);
  });
  it("rejects nonsense with a sentence", () => {
    expect(() => parseSize("lots")).toThrow("'lots' is not a size (expected e.g. 64M, 1G, 4096)");
  });
});

describe("app blob with embedded files", () => {
  it("places the asset index and data after the line map, 16-byte aligned, inside the checksum", () => {
    const data = new Uint8Array([9, 8, 7]);
    const blob = encodeAppBlob({ bytecode: new Uint8Array([1]), config: "{}", lineMap: "{}", heapLimit: 0, memHint: 1,
      assets: { index: '{"v":1}', data } });
    const [aiOff, aiLen, adOff, adLen] = [64, 68, 72, 76].map((o) => blob.readUInt32LE(o));
    expect(aiOff % 16).toBe(0);
    expect(adOff % 16).toBe(0);
    expect(aiOff).toBeGreaterThanOrEqual(blob.readUInt32LE(48) + blob.readUInt32LE(52));
    expect(blob.toString("utf8", aiOff, aiOff + aiLen)).toBe('{"v":1}');
    expect([...blob.subarray(adOff, adOff + adLen)]).toEqual([9, 8, 7]);
    expect(adOff + adLen).toBe(blob.length);
    expect(blob.readUInt32LE(60)).toBe(appChecksum(blob.subarray(HEADER_SIZE)));
  });
});
