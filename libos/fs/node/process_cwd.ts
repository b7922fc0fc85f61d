// libos/fs/node/process_cwd.ts — process.cwd() and process.chdir() over the VFS's working directory, with Node's
// errors, for the runtime to install on `process` (libos/process is not this folder's to change).
// Layer: libos. Depends on ../vfs, errors.ts, validate.ts.

import { FsError } from "../types.ts";
import { vfs } from "../vfs/index.ts";
import { uvException } from "./errors.ts";
import { validateString } from "./validate.ts";

/** process.cwd(): the VFS's working directory. */
export function processCwd(): string {
  return vfs().cwd();
}

/**
 * process.chdir(directory): ERR_INVALID_ARG_TYPE for a non-string; Node's error for a failed chdir, which names
 * both directories: "ENOENT: no such file or directory, chdir '/current' -> 'missing'" (path and dest).
 */
export function processChdir(directory: unknown): void {
  validateString(directory, "directory");
  const from = vfs().cwd();
  try {
    vfs().chdir(directory);
  } catch (e) {
    if (!(e instanceof FsError)) throw e;
    throw uvException(e.code, "chdir", from, directory);
  }
}
