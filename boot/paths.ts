// boot/paths.ts — where things are: the repository root, the native build cache, the engine source.
// In an installed copy of the package the native build lives in the machine's shared cache (boot/cache.mjs).
// Layer: build tools (host only).
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { makeVars, nativeLocations } from "./cache.mjs";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
export const NATIVE_SRC = join(ROOT, "boot/native");
const NATIVE = nativeLocations(ROOT);
export const NATIVE_BUILD = NATIVE.build;
/** Variables every `make -C boot/native` gets (the shared cache's folder as ROOT; none in a checkout). */
export const MAKE_VARS = makeVars(NATIVE);
export const MUSL_LIBC = "/usr/lib/x86_64-linux-musl/libc.a";
