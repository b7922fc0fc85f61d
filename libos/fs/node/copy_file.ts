// libos/fs/node/copy_file.ts — fs.copyFile/copyFileSync as libuv's uv_fs_copyfile does it: open the source,
// create or open the destination (O_EXCL with COPYFILE_EXCL) with the source's mode, nothing to do when both are
// the same file, truncate, fchmod to the source's mode, copy in 1 MiB chunks; on failure the destination is removed.
// COPYFILE_FICLONE falls back to a copy (tmpfs and ext4 here have no reflinks); FICLONE_FORCE is ENOTSUP.
// Errors: syscall "copyfile" with both paths.
// Layer: libos. Depends on dispatch.ts, errors.ts, validate.ts, ../vfs.

import { COPYFILE_EXCL, COPYFILE_FICLONE_FORCE } from "./constants.ts";
import { complete, type Callback } from "./dispatch.ts";
import { Buffer } from "./encoding.ts";
import { uvError } from "./errors.ts";
import { FsError } from "../types.ts";
import { O_CREAT, O_EXCL, O_RDONLY, O_WRONLY, vfs } from "../vfs/index.ts";
import { getValidatedPath, getValidMode, pathString, validateFunction, type PathLike } from "./validate.ts";

const CHUNK = 1 << 20;

export function copyFileCore(src: PathLike, dest: PathLike, mode: number): void {
  const v = vfs();
  let from = -1, to = -1;
  try {
    if (mode & COPYFILE_FICLONE_FORCE) throw new FsError("ENOTSUP", "no reflinks here");
    from = v.open(pathString(src), O_RDONLY);
    const st = v.fstat(from);
    to = v.open(pathString(dest), O_WRONLY | O_CREAT | (mode & COPYFILE_EXCL ? O_EXCL : 0), st.mode & 0o7777);
    const dt = v.fstat(to);
    if (dt.dev === st.dev && dt.ino === st.ino) return;
    v.ftruncate(to, 0);
    v.fsetattr(to, { mode: st.mode & 0o7777 });
    const buf = Buffer.allocUnsafe(Math.min(CHUNK, Math.max(st.size, 1)));
    for (let n = v.read(from, buf, null); n > 0; n = v.read(from, buf, null)) v.write(to, n === buf.length ? buf : buf.subarray(0, n), null);
  } catch (e) {
    if (to >= 0) {
      try {
        v.unlink(pathString(dest));
      } catch {
        // the destination could not be removed: the copy's error is the one to report
      }
    }
    throw uvError(e, "copyfile", src, dest);
  } finally {
    if (from >= 0) v.close(from);
    if (to >= 0) v.close(to);
  }
}

/** fs.copyFileSync(src, dest[, mode]): mode COPYFILE_EXCL refuses an existing destination (EEXIST). */
export function copyFileSync(src: unknown, dest: unknown, mode?: unknown): void {
  const s = getValidatedPath(src, "src");
  const d = getValidatedPath(dest, "dest");
  copyFileCore(s, d, getValidMode(mode, 0));
}

/** fs.copyFile(src, dest[, mode], callback(err)). */
export function copyFile(src: unknown, dest: unknown, mode?: unknown, callback?: unknown): void {
  if (typeof mode === "function") {
    callback = mode;
    mode = 0;
  }
  const s = getValidatedPath(src, "src");
  const d = getValidatedPath(dest, "dest");
  validateFunction(callback, "cb");
  const m = getValidMode(mode, 0);
  complete(callback as Callback, () => copyFileCore(s, d, m));
}
