// boot/image/options.ts — the image options' values and limits, apart from the builder so that the CLI checks
// them (and answers --help, --version and every usage error) without loading esbuild: sizes ("128M"), the RAM
// minimum, the heap's bounds (room for the kernel, enough to start the engine), unijs's and the engine's versions.
// Layer: build tools (host only).

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { NATIVE_SRC, ROOT } from "../paths.ts";

export const DEFAULT_MEM = 128 * 1024 * 1024;
const MiB = 1024 * 1024;
/** The least RAM a guest gets (boot/launch/qemu.ts never starts one with less). */
export const MIN_MEM = 16 * MiB;
/** RAM an explicit heap limit must leave to the kernel: page tables, the image, stacks, network and disk buffers
 *  (the automatic limit leaves the same: RAM less 16 MiB, engine.c). */
export const KERNEL_RESERVE = 16 * MiB;
/** The least heap limit an image is built with: less cannot create the engine's runtime and context
 *  ("out of memory creating the JS context" at 1 byte; an empty app needs a few hundred KiB). */
export const MIN_HEAP = 2 * MiB;

/** A bad option value (the CLI's usage error, exit 2): one sentence. */
export class OptionError extends Error {}

export const formatSize = (n: number) => n === 0 ? "0" :
  n % (1024 * MiB) === 0 ? `${n / (1024 * MiB)}G` : n % MiB === 0 ? `${n / MiB}M` : n % 1024 === 0 ? `${n / 1024}K` : `${n}`;

/** Checks RAM and heap against each other and the limits; throws OptionError naming the limit. */
export function checkMemory(memBytes: number | undefined, heapBytes: number | undefined): void {
  if (memBytes !== undefined && memBytes < MIN_MEM) {
    throw new OptionError(`--mem ${formatSize(memBytes)} is below the minimum of ${formatSize(MIN_MEM)}`);
  }
  if (heapBytes === undefined || heapBytes === 0) return;
  if (heapBytes < MIN_HEAP) {
    throw new OptionError(`--heap ${formatSize(heapBytes)} is too small to start the engine: the minimum is ${formatSize(MIN_HEAP)}`);
  }
  const mem = memBytes ?? DEFAULT_MEM;
  if (heapBytes > mem - KERNEL_RESERVE) {
    throw new OptionError(`--heap ${formatSize(heapBytes)} leaves no room for the kernel in ${formatSize(mem)} of RAM: ` +
      `at most ${formatSize(mem - KERNEL_RESERVE)} (RAM less ${formatSize(KERNEL_RESERVE)}), or raise --mem`);
  }
}

/** unijs's version and the engine's, for the manifest and `--version`. */
export function versions(): { unijs: string; engine: string } {
  const unijs = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;
  const engine = /^QJS_VERSION\s*:=\s*(\S+)/m.exec(readFileSync(join(NATIVE_SRC, "engine.mk"), "utf8"))?.[1] ?? "unknown";
  return { unijs, engine: `QuickJS ${engine}` };
}

/** Parses "128M", "64m", "1G", "65536" (bytes) → bytes. Throws OptionError on anything else. */
export function parseSize(s: string): number {
  const m = /^(\d+)([kKmMgG]?)[bB]?$/.exec(s.trim());
  if (!m) throw new OptionError(`'${s}' is not a size (expected e.g. 64M, 1G, 4096)`);
  const mult = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2].toLowerCase() as "" | "k" | "m" | "g"];
  return Number(m[1]) * mult;
}

