// Path resolution in the VFS (libos/fs/vfs): absolute and relative paths, "." and "..", symlinks (relative,
// absolute, chains, loops, 40 at most), trailing slashes, name and path length limits — with Linux's error codes
// (each expectation below was checked against Linux 6 through host Node).
import { describe, expect, it } from "vitest";
import { Tmpfs } from "../../../../libos/fs/tmpfs/index.ts";
import { FsError, S_IFDIR, S_IFLNK, S_IFMT, S_IFREG } from "../../../../libos/fs/types.ts";
import { O_CREAT, O_WRONLY, Vfs } from "../../../../libos/fs/vfs/index.ts";

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof FsError)) throw e;
    return e.code;
  }
  return "ok";
}

/** A VFS with a tmpfs at /w holding: file, dir/, dir/inner, lf -> file, ld -> dir, abs -> /w/dir, dangling -> nowhere. */
function tree(): Vfs {
  const v = new Vfs();
  v.mount("/w", new Tmpfs());
  v.chdir("/w");
  const fd = v.open("file", O_CREAT | O_WRONLY, 0o644);
  v.write(fd, new TextEncoder().encode("data"), null);
  v.close(fd);
  v.mkdir("dir");
  v.close(v.open("dir/inner", O_CREAT | O_WRONLY));
  v.symlink("file", "lf");
  v.symlink("dir", "ld");
  v.symlink("/w/dir", "abs");
  v.symlink("nowhere", "dangling");
  return v;
}

const type = (v: Vfs, p: string, follow = true) => v.stat(p, follow).mode & S_IFMT;

describe("components, . and ..", () => {
  it("resolves absolute and relative paths to the same inode", () => {
    const v = tree();
    const ino = v.stat("/w/dir/inner").ino;
    expect(v.stat("dir/inner").ino).toBe(ino);
    expect(v.stat("./dir/./inner").ino).toBe(ino);
    expect(v.stat("dir//inner").ino).toBe(ino);
    expect(v.stat("/w/../w/dir/../dir/inner").ino).toBe(ino);
    expect(v.stat("../../../w/dir/inner").ino).toBe(ino);             // ".." of "/" is "/"
  });

  it("a file used as a directory is ENOTDIR, a missing one ENOENT, the empty path ENOENT", () => {
    const v = tree();
    expect(code(() => v.stat("file/x"))).toBe("ENOTDIR");
    expect(code(() => v.stat("file/.."))).toBe("ENOTDIR");
    expect(code(() => v.stat("file/"))).toBe("ENOTDIR");
    expect(code(() => v.stat("missing/x"))).toBe("ENOENT");
    expect(code(() => v.stat(""))).toBe("ENOENT");
  });

  it("names over 255 bytes and paths of 4096 bytes or more are ENAMETOOLONG (counted in UTF-8 bytes)", () => {
    const v = tree();
    expect(code(() => v.stat("a".repeat(255)))).toBe("ENOENT");
    expect(code(() => v.stat("a".repeat(256)))).toBe("ENAMETOOLONG");
    expect(code(() => v.stat("é".repeat(128)))).toBe("ENAMETOOLONG");        // 256 bytes in 128 characters
    expect(type(v, "/".repeat(4095))).toBe(S_IFDIR);
    expect(code(() => v.stat("/".repeat(4096)))).toBe("ENAMETOOLONG");
    expect(code(() => v.stat("./" + "x".repeat(4094)))).toBe("ENAMETOOLONG");
  });
});

describe("symlinks", () => {
  it("stat follows, lstat does not; relative targets resolve from the link's directory, absolute from /", () => {
    const v = tree();
    expect(type(v, "lf")).toBe(S_IFREG);
    expect(type(v, "lf", false)).toBe(S_IFLNK);
    expect(v.stat("lf", false).size).toBe(4);                        // the target's length
    expect(v.stat("ld/inner").ino).toBe(v.stat("dir/inner").ino);
    expect(v.stat("abs/inner").ino).toBe(v.stat("dir/inner").ino);
    v.symlink("../file", "dir/up");
    expect(v.stat("dir/up").ino).toBe(v.stat("file").ino);
    expect(v.stat("ld/up").ino).toBe(v.stat("file").ino);
    expect(v.stat("ld/..").ino).toBe(v.stat(".").ino);               // ".." after a link is the target's parent
    expect(v.readlink("abs")).toBe("/w/dir");
    expect(code(() => v.readlink("file"))).toBe("EINVAL");
  });

  it("a trailing slash follows a final symlink and needs a directory", () => {
    const v = tree();
    expect(type(v, "ld/", false)).toBe(S_IFDIR);
    expect(code(() => v.stat("lf/", false))).toBe("ENOTDIR");
    expect(code(() => v.readlink("ld/"))).toBe("EINVAL");
  });

  it("dangling links are ENOENT through, but lstat sees them", () => {
    const v = tree();
    expect(code(() => v.stat("dangling"))).toBe("ENOENT");
    expect(type(v, "dangling", false)).toBe(S_IFLNK);
  });

  it("40 links are followed, the 41st is ELOOP; a cycle is ELOOP", () => {
    const v = tree();
    v.symlink("file", "l0");
    for (let i = 1; i <= 40; i++) v.symlink(`l${i - 1}`, `l${i}`);
    expect(v.stat("l39").ino).toBe(v.stat("file").ino);               // 40 links
    expect(code(() => v.stat("l40"))).toBe("ELOOP");                  // 41
    v.symlink("c2", "c1");
    v.symlink("c1", "c2");
    expect(code(() => v.stat("c1"))).toBe("ELOOP");
    expect(type(v, "c1", false)).toBe(S_IFLNK);
  });

  it("realpath removes links, dots and extra slashes", () => {
    const v = tree();
    expect(v.realpath("ld/../abs//inner")).toBe("/w/dir/inner");
    expect(v.realpath(".")).toBe("/w");
    expect(v.realpath("/")).toBe("/");
    expect(code(() => v.realpath("dangling"))).toBe("ENOENT");
  });
});

describe("the working directory", () => {
  it("chdir stores the physical path; relative paths use it", () => {
    const v = tree();
    v.chdir("ld");
    expect(v.cwd()).toBe("/w/dir");
    expect(v.stat("inner").ino).toBe(v.stat("/w/dir/inner").ino);
    v.chdir("..");
    expect(v.cwd()).toBe("/w");
    expect(code(() => v.chdir("file"))).toBe("ENOTDIR");
    expect(code(() => v.chdir("missing"))).toBe("ENOENT");
    expect(v.cwd()).toBe("/w");
  });

  it("in a removed working directory relative names are ENOENT (creating one too, as on Linux)", () => {
    const v = tree();
    v.mkdir("gone");
    v.chdir("gone");
    v.rmdir("/w/gone");
    expect(code(() => v.stat("x"))).toBe("ENOENT");
    expect(code(() => v.open("x", O_CREAT | O_WRONLY))).toBe("ENOENT");
    expect(type(v, "/w")).toBe(S_IFDIR);
  });
});
