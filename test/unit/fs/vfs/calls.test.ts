// The VFS's path and descriptor calls with Linux's errors: open's flags, the directory operations' edge cases
// (dots, trailing slashes, symlinks as the final component), descriptors (lowest free from 3, EMFILE, positions,
// pread/pwrite, O_APPEND, unlinked-but-open files), stdio, access as root, the umask. The expected codes were
// taken from Linux 6 through host Node (fs.*Sync on the same operations).
import { describe, expect, it } from "vitest";
import { Tmpfs } from "../../../../libos/fs/tmpfs/index.ts";
import { FsError, S_IFCHR, S_IFLNK, S_IFMT, S_IFREG } from "../../../../libos/fs/types.ts";
import {
  O_APPEND, O_CREAT, O_DIRECTORY, O_EXCL, O_NOFOLLOW, O_RDONLY, O_RDWR, O_TRUNC, O_WRONLY, Vfs, X_OK,
} from "../../../../libos/fs/vfs/index.ts";

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof FsError)) throw e;
    return e.code;
  }
  return "ok";
}

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

function tree(options: ConstructorParameters<typeof Vfs>[0] = {}): Vfs {
  const v = new Vfs(options);
  v.mount("/w", new Tmpfs());
  v.chdir("/w");
  const fd = v.open("file", O_CREAT | O_WRONLY, 0o644);
  v.write(fd, enc("0123456789"), null);
  v.close(fd);
  v.mkdir("dir");
  v.mkdir("full");
  v.close(v.open("full/x", O_CREAT | O_WRONLY));
  v.symlink("file", "lf");
  v.symlink("dir", "ld");
  v.symlink("nowhere", "dangling");
  return v;
}

function readAll(v: Vfs, path: string): string {
  const fd = v.open(path, O_RDONLY);
  const buf = new Uint8Array(v.fstat(fd).size);
  v.read(fd, buf, 0);
  v.close(fd);
  return dec(buf);
}

describe("open", () => {
  it("flags as Linux judges them", () => {
    const v = tree();
    expect(code(() => v.open("file/", O_RDONLY))).toBe("ENOTDIR");
    expect(code(() => v.open("new/", O_CREAT | O_WRONLY))).toBe("EISDIR");
    expect(code(() => v.open("file/", O_CREAT | O_WRONLY))).toBe("EISDIR");
    expect(code(() => v.open("dir", O_WRONLY))).toBe("EISDIR");
    expect(code(() => v.open("dir", O_RDWR))).toBe("EISDIR");
    expect(code(() => v.open("dir", O_CREAT))).toBe("EISDIR");
    expect(code(() => v.open("dir", O_RDONLY | O_TRUNC))).toBe("EISDIR");
    expect(code(() => v.open("dir", O_CREAT | O_EXCL | O_WRONLY))).toBe("EEXIST");
    expect(code(() => v.open("lf", O_NOFOLLOW))).toBe("ELOOP");
    expect(code(() => v.open("ld", O_NOFOLLOW | O_DIRECTORY))).toBe("ENOTDIR");
    expect(code(() => v.open("file", O_DIRECTORY))).toBe("ENOTDIR");
    expect(code(() => v.open("dangling", O_CREAT | O_EXCL | O_WRONLY))).toBe("EEXIST");
    expect(code(() => v.open("missing", O_RDONLY))).toBe("ENOENT");
    expect(code(() => v.open("file", 3))).toBe("EINVAL");
    v.close(v.open("dir", O_RDONLY | O_DIRECTORY));
  });

  it("O_CREAT through a dangling symlink creates its target", () => {
    const v = tree();
    v.close(v.open("dangling", O_CREAT | O_WRONLY, 0o600));
    expect(v.stat("nowhere").mode).toBe(S_IFREG | 0o600);
    expect(v.stat("dangling", false).mode & S_IFMT).toBe(S_IFLNK);
  });

  it("O_TRUNC empties, O_EXCL refuses an existing name, mode is kept as given less the umask", () => {
    const v = tree();
    v.close(v.open("file", O_WRONLY | O_TRUNC));
    expect(v.stat("file").size).toBe(0);
    expect(code(() => v.open("file", O_CREAT | O_EXCL | O_WRONLY))).toBe("EEXIST");
    v.close(v.open("m1", O_CREAT | O_WRONLY, 0o4777));
    expect(v.stat("m1").mode).toBe(S_IFREG | 0o4777);
    expect(v.umask(0o022)).toBe(0);
    v.close(v.open("m2", O_CREAT | O_WRONLY, 0o666));
    v.mkdir("d2", 0o777);
    expect(v.stat("m2").mode & 0o777).toBe(0o644);
    expect(v.stat("d2").mode & 0o777).toBe(0o755);
    expect(v.umask()).toBe(0o022);
  });
});

describe("directory operations", () => {
  it("mkdir", () => {
    const v = tree();
    expect(code(() => v.mkdir("dir/."))).toBe("EEXIST");
    expect(code(() => v.mkdir("nx/."))).toBe("ENOENT");
    expect(code(() => v.mkdir("dangling"))).toBe("EEXIST");
    expect(code(() => v.mkdir("file/x"))).toBe("ENOTDIR");
    expect(code(() => v.mkdir("missing/x"))).toBe("ENOENT");
    expect(code(() => v.mkdir("/"))).toBe("EEXIST");
    v.mkdir("x/");
    expect(v.readdir(".").some((e) => e.name === "x")).toBe(true);
  });

  it("rmdir and unlink", () => {
    const v = tree();
    expect(code(() => v.unlink("file/"))).toBe("ENOTDIR");
    expect(code(() => v.unlink("dir"))).toBe("EISDIR");
    expect(code(() => v.unlink("dir/"))).toBe("EISDIR");
    expect(code(() => v.unlink("."))).toBe("EISDIR");
    expect(code(() => v.unlink("ld/"))).toBe("ENOTDIR");
    expect(code(() => v.unlink("missing"))).toBe("ENOENT");
    expect(code(() => v.rmdir("file"))).toBe("ENOTDIR");
    expect(code(() => v.rmdir("dir/."))).toBe("EINVAL");
    expect(code(() => v.rmdir("dir/.."))).toBe("ENOTEMPTY");
    expect(code(() => v.rmdir("ld"))).toBe("ENOTDIR");
    expect(code(() => v.rmdir("ld/"))).toBe("ENOTDIR");
    expect(code(() => v.rmdir("full"))).toBe("ENOTEMPTY");
    expect(code(() => v.rmdir("missing"))).toBe("ENOENT");
    v.unlink("ld");                                                   // the link, not its target
    v.rmdir("dir/");
    expect(code(() => v.stat("dir"))).toBe("ENOENT");
  });

  it("rename", () => {
    const v = tree();
    expect(code(() => v.rename("file/", "z"))).toBe("ENOTDIR");
    expect(code(() => v.rename("file", "z/"))).toBe("ENOTDIR");
    expect(code(() => v.rename("dir", "dir/sub"))).toBe("EINVAL");
    expect(code(() => v.rename("dir", "ld/sub"))).toBe("EINVAL");
    expect(code(() => v.rename("dir", "file"))).toBe("ENOTDIR");
    expect(code(() => v.rename("file", "dir"))).toBe("EISDIR");
    expect(code(() => v.rename("dir", "full"))).toBe("ENOTEMPTY");
    expect(code(() => v.rename(".", "zz"))).toBe("EBUSY");
    expect(code(() => v.rename("dir/.", "zz"))).toBe("EBUSY");
    expect(code(() => v.rename("file", "dir/.."))).toBe("EBUSY");
    expect(code(() => v.rename("missing", "zz"))).toBe("ENOENT");
    expect(code(() => v.rename("file", "missing/zz"))).toBe("ENOENT");
    v.rename("file", "file");
    v.link("file", "hl");
    v.rename("file", "hl");                                           // two names of one inode: both stay
    expect([code(() => v.stat("file")), code(() => v.stat("hl"))]).toEqual(["ok", "ok"]);
    v.rename("dir/", "dirx/");
    v.rename("dangling", "d2");                                       // a symlink is renamed, not followed
    expect(v.readlink("d2")).toBe("nowhere");
  });

  it("link and symlink", () => {
    const v = tree();
    expect(code(() => v.link("dir", "dirlink"))).toBe("EPERM");
    v.link("lf", "lf2");                                              // links the symlink itself
    expect(v.stat("lf2", false).mode & S_IFMT).toBe(S_IFLNK);
    expect(code(() => v.link("file", "lf"))).toBe("EEXIST");
    expect(code(() => v.link("missing", "z"))).toBe("ENOENT");
    expect(code(() => v.link("file/", "z"))).toBe("ENOTDIR");
    expect(code(() => v.link("file", "z/"))).toBe("ENOENT");
    expect(code(() => v.symlink("t", "newlink/"))).toBe("ENOENT");
    expect(code(() => v.symlink("t", "file"))).toBe("EEXIST");
    expect(code(() => v.symlink("", "e"))).toBe("ENOENT");
    expect(code(() => v.symlink("x".repeat(4096), "e"))).toBe("ENAMETOOLONG");
    expect(v.stat("file").nlink).toBe(1);
    v.link("file", "hl");
    expect(v.stat("file").nlink).toBe(2);
  });

  it("readdir gives names and types, ENOTDIR for files and links to files", () => {
    const v = tree();
    const names = v.readdir(".").map((e) => `${e.name}:${e.type.toString(8)}`).sort();
    expect(names).toEqual(["dangling:120000", "dir:40000", "file:100000", "full:40000", "ld:120000", "lf:120000"]);
    expect(code(() => v.readdir("file"))).toBe("ENOTDIR");
    expect(code(() => v.readdir("lf"))).toBe("ENOTDIR");
    expect(v.readdir("ld")).toEqual([]);
  });

  it("access: root reads and writes everything, X_OK needs an x bit on files", () => {
    const v = tree();
    v.setattr("file", { mode: 0 });
    expect(readAll(v, "file")).toBe("0123456789");
    expect(code(() => v.access("file", X_OK))).toBe("EACCES");
    v.setattr("file", { mode: 0o010 });
    expect(code(() => v.access("file", X_OK))).toBe("ok");
    v.setattr("dir", { mode: 0 });
    expect(code(() => v.access("dir", X_OK))).toBe("ok");
    expect(code(() => v.access("dangling", 0))).toBe("ENOENT");
  });

  it("setattr by path follows unless told not to", () => {
    const v = tree();
    v.setattr("lf", { atime: { sec: 5, nsec: 6 }, mtime: { sec: 7, nsec: 8 } });
    expect(v.stat("file").mtime).toEqual({ sec: 7, nsec: 8 });
    v.setattr("dangling", { mtime: { sec: 1, nsec: 0 } }, false);
    expect(v.stat("dangling", false).mtime).toEqual({ sec: 1, nsec: 0 });
  });
});

describe("descriptors", () => {
  it("numbers from 3 up, the lowest free first; EBADF after close; EMFILE at the limit", () => {
    const v = tree({ maxFds: 6 });
    const a = v.open("file", O_RDONLY), b = v.open("file", O_RDONLY), c = v.open("file", O_RDONLY);
    expect([a, b, c]).toEqual([3, 4, 5]);
    expect(code(() => v.open("file", O_RDONLY))).toBe("EMFILE");
    expect(code(() => v.open("missing", O_RDONLY))).toBe("EMFILE");   // the descriptor is taken first, as Linux
    v.close(b);
    expect(v.open("file", O_RDONLY)).toBe(4);
    v.close(a);
    expect(code(() => v.close(a))).toBe("EBADF");
    expect(code(() => v.fstat(99))).toBe("EBADF");
    expect(v.open("file", O_RDONLY)).toBe(3);
  });

  it("reads and writes move the position; positional ones do not", () => {
    const v = tree();
    const fd = v.open("file", O_RDWR);
    const buf = new Uint8Array(4);
    expect(v.read(fd, buf, null)).toBe(4);
    expect(dec(buf)).toBe("0123");
    expect(v.read(fd, buf, 8)).toBe(2);
    expect(dec(buf.subarray(0, 2))).toBe("89");
    expect(v.read(fd, buf, null)).toBe(4);
    expect(dec(buf)).toBe("4567");
    v.write(fd, enc("AB"), null);
    v.write(fd, enc("Z"), 0);
    expect(v.read(fd, buf, null)).toBe(0);
    v.close(fd);
    expect(readAll(v, "file")).toBe("Z1234567AB");
  });

  it("O_APPEND writes at the end, positional writes included (Linux)", () => {
    const v = tree();
    const fd = v.open("file", O_WRONLY | O_APPEND);
    v.write(fd, enc("X"), 0);
    v.write(fd, enc("Y"), null);
    v.close(fd);
    expect(readAll(v, "file")).toBe("0123456789XY");
  });

  it("access modes: EBADF for the wrong direction, EISDIR reading a directory, EINVAL truncating read-only", () => {
    const v = tree();
    const r = v.open("file", O_RDONLY);
    const w = v.open("file", O_WRONLY);
    const d = v.open("dir", O_RDONLY);
    expect(code(() => v.write(r, enc("x"), null))).toBe("EBADF");
    expect(code(() => v.read(w, new Uint8Array(1), null))).toBe("EBADF");
    expect(code(() => v.read(d, new Uint8Array(1), null))).toBe("EISDIR");
    expect(code(() => v.ftruncate(r, 0))).toBe("EINVAL");
    expect(code(() => v.ftruncate(d, 0))).toBe("EINVAL");
    v.ftruncate(w, 3);
    expect(v.fstat(r).size).toBe(3);
  });

  it("an unlinked file stays usable while open and is freed at close", () => {
    const v = new Vfs();
    const t = new Tmpfs();
    v.mount("/t", t);
    const fd = v.open("/t/scratch", O_CREAT | O_RDWR, 0o600);
    v.unlink("/t/scratch");
    v.write(fd, enc("kept"), null);
    const buf = new Uint8Array(4);
    v.read(fd, buf, 0);
    expect(dec(buf)).toBe("kept");
    expect(v.fstat(fd).nlink).toBe(0);
    expect(t.usedBytes).toBe(4096);
    v.close(fd);
    expect(t.usedBytes).toBe(0);
    expect(t.usedInodes).toBe(1);
  });

  it("directory descriptors list their entries in chunks", () => {
    const v = tree();
    const fd = v.open("full", O_RDONLY | O_DIRECTORY);
    v.close(v.open("full/y", O_CREAT | O_WRONLY));
    expect(v.readdirFd(fd, 1).map((e) => e.name)).toEqual(["x"]);
    expect(v.readdirFd(fd, 5).map((e) => e.name)).toEqual(["y"]);
    expect(v.readdirFd(fd, 5)).toEqual([]);
    const f = v.open("file", O_RDONLY);
    expect(code(() => v.readdirFd(f, 1))).toBe("ENOTDIR");
  });
});

describe("stdio", () => {
  it("fd 1 and 2 write to their sinks, fd 0 reads end of file; they fstat as a character device", () => {
    const out: string[] = [], err: string[] = [];
    const v = new Vfs({ stdout: (b) => out.push(dec(b)), stderr: (b) => err.push(dec(b)) });
    expect(v.write(1, enc("to out"), null)).toBe(6);
    expect(v.write(2, enc("to err"), null)).toBe(6);
    expect(v.read(0, new Uint8Array(10), null)).toBe(0);
    expect(out).toEqual(["to out"]);
    expect(err).toEqual(["to err"]);
    expect(v.fstat(1).mode & S_IFMT).toBe(S_IFCHR);
    expect(code(() => v.write(0, enc("x"), null))).toBe("EBADF");
    expect(code(() => v.fsync(1, false))).toBe("EINVAL");
    const later: string[] = [];
    v.setStdio(1, (b) => later.push(dec(b)));
    v.write(1, enc("again"), null);
    expect(later).toEqual(["again"]);
  });

  it("a closed stdio descriptor is EBADF and is not reused by open", () => {
    const v = tree();
    v.close(1);
    expect(code(() => v.write(1, enc("x"), null))).toBe("EBADF");
    expect(v.open("file", O_RDONLY)).toBe(3);
  });
});
