// libos/fs/vfs/path_walk.ts — path resolution (Linux's namei): a path is walked one component at a time from the
// root or the working directory, crossing mount points, following symlinks (at most 40 per walk: ELOOP), with "."
// and ".." resolved physically (".." of a mount's root leaves the mount; ".." of "/" is "/"). The walk keeps the
// chain of directories it went through, so ".." never needs the file system's help and a realpath falls out of it.
// Limits as Linux: a path of 4096 bytes or more, or a component over 255 bytes, is ENAMETOOLONG.
// Layer: libos/fs. Depends on ../types.ts, mount_table.ts and libos/util/utf8.ts.

import { FsError, S_IFDIR, S_IFLNK, S_IFMT } from "../types.ts";
import { utf8Length } from "../../util/utf8.ts";
import type { Mount, MountTable } from "./mount_table.ts";

/** The most symlinks one walk follows (Linux's MAXSYMLINKS). */
export const MAX_SYMLINKS = 40;
/** Linux's PATH_MAX (bytes, with the terminating NUL) and NAME_MAX. */
export const PATH_MAX = 4096;
export const NAME_MAX = 255;

/** One directory (or the final file) on a walk: where it is, its name in its parent, its mode (type and bits). */
export interface Step {
  mount: Mount;
  ino: number;
  /** The name it was reached by ("" for the root). */
  name: string;
  mode: number;
}

/**
 * An inode's mode. A file system may offer `inodeMode(ino)` (tmpfs does) to answer without building a whole Attr:
 * a walk needs only the type of each component; others are asked getattr(). (Proposed for FileSystem itself.)
 */
export function modeOf(mount: Mount, ino: number): number {
  const fs = mount.fs;
  return fs.inodeMode ? fs.inodeMode(ino) : fs.getattr(ino).mode;
}

/** What a walk found. */
export interface Walked {
  /** The directories from the root down to the final component's parent (the parent is the last). */
  dirs: Step[];
  /** The final component, when it exists (for "." and "..": the directory they name). */
  target?: Step;
  /** The final component as written: a name, ".", "..", or "" for "/". */
  name: string;
  /** The path ended in "/" (the final component must be a directory; a final symlink is followed). */
  slash: boolean;
  /** The final component is a mount point (target is the mounted root). */
  mountPoint: boolean;
}

export interface WalkOptions {
  /** Follow a final symlink (stat, open); false for lstat, readlink... A trailing "/" follows it anyway and makes
   *  a final non-directory ENOTDIR. */
  follow: boolean;
  /** A missing final component is not an error: `target` is left undefined (create, mkdir, rename's target). */
  allowMissing?: boolean;
  /** The final component is what a directory operation acts on (unlink, rmdir, mkdir, rename, link, symlink): it
   *  is never followed, not even with a trailing "/", and the caller judges the slash itself. */
  entry?: boolean;
}

/** ENAMETOOLONG for a name over NAME_MAX bytes (a UTF-16 unit is at most 3 bytes: short names skip the count). */
export function checkName(name: string): void {
  if (name.length * 3 > NAME_MAX && utf8Length(name) > NAME_MAX) {
    throw new FsError("ENAMETOOLONG", `a name of ${utf8Length(name)} bytes (at most ${NAME_MAX})`);
  }
}

/** ENOENT for "", ENAMETOOLONG for PATH_MAX bytes or more. */
export function checkPath(path: string): void {
  if (path === "") throw new FsError("ENOENT", "an empty path");
  if (path.length * 3 >= PATH_MAX && utf8Length(path) >= PATH_MAX) {
    throw new FsError("ENAMETOOLONG", `a path of ${utf8Length(path)} bytes (less than ${PATH_MAX})`);
  }
}

const isDir = (s: Step): boolean => (s.mode & S_IFMT) === S_IFDIR;

/**
 * Resolves paths over a mount table. `root()` gives the step for "/" (the topmost mount there), `cwd()` the
 * working directory as an absolute path without symlinks (relative paths are walked from it).
 */
export class PathWalker {
  constructor(private readonly mounts: MountTable, private readonly root: () => Step, private readonly cwd: () => string) {}

  /**
   * Walks `path`. Throws FsError: ENOENT (a missing component; the final one too unless allowMissing), ENOTDIR
   * (a component used as a directory is not one), ELOOP (more than 40 symlinks), ENAMETOOLONG, and whatever the
   * file systems throw.
   */
  walk(path: string, options: WalkOptions): Walked {
    checkPath(path);
    let parts = path.split("/");
    if (path.charCodeAt(0) !== 47) parts = this.cwd().split("/").concat(parts);
    let dirs: Step[] = [this.root()];
    let last = lastName(parts);
    let links = 0;
    const result: Walked = { dirs, name: "", slash: false, mountPoint: false, target: dirs[0] };
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i];
      if (part === "") continue;
      const final = i === last;
      const top = dirs[dirs.length - 1];
      if (!isDir(top)) throw new FsError("ENOTDIR");
      if (final) {
        result.name = part;
        result.slash = i < parts.length - 1;
      }
      if (part === "." || part === "..") {
        if (part === ".." && dirs.length > 1) dirs.pop();
        if (final) {
          result.target = dirs[dirs.length - 1];
          result.mountPoint = dirs.length === 1;
          break;
        }
        continue;
      }
      checkName(part);
      let ino: number;
      try {
        ino = top.mount.fs.lookup(top.ino, part);
      } catch (e) {
        if (final && options.allowMissing && e instanceof FsError && e.code === "ENOENT") {
          result.target = undefined;
          result.mountPoint = false;
          break;
        }
        throw e;
      }
      let mount = top.mount;
      let crossed = false;
      for (let over = this.mounts.coveredBy(mount, ino); over; over = this.mounts.coveredBy(mount, ino)) {
        mount = over;
        ino = over.fs.rootIno;
        crossed = true;
      }
      const step: Step = { mount, ino, name: part, mode: modeOf(mount, ino) };
      const followed = !final || (!options.entry && (options.follow || i < parts.length - 1));
      if (followed && (step.mode & S_IFMT) === S_IFLNK) {
        if (++links > MAX_SYMLINKS) throw new FsError("ELOOP");
        const target = step.mount.fs.readlink(step.ino);
        if (target === "") throw new FsError("ENOENT", `the symlink ${part} is empty`);
        parts = target.split("/").concat(parts.slice(i + 1));
        if (target.charCodeAt(0) === 47) dirs = [this.root()];
        result.dirs = dirs;
        last = lastName(parts);
        i = -1;
        continue;
      }
      if (final) {
        result.target = step;
        result.mountPoint = crossed;
        break;
      }
      dirs.push(step);
    }
    if (last < 0) {                                       // "/" (or a symlink to it): the root itself
      result.name = "";
      result.slash = false;
      result.target = dirs[dirs.length - 1];
      result.mountPoint = true;
    }
    result.dirs = dirs;
    if (!options.entry && result.target && result.slash && !isDir(result.target)) throw new FsError("ENOTDIR");
    return result;
  }

  /** The absolute path, without symlinks, of a walk's target (Linux's realpath/getcwd). */
  static pathOf(walked: Walked): string {
    const names = walked.dirs.slice(1).map((d) => d.name);
    if (walked.target && walked.name !== "" && walked.name !== "." && walked.name !== "..") names.push(walked.name);
    return "/" + names.join("/");
  }
}

/** Index of the last non-empty component that is not a bare "" (−1: the path is only slashes). */
function lastName(parts: string[]): number {
  for (let i = parts.length - 1; i >= 0; i--) if (parts[i] !== "") return i;
  return -1;
}
