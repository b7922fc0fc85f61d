// libos/fs/ext4/utf8.ts — names as ext4 stores and compares them: UTF-8 bytes (encoding and decoding come from
// libos/util/utf8.ts; invalid sequences in names read from disk decode to U+FFFD, as Node's TextDecoder does).
// Layer: libos/fs/ext4. Depends on ../../util/utf8.ts.

import { utf8Decode as decode, utf8Encode } from "../../util/utf8.ts";

export { utf8Encode };

/** Decodes b[start, end) as UTF-8. */
export function utf8Decode(b: Uint8Array, start = 0, end = b.length): string {
  return decode(b, start, end).text;
}

/** Whether two byte ranges are equal. */
export function bytesEqual(a: Uint8Array, ao: number, b: Uint8Array, bo: number, n: number): boolean {
  for (let i = 0; i < n; i++) if (a[ao + i] !== b[bo + i]) return false;
  return true;
}
