// libos/fs/node/encoding.ts — strings to bytes and back in Node's encodings through libos/buffer (whose package
// lacks base64url: converted here through base64), and names as readdir/readlink/realpath return them for an
// `encoding` option ('buffer' gives Buffers).
// Layer: libos. Depends on libos/buffer and validate.ts.

import { Buffer } from "../../buffer/index.ts";
import { normalizeEncoding } from "./validate.ts";

type NodeBuffer = InstanceType<typeof Buffer>;

/** The bytes of `s` in `encoding` (default UTF-8). */
export function encodeString(s: string, encoding?: unknown): NodeBuffer {
  const enc = normalizeEncoding(encoding) ?? "utf8";
  if (enc === "base64url") return Buffer.from(s.replace(/-/g, "+").replace(/_/g, "/"), "base64");
  return Buffer.from(s, enc as BufferEncoding);
}

/** `bytes` as a string in `encoding`. */
export function decodeBytes(bytes: Uint8Array, encoding: unknown): string {
  const b = bytes instanceof Buffer ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const enc = normalizeEncoding(encoding) ?? "utf8";
  if (enc === "base64url") return b.toString("base64").replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  return b.toString(enc as BufferEncoding);
}

/** A name (UTF-8 in the file system) as an `encoding` option wants it: a string, or a Buffer for 'buffer'. */
export function encodeName(name: string, encoding: unknown): string | NodeBuffer {
  if (encoding === "buffer") return Buffer.from(name, "utf8");
  const enc = normalizeEncoding(encoding);
  if (!enc || enc === "utf8") return name;
  return decodeBytes(Buffer.from(name, "utf8"), enc);
}

export { Buffer };
