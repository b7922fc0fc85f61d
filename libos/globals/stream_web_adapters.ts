// libos/globals/stream_web_adapters.ts — for images whose sources mention fromWeb/toWeb: gives node:stream's
// Readable, Writable and Duplex their fromWeb/toWeb (libos/web/streams/adapters.ts) before the app runs, so that
// node:stream itself carries no web streams into images that never convert. Layer: libos (globals).
import { installStreamWebAdapters } from "../web/streams/adapters.ts";

export function install(): void {
  installStreamWebAdapters();
}
