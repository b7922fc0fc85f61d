// Types for sources.mjs (plain JavaScript: it runs at `npm install`, before TypeScript tooling can be trusted).
export interface DebianSource {
  name: string;
  version: string;
  suite: string;
  tarball: string;
  sha256: string;
  topDir: string;
  cacheDir: string;
  patches?: string[];
}
export const QUICKJS: DebianSource;
export const ZLIB: DebianSource;
export const BROTLI: DebianSource;
export const MBEDTLS: DebianSource;
export const LIBSODIUM: DebianSource;
export const SOURCES: DebianSource[];
