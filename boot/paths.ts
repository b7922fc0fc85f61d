// boot/paths.ts — where things are: the repository root, the native build cache, the engine source.
// Layer: build tools (host only).
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
export const NATIVE_SRC = join(ROOT, "boot/native");
export const NATIVE_BUILD = join(ROOT, "build/native");
export const MUSL_LIBC = "/usr/lib/x86_64-linux-musl/libc.a";
