// libos/fs/ext4/errors.ts — the two ways ext4 code fails besides POSIX errors: on-disk corruption (EUCLEAN, with a
// sentence naming the structure, where it is and what was wrong) and device errors (EIO, raised by the block cache).
// Anything that is not an FsError reaching the FileSystem boundary is a bug; `asFsError` turns it into EIO there so
// callers only ever see FsError.
// Layer: libos/fs/ext4. Depends on ../types.ts.

import { FsError } from "../types.ts";

/** An FsError EUCLEAN saying what on disk is wrong ("inode 12: extent header magic is 0x0000, expected 0xf30a"). */
export function corrupt(detail: string): FsError {
  return new FsError("EUCLEAN", detail);
}

/** An FsError with `code` (ENOENT, ENOSPC, ...) and an optional detail. */
export function fsErr(code: string, detail?: string): FsError {
  return new FsError(code, detail);
}

/**
 * `e` as an FsError: FsErrors pass through; anything else (a RangeError from a bad length, an internal bug) becomes
 * EIO with the original message, so no other exception type leaves the file system.
 */
export function asFsError(e: unknown): FsError {
  if (e instanceof FsError) return e;
  const msg = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return new FsError("EIO", `internal error: ${msg}`);
}
