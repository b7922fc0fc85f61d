// boot/image/blob.ts — writes the app blob linked into section .unijs.app: a header, the bytecode, the image
// config (JSON) and the line map (JSON). The layout is struct unijs_app_header in boot/native/app_image.h.
// Layer: build tools (host only).

export const APP_MAGIC = "UNIJSAPP";
export const APP_VERSION = 2;
export const HEADER_SIZE = 80;

export interface AppBlobParts {
  bytecode: Uint8Array;
  config: string;
  lineMap: string;
  /** JS heap limit in bytes; 0 = automatic (RAM less a reserve). */
  heapLimit: number;
  /** RAM in bytes the image expects (the launcher's default for it). */
  memHint: number;
  /** Embedded read-only files (boot/image/assets.ts): their index (JSON) and their bytes. */
  assets?: { index: string; data: Uint8Array };
}

/** FNV-1a over little-endian u32 words (the tail zero-padded); boot/native/engine.c checks it at boot. */
export function appChecksum(b: Uint8Array): number {
  let h = 2166136261;
  const words = Math.floor(b.length / 4);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let i = 0; i < words; i++) h = Math.imul(h ^ dv.getUint32(i * 4, true), 16777619) >>> 0;
  if (b.length % 4) {
    let w = 0;
    for (let j = b.length - (b.length % 4), k = 0; j < b.length; j++, k++) w |= b[j] << (8 * k);
    h = Math.imul(h ^ (w >>> 0), 16777619) >>> 0;
  }
  return h >>> 0;
}

/** Serialises the blob. Each part starts 16-byte aligned. */
export function encodeAppBlob(p: AppBlobParts): Buffer {
  const config = Buffer.from(p.config, "utf8");
  const lineMap = Buffer.from(p.lineMap, "utf8");
  const assetIndex = Buffer.from(p.assets?.index ?? "", "utf8");
  const assetData = p.assets?.data ?? new Uint8Array(0);
  const align = (n: number) => (n + 15) & ~15;
  const bcOff = HEADER_SIZE;
  const cfgOff = align(bcOff + p.bytecode.length);
  const lmOff = align(cfgOff + config.length);
  const aiOff = align(lmOff + lineMap.length);
  const adOff = align(aiOff + assetIndex.length);
  const total = adOff + assetData.length;
  if (total > 0xffffffff) throw new Error(`the app blob would be ${total} bytes; at most 4 GiB fit (embedded files too large?)`);
  const b = Buffer.alloc(total);
  b.write(APP_MAGIC, 0, "latin1");
  b.writeUInt32LE(APP_VERSION, 8);
  b.writeUInt32LE(0, 12);
  b.writeBigUInt64LE(BigInt(p.heapLimit), 16);
  b.writeBigUInt64LE(BigInt(p.memHint), 24);
  b.writeUInt32LE(bcOff, 32);
  b.writeUInt32LE(p.bytecode.length, 36);
  b.writeUInt32LE(cfgOff, 40);
  b.writeUInt32LE(config.length, 44);
  b.writeUInt32LE(lmOff, 48);
  b.writeUInt32LE(lineMap.length, 52);
  b.writeUInt32LE(total, 56);
  b.writeUInt32LE(aiOff, 64);
  b.writeUInt32LE(assetIndex.length, 68);
  b.writeUInt32LE(adOff, 72);
  b.writeUInt32LE(assetData.length, 76);
  Buffer.from(p.bytecode).copy(b, bcOff);
  config.copy(b, cfgOff);
  lineMap.copy(b, lmOff);
  assetIndex.copy(b, aiOff);
  Buffer.from(assetData.buffer, assetData.byteOffset, assetData.length).copy(b, adOff);
  b.writeUInt32LE(appChecksum(b.subarray(HEADER_SIZE)), 60);
  return b;
}

/** Where the app blob starts inside an image file (magic + version; the bare magic also sits in the kernel's
 * rodata as a constant), or -1. */
export function findAppBlob(image: Buffer): number {
  const needle = Buffer.alloc(12);
  needle.write(APP_MAGIC, 0, "latin1");
  needle.writeUInt32LE(APP_VERSION, 8);
  return image.indexOf(needle);
}

/** Reads the header back (the launcher uses memHint; tests check the layout). Throws on a foreign blob. */
export function decodeAppHeader(b: Buffer): { heapLimit: number; memHint: number; bytecodeLength: number; total: number } {
  if (b.length < HEADER_SIZE || b.toString("latin1", 0, 8) !== APP_MAGIC) {
    throw new Error("not a unijs app blob: the magic 'UNIJSAPP' is missing");
  }
  const version = b.readUInt32LE(8);
  if (version !== APP_VERSION) throw new Error(`unijs app blob version ${version}, expected ${APP_VERSION}`);
  return {
    heapLimit: Number(b.readBigUInt64LE(16)),
    memHint: Number(b.readBigUInt64LE(24)),
    bytecodeLength: b.readUInt32LE(36),
    total: b.readUInt32LE(56),
  };
}
