// libos/http/native_head.ts — the native HTTP/1 head scanner (hal.httpHead, boot/native/http_head.c) as the
// parser sees it: found on the platform inside images (this module's presence in a bundle links the C code, see
// boot/image/native_libs.ts), absent in hosted runs unless a test installs one (the host build of the same C file).
// parser_rules.ts hands a message's head to it when the whole head is in one chunk; the TypeScript rules stay the
// definition: whatever the scanner cannot take (an unfinished head, an error) is parsed by them again from the same
// bytes. Layer: libos. Depends on kernel/platform.ts.
import { platformOrNull } from "../../kernel/platform.ts";

/** The two primitives (kernel/platform.ts documents them). */
export interface HeadScanner {
  httpHead(bytes: Uint8Array, start: number, end: number, response: number, limit: number, out: Int32Array): number;
  httpHeadStrings(bytes: Uint8Array, out: Int32Array): string[];
}

/** Slots of the `out` array (boot/native/http_head.h). */
export const HH = {
  /** complete: offset after the head; error: offset after the line at fault (or the end of the data) */
  END: 0,
  /** request: index into METHODS (constants.ts); response: status code */
  METHOD: 1,
  TEXT_START: 2, TEXT_END: 3, MAJOR: 4, MINOR: 5, COUNT: 6,
  /** head bytes as Node counts them */
  BYTES: 7,
  /** HAS_* bits */
  FLAGS: 8,
  /** then name start, name end, value start, value end per header */
  FIELDS: 9,
} as const;

/** FLAGS bits: a Content-Length header; one whose value is not all zeros; a Transfer-Encoding header. */
export const HAS_CONTENT_LENGTH = 1, NONZERO_CONTENT_LENGTH = 2, HAS_TRANSFER_ENCODING = 4;

/** Node's code and reason for each error result -1 ... (index = -result). -1 (more headers than `out` holds) is none. */
export const HEAD_ERRORS: readonly (readonly [string, string])[] = [
  ["", ""],
  ["", "more headers than the out array holds"],
  ["HPE_INVALID_CONSTANT", "Expected HTTP/"],
  ["HPE_INVALID_METHOD", "Invalid method encountered"],
  ["HPE_INVALID_URL", "Invalid URL"],
  ["HPE_INVALID_URL", "Invalid characters in url"],
  ["HPE_INVALID_VERSION", "Invalid HTTP version"],
  ["HPE_HEADER_OVERFLOW", "Header overflow"],
  ["HPE_CR_EXPECTED", "Missing expected CR after header value"],
  ["HPE_INVALID_HEADER_TOKEN", "Invalid header token"],
  ["HPE_INVALID_HEADER_TOKEN", "Invalid header value char"],
  ["HPE_INVALID_HEADER_TOKEN", "Unexpected whitespace after header value"],
  ["HPE_UNEXPECTED_CONTENT_LENGTH", "Content-Length can't be present with Transfer-Encoding"],
  ["HPE_INVALID_CONTENT_LENGTH", "Invalid character in Content-Length"],
  ["HPE_UNEXPECTED_CONTENT_LENGTH", "Duplicate Content-Length"],
  ["HPE_INVALID_CONSTANT", "Parse Error"],
];

/** Headers one scan can hand over; a head with more is parsed by the TypeScript rules. */
export const MAX_NATIVE_HEADERS = 128;

/** The scanner's output, shared by all parsers (each scan's result is read before the next scan). */
export const headOut = new Int32Array(HH.FIELDS + 4 * MAX_NATIVE_HEADERS);

let scanner: HeadScanner | null | undefined;

/** The native scanner, or null where there is none (hosted runs). */
export function headScanner(): HeadScanner | null {
  if (scanner === undefined) {
    const p = platformOrNull();
    scanner = p && p.httpHead && p.httpHeadStrings ? (p as HeadScanner) : null;
  }
  return scanner;
}

/** Tests: use `s` (null: none; undefined: look at the platform again on next use). */
export function setHeadScanner(s: HeadScanner | null | undefined): void {
  scanner = s;
}
