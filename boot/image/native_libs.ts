// boot/image/native_libs.ts — which native libraries (boot/native/libs) an image links: those whose TypeScript
// users are in the bundle, read from esbuild's metafile (an input with bytes in the output). hello bundles none of
// these users, so it links no library code (http-server links only http_head, node:http's head scanner); `npm run image` builds a library on first need.
// Layer: build tools (host only).
import type * as esbuild from "esbuild";

export interface NativeLib {
  name: string;
  /** The library has an archive of its own sources (build/native/lib/NAME.a) besides the glue. */
  archive: boolean;
  /** Bundle inputs (paths relative to the unijs checkout) that call the library's hal primitives. */
  usedBy: RegExp;
  /** A library this one contains a build of (linked instead of it when both are needed). */
  replaces?: string;
}

export const NATIVE_LIBS: readonly NativeLib[] = [
  { name: "crc32c", archive: false, usedBy: /^libos\/fs\/crc32c\.ts$/ },
  { name: "dynimport", archive: false, usedBy: /^libos\/runtime\/dynamic_require\.ts$/ },
  { name: "zlib", archive: true, usedBy: /^libos\/zlib\/(?!brotli)/ },
  { name: "brotli", archive: true, usedBy: /^libos\/zlib\/brotli/ },
  { name: "mbedtls", archive: true, usedBy: /^libos\/crypto\// },
  // Mbed TLS again with TLS, X.509 and PSA (libs/tls.mk), and node:crypto's glue built against that configuration.
  { name: "tls", archive: true, usedBy: /^libos\/tls\//, replaces: "mbedtls" },
  { name: "vm", archive: false, usedBy: /^libos\/vm\// },
  { name: "async_context", archive: false, usedBy: /^libos\/async_hooks\// },
  { name: "cpuinfo", archive: false, usedBy: /^libos\/os\/cpu\.ts$/ },
  { name: "http_head", archive: true, usedBy: /^libos\/http\/native_head\.ts$/ },
];

/** The libraries a bundle needs, in link order. */
export function nativeLibsFor(metafile: esbuild.Metafile): NativeLib[] {
  const out = Object.entries(metafile.outputs).find(([path]) => path.endsWith(".js"))?.[1];
  const used = Object.entries(out?.inputs ?? {}).filter(([, v]) => v.bytesInOutput > 0).map(([p]) => p);
  const libs = NATIVE_LIBS.filter((l) => used.some((p) => l.usedBy.test(p)));
  return libs.filter((l) => !libs.some((o) => o.replaces === l.name));
}
