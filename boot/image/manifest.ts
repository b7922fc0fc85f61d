// boot/image/manifest.ts — the image's manifest and its reader (`unijs inspect`). The manifest is a small JSON
// note in a non-loaded ELF section, .unijs.manifest (added after stripping; never mapped into the guest): the unijs
// and engine versions, the build options the app blob does not already hold, the native libraries, and each
// bundled module's size in the order of the line map's sources (the blob holds the names: nothing is stored twice).
// It is stored deflated (raw DEFLATE: hello's 184 bytes of JSON take 143, http-server's 801 take 428). The reader
// also decodes the app blob (config, line map, embedded-asset index) and checks it as the kernel does.
// Layer: build tools (host only).

import { createHash } from "node:crypto";
import { deflateRawSync, inflateRawSync } from "node:zlib";
import { appChecksum, APP_MAGIC, APP_VERSION, HEADER_SIZE } from "./blob.ts";
import { readElf } from "./elf.ts";

export const MANIFEST_SECTION = ".unijs.manifest";

export interface Manifest {
  v: 1;
  /** unijs's version (package.json). */
  unijs: string;
  /** The engine: "QuickJS 2025-04-26". */
  engine: string;
  /** Build options not recorded elsewhere in the image (only those set). */
  opts: { keepSource?: true; testHooks?: true; exposeGc?: true; profileMs?: number; module?: true };
  /** Native libraries linked in. */
  libs: string[];
  /** Bytes each bundled module contributes, in the order of the line map's `sources` (0: none). */
  sizes: number[];
}

/** The manifest's bytes: compact JSON, deflated. */
export function encodeManifest(m: Manifest): Buffer {
  return deflateRawSync(Buffer.from(JSON.stringify(m), "utf8"), { level: 9 });
}

/** The manifest from a section's bytes, or null when they are not one. */
export function decodeManifest(b: Buffer): Manifest | null {
  try {
    const m = JSON.parse(inflateRawSync(b).toString("utf8")) as Manifest;
    return m && m.v === 1 && Array.isArray(m.sizes) ? m : null;
  } catch {
    return null;
  }
}

/** Thrown when a file is not a unijs image, or is one that is damaged; the message is one sentence. */
export class ImageError extends Error {}

export interface ImageInfo {
  bytes: number;
  sha256: string;
  manifest: Manifest | null;
  heapLimit: number;
  memHint: number;
  bytecodeBytes: number;
  config: Record<string, unknown>;
  modules: { path: string; bytes: number }[];
  assets: { path: string; mode: number; bytes: number }[];
  assetBytes: number;
}

/** Where the app blob starts (magic + version; the bare magic also sits in the kernel's rodata), or -1. */
function findBlob(image: Buffer): number {
  const needle = Buffer.alloc(12);
  needle.write(APP_MAGIC, 0, "latin1");
  needle.writeUInt32LE(APP_VERSION, 8);
  return image.indexOf(needle);
}

/** Reads and checks an image file's bytes. `name` is how messages call it. Throws ImageError. */
export function readImage(b: Buffer, name: string): ImageInfo {
  if (b.length < 4 || b.readUInt32BE(0) !== 0x7f454c46) throw new ImageError(`${name} is not a unijs image: not an ELF file`);
  let sections;
  try {
    sections = readElf(b).sections;
  } catch (e) {
    throw new ImageError(`${name} is a corrupt ELF file (${e instanceof RangeError ? "truncated" : (e as Error).message})`);
  }
  const at = findBlob(b);
  if (at < 0) throw new ImageError(`${name} is an ELF file but not a unijs image (it has no unijs app section)`);
  if (at + HEADER_SIZE > b.length) throw new ImageError(`${name} is corrupt: its app section is truncated`);
  const h = b.subarray(at);
  const total = h.readUInt32LE(56);
  if (total < HEADER_SIZE || at + total > b.length) throw new ImageError(`${name} is corrupt: its app section is truncated`);
  const blob = h.subarray(0, total);
  if (appChecksum(blob.subarray(HEADER_SIZE)) !== blob.readUInt32LE(60)) {
    throw new ImageError(`${name} is corrupt: its app section's checksum does not match (rebuild the image)`);
  }
  const part = (off: number, len: number) => blob.toString("utf8", blob.readUInt32LE(off), blob.readUInt32LE(off) + blob.readUInt32LE(len));
  const json = <T>(text: string, fallback: T): T => { try { return text ? JSON.parse(text) as T : fallback; } catch { return fallback; } };
  const config = json<Record<string, unknown>>(part(40, 44), {});
  const lineMap = json<{ sources?: string[] }>(part(48, 52), {});
  const assetIndex = json<{ entries?: [string, number, number, number, string?][] }>(part(64, 68), {});
  const sec = sections.find((s) => s.name === MANIFEST_SECTION);
  let manifest: Manifest | null = null;
  if (sec) {
    // An unreadable manifest (another unijs's format) is no reason to refuse the image: only `inspect` needs it.
    manifest = decodeManifest(b.subarray(sec.offset, sec.offset + sec.size));
  }
  const sources = lineMap.sources ?? [];
  const modules = sources.map((path, i) => ({ path, bytes: manifest?.sizes[i] ?? 0 }))
    .filter((m) => !manifest || m.bytes > 0)
    .sort((x, y) => y.bytes - x.bytes || (x.path < y.path ? -1 : 1));
  const assets = (assetIndex.entries ?? []).filter((e) => (e[1] & 0o170000) === 0o100000)
    .map((e) => ({ path: e[0], mode: e[1] & 0o7777, bytes: e[2] }));
  return {
    bytes: b.length,
    sha256: createHash("sha256").update(b).digest("hex"),
    manifest,
    heapLimit: Number(blob.readBigUInt64LE(16)),
    memHint: Number(blob.readBigUInt64LE(24)),
    bytecodeBytes: blob.readUInt32LE(36),
    config,
    modules,
    assets,
    assetBytes: blob.readUInt32LE(76),
  };
}
