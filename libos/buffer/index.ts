// libos/buffer/index.ts — `node:buffer`: the `buffer` npm package (Node's Buffer for other runtimes) plus the
// helpers Node's module has around it. The global `Buffer` is injected by the builder only into images whose code
// mentions it (esbuild `inject`, see boot/image/bundle.ts). Layer: libos.
// The path with "/index.js" reaches the npm package itself (the bare name "buffer" resolves to this file).
import * as pkg from "buffer/index.js";

type NodeBuffer = typeof import("node:buffer");

/** Node's Buffer. */
export const Buffer = (pkg as unknown as { Buffer: NodeBuffer["Buffer"] }).Buffer;
export const SlowBuffer = (pkg as unknown as { SlowBuffer: NodeBuffer["SlowBuffer"] }).SlowBuffer;
export const INSPECT_MAX_BYTES = 50;
export const kMaxLength = (pkg as unknown as { kMaxLength: number }).kMaxLength;
export const kStringMaxLength = (1 << 29) - 24;
export const constants = { MAX_LENGTH: kMaxLength, MAX_STRING_LENGTH: kStringMaxLength };

/** Base64 of a Latin-1 string (the web's btoa; throws on code points above 255, as Node does). */
export function btoa(input: string): string {
  const s = String(input);
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) > 255) throw Object.assign(new Error("Invalid character"), { name: "InvalidCharacterError" });
  }
  return Buffer.from(s, "latin1").toString("base64");
}

/** Decodes base64 to a Latin-1 string (the web's atob). */
export function atob(input: string): string {
  const s = String(input).replace(/[\t\n\f\r ]/g, "");
  if (s.length % 4 === 1 || /[^A-Za-z0-9+/=]/.test(s)) {
    throw Object.assign(new Error("The string to be decoded is not correctly encoded."), { name: "InvalidCharacterError" });
  }
  return Buffer.from(s, "base64").toString("latin1");
}

export default { Buffer, SlowBuffer, INSPECT_MAX_BYTES, kMaxLength, kStringMaxLength, constants, atob, btoa };
