// libos/globals/compression_streams.ts — the globals CompressionStream and DecompressionStream (gzip, deflate,
// deflate-raw over libos/zlib), apart from the other web streams so that zlib is linked only into images that
// mention them. Layer: libos (globals).
import { CompressionStream, DecompressionStream } from "../web/streams/compression_streams.ts";
import { defineGlobals } from "../web/_util.ts";

export function install(): void {
  defineGlobals({ CompressionStream, DecompressionStream });
}
