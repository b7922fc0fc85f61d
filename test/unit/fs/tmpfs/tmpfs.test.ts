// The RAM file system (libos/fs/tmpfs) through the FileSystem interface: names and types, sparse files, the size
// and inode limits, hard links and symlinks, rename's POSIX cases, times from the injected clock, retain/release.
import { describe, expect, it } from "vitest";
import { PAGE_SIZE, Tmpfs, TMPFS_MAGIC } from "../../../../libos/fs/tmpfs/index.ts";
import { FsError, S_IFDIR, S_IFLNK, S_IFMT, S_IFREG, type Timespec } from "../../../../libos/fs/types.ts";

/** A clock the test moves by hand. */
function manualClock(start = 1_700_000_000): { clock: () => Timespec; tick: (ns: number) => void } {
  let sec = start, nsec = 0;
  return {
    clock: () => ({ sec, nsec }),
    tick(ns: number) {
      nsec += ns;
      sec += Math.floor(nsec / 1e9);
      nsec %= 1e9;
    },
  };
}

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(FsError);
    return (e as FsError).code;
  }
  return "no error";
}

function readAll(fs: Tmpfs, ino: number): Uint8Array {
  const out = new Uint8Array(fs.getattr(ino).size);
  expect(fs.read(ino, 0, out)).toBe(out.length);
  return out;
}

describe("names, types and attributes", () => {
  it("creates files, directories and symlinks with the given modes and owners", () => {
    const fs = new Tmpfs({ clock: manualClock().clock });
    const root = fs.rootIno;
    const f = fs.create(root, "a.txt", 0o640, 1000, 100);
    const d = fs.mkdir(root, "dir", 0o750, 0, 0);
    const l = fs.symlink(root, "link", "a.txt", 0, 0);
    expect(fs.getattr(f)).toMatchObject({ ino: f, mode: S_IFREG | 0o640, nlink: 1, uid: 1000, gid: 100, size: 0, blocks: 0, blksize: 4096 });
    expect(fs.getattr(d)).toMatchObject({ mode: S_IFDIR | 0o750, nlink: 2, size: 40 });
    expect(fs.getattr(l)).toMatchObject({ mode: S_IFLNK | 0o777, size: 5 });
    expect(fs.readlink(l)).toBe("a.txt");
    expect(fs.lookup(root, "dir")).toBe(d);
    expect(fs.readdir(root).map((e) => [e.name, e.ino, e.type])).toEqual([
      ["a.txt", f, S_IFREG], ["dir", d, S_IFDIR], ["link", l, S_IFLNK],
    ]);
    expect(fs.getattr(root).nlink).toBe(3);
    expect(fs.getattr(root).size).toBe(40 + 3 * 20);
    expect(fs.getattr(root).mode).toBe(S_IFDIR | 0o1777);
  });

  it("inodeMode answers what getattr's mode says (the VFS's walk uses it)", () => {
    const fs = new Tmpfs();
    const f = fs.create(fs.rootIno, "f", 0o640, 0, 0);
    const l = fs.symlink(fs.rootIno, "l", "f", 0, 0);
    for (const ino of [fs.rootIno, f, l]) expect(fs.inodeMode(ino)).toBe(fs.getattr(ino).mode);
    expect(code(() => fs.inodeMode(999))).toBe("ENOENT");
  });

  it("refuses what POSIX refuses", () => {
    const fs = new Tmpfs();
    const root = fs.rootIno;
    const f = fs.create(root, "f", 0o644, 0, 0);
    const d = fs.mkdir(root, "d", 0o755, 0, 0);
    fs.create(d, "inner", 0o644, 0, 0);
    expect(code(() => fs.create(root, "f", 0o644, 0, 0))).toBe("EEXIST");
    expect(code(() => fs.mkdir(root, "d", 0o755, 0, 0))).toBe("EEXIST");
    expect(code(() => fs.lookup(root, "nope"))).toBe("ENOENT");
    expect(code(() => fs.lookup(f, "x"))).toBe("ENOTDIR");
    expect(code(() => fs.unlink(root, "d"))).toBe("EISDIR");
    expect(code(() => fs.rmdir(root, "f"))).toBe("ENOTDIR");
    expect(code(() => fs.rmdir(root, "d"))).toBe("ENOTEMPTY");
    expect(code(() => fs.link(d, root, "d2"))).toBe("EPERM");
    expect(code(() => fs.readlink(f))).toBe("EINVAL");
    expect(code(() => fs.read(d, 0, new Uint8Array(1)))).toBe("EISDIR");
    expect(code(() => fs.write(d, 0, bytes("x")))).toBe("EISDIR");
    expect(code(() => fs.getattr(9999))).toBe("ENOENT");
  });

  it("setattr changes mode bits, owners, size and times; ctime always moves", () => {
    const c = manualClock();
    const fs = new Tmpfs({ clock: c.clock });
    const f = fs.create(fs.rootIno, "f", 0o644, 0, 0);
    c.tick(5);
    fs.setattr(f, { mode: 0o4755, uid: 7, gid: 8 });
    let a = fs.getattr(f);
    expect(a.mode).toBe(S_IFREG | 0o4755);
    expect([a.uid, a.gid]).toEqual([7, 8]);
    expect(a.ctime).toEqual({ sec: 1_700_000_000, nsec: 5 });
    expect(a.mtime).toEqual({ sec: 1_700_000_000, nsec: 0 });
    fs.setattr(f, { uid: -1, gid: 9 });
    expect([fs.getattr(f).uid, fs.getattr(f).gid]).toEqual([7, 9]);
    c.tick(1);
    fs.setattr(f, { atime: { sec: 1, nsec: 2 }, mtime: "now" });
    a = fs.getattr(f);
    expect(a.atime).toEqual({ sec: 1, nsec: 2 });
    expect(a.mtime).toEqual({ sec: 1_700_000_000, nsec: 6 });
    fs.setattr(f, { size: 10 });
    expect(fs.getattr(f).size).toBe(10);
    expect(text(readAll(fs, f))).toBe("\0".repeat(10));
  });
});

describe("file data", () => {
  it("reads what was written, at any position, and stops at the end", () => {
    const fs = new Tmpfs();
    const f = fs.create(fs.rootIno, "f", 0o644, 0, 0);
    expect(fs.write(f, 0, bytes("hello world"))).toBe(11);
    fs.write(f, 6, bytes("WORLD!"));
    expect(text(readAll(fs, f))).toBe("hello WORLD!");
    const buf = new Uint8Array(8).fill(0xaa);
    expect(fs.read(f, 8, buf)).toBe(4);
    expect([...buf]).toEqual([...bytes("RLD!"), 0xaa, 0xaa, 0xaa, 0xaa]);   // bytes past the end untouched
    expect(fs.read(f, 12, buf)).toBe(0);
    expect(fs.read(f, 100, buf)).toBe(0);
  });

  it("keeps holes free: a byte written 1 GiB in uses one page and the rest reads as zeros", () => {
    const fs = new Tmpfs({ maxBytes: 64 * 1024 });
    const f = fs.create(fs.rootIno, "sparse", 0o644, 0, 0);
    fs.write(f, 1 << 30, bytes("Z"));
    const a = fs.getattr(f);
    expect(a.size).toBe((1 << 30) + 1);
    expect(a.blocks).toBe(8);
    expect(fs.usedBytes).toBe(PAGE_SIZE);
    const mid = new Uint8Array(10_000).fill(1);
    expect(fs.read(f, 500_000_000, mid)).toBe(10_000);
    expect(mid.every((b) => b === 0)).toBe(true);
    const end = new Uint8Array(3);
    expect(fs.read(f, (1 << 30) - 2, end)).toBe(3);
    expect([...end]).toEqual([0, 0, 0x5a]);
  });

  it("spans pages in one write and one read (unaligned)", () => {
    const fs = new Tmpfs();
    const f = fs.create(fs.rootIno, "f", 0o644, 0, 0);
    const data = new Uint8Array(3 * PAGE_SIZE + 123);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7) & 0xff;
    fs.write(f, PAGE_SIZE - 10, data);
    expect(fs.getattr(f).blocks).toBe(5 * 8);
    const back = new Uint8Array(data.length);
    fs.read(f, PAGE_SIZE - 10, back);
    expect(back).toEqual(data);
  });

  it("appending many small writes stays linear: 8 MiB in 4 KiB appends", () => {
    const fs = new Tmpfs();
    const f = fs.create(fs.rootIno, "log", 0o644, 0, 0);
    const chunk = new Uint8Array(4096).fill(3);
    for (let i = 0; i < 2048; i++) fs.write(f, i * 4096, chunk);
    expect(fs.getattr(f).size).toBe(8 << 20);
    expect(fs.usedBytes).toBe(8 << 20);
  });

  it("truncation frees pages and zeroes the tail, so growing again reads zeros", () => {
    const fs = new Tmpfs();
    const f = fs.create(fs.rootIno, "f", 0o644, 0, 0);
    fs.write(f, 0, new Uint8Array(3 * PAGE_SIZE).fill(9));
    fs.setattr(f, { size: 100 });
    expect(fs.usedBytes).toBe(PAGE_SIZE);
    fs.setattr(f, { size: 200 });
    const back = readAll(fs, f);
    expect(back.subarray(0, 100).every((b) => b === 9)).toBe(true);
    expect(back.subarray(100).every((b) => b === 0)).toBe(true);
    fs.setattr(f, { size: 0 });
    expect(fs.usedBytes).toBe(0);
  });

  it("writes update mtime and ctime; reads follow relatime", () => {
    const c = manualClock();
    const fs = new Tmpfs({ clock: c.clock });
    const f = fs.create(fs.rootIno, "f", 0o644, 0, 0);
    c.tick(1000);
    fs.write(f, 0, bytes("x"));
    expect(fs.getattr(f).mtime).toEqual({ sec: 1_700_000_000, nsec: 1000 });
    expect(fs.getattr(f).ctime).toEqual({ sec: 1_700_000_000, nsec: 1000 });
    c.tick(1000);
    fs.read(f, 0, new Uint8Array(1));            // atime (0) older than mtime: moves
    expect(fs.getattr(f).atime).toEqual({ sec: 1_700_000_000, nsec: 2000 });
    c.tick(1000);
    fs.read(f, 0, new Uint8Array(1));            // atime newer than mtime and ctime, under a day old: stays
    expect(fs.getattr(f).atime).toEqual({ sec: 1_700_000_000, nsec: 2000 });
    c.tick(86_400e9);
    fs.read(f, 0, new Uint8Array(1));            // a day later: moves
    expect(fs.getattr(f).atime.sec).toBe(1_700_086_400);
  });
});

describe("limits", () => {
  it("ENOSPC when data would exceed maxBytes; nothing of that write is stored; overwriting needs no space", () => {
    const fs = new Tmpfs({ maxBytes: 4 * PAGE_SIZE });
    const f = fs.create(fs.rootIno, "f", 0o644, 0, 0);
    fs.write(f, 0, new Uint8Array(3 * PAGE_SIZE).fill(1));
    expect(code(() => fs.write(f, 3 * PAGE_SIZE, new Uint8Array(PAGE_SIZE + 1)))).toBe("ENOSPC");
    expect(fs.getattr(f).size).toBe(3 * PAGE_SIZE);
    expect(fs.usedBytes).toBe(3 * PAGE_SIZE);
    fs.write(f, 0, new Uint8Array(3 * PAGE_SIZE).fill(2));          // rewrite in place
    fs.write(f, 3 * PAGE_SIZE, new Uint8Array(PAGE_SIZE));          // exactly full
    expect(fs.statfs()).toMatchObject({ type: TMPFS_MAGIC, bsize: PAGE_SIZE, blocks: 4, bfree: 0, bavail: 0 });
    fs.unlink(fs.rootIno, "f");
    expect(fs.statfs().bfree).toBe(4);
  });

  it("ENOSPC when the inode limit is reached (the root counts)", () => {
    const fs = new Tmpfs({ maxInodes: 3 });
    fs.create(fs.rootIno, "a", 0o644, 0, 0);
    fs.mkdir(fs.rootIno, "b", 0o755, 0, 0);
    expect(code(() => fs.symlink(fs.rootIno, "c", "a", 0, 0))).toBe("ENOSPC");
    expect(fs.statfs()).toMatchObject({ files: 3, ffree: 0 });
    fs.rmdir(fs.rootIno, "b");
    fs.symlink(fs.rootIno, "c", "a", 0, 0);
  });

  it("EFBIG past the largest file size", () => {
    const fs = new Tmpfs();
    const f = fs.create(fs.rootIno, "f", 0o644, 0, 0);
    expect(code(() => fs.write(f, Number.MAX_SAFE_INTEGER, bytes("x")))).toBe("EFBIG");
    expect(code(() => fs.setattr(f, { size: Number.MAX_SAFE_INTEGER }))).toBe("EFBIG");
  });
});

describe("links and rename", () => {
  it("hard links share the inode; the data lives until the last name goes", () => {
    const fs = new Tmpfs();
    const root = fs.rootIno;
    const f = fs.create(root, "a", 0o644, 0, 0);
    fs.write(f, 0, bytes("shared"));
    fs.link(f, root, "b");
    expect(fs.getattr(f).nlink).toBe(2);
    expect(fs.lookup(root, "b")).toBe(f);
    fs.unlink(root, "a");
    expect(fs.getattr(f).nlink).toBe(1);
    expect(text(readAll(fs, f))).toBe("shared");
    fs.unlink(root, "b");
    expect(code(() => fs.getattr(f))).toBe("ENOENT");
    expect(fs.usedBytes).toBe(0);
  });

  it("an unlinked file that is retained stays readable and writable until released", () => {
    const fs = new Tmpfs();
    const f = fs.create(fs.rootIno, "tmp", 0o600, 0, 0);
    fs.retain(f);
    fs.unlink(fs.rootIno, "tmp");
    fs.write(f, 0, bytes("still here"));
    expect(text(readAll(fs, f))).toBe("still here");
    expect(fs.getattr(f).nlink).toBe(0);
    expect(fs.usedInodes).toBe(2);
    fs.release(f);
    expect(code(() => fs.getattr(f))).toBe("ENOENT");
    expect(fs.usedBytes).toBe(0);
    expect(fs.usedInodes).toBe(1);
  });

  it("rename moves and replaces as POSIX says", () => {
    const fs = new Tmpfs();
    const root = fs.rootIno;
    const a = fs.create(root, "a", 0o644, 0, 0);
    const b = fs.create(root, "b", 0o644, 0, 0);
    fs.write(b, 0, bytes("old"));
    const d = fs.mkdir(root, "d", 0o755, 0, 0);
    const e = fs.mkdir(root, "e", 0o755, 0, 0);
    const full = fs.mkdir(root, "full", 0o755, 0, 0);
    fs.create(full, "x", 0o644, 0, 0);

    fs.rename(root, "a", root, "b");                 // file over file: the old one is freed
    expect(fs.lookup(root, "b")).toBe(a);
    expect(code(() => fs.lookup(root, "a"))).toBe("ENOENT");
    expect(fs.usedBytes).toBe(0);
    expect(code(() => fs.rename(root, "d", root, "b"))).toBe("ENOTDIR");
    expect(code(() => fs.rename(root, "b", root, "d"))).toBe("EISDIR");
    expect(code(() => fs.rename(root, "d", root, "full"))).toBe("ENOTEMPTY");
    expect(code(() => fs.rename(root, "zz", root, "y"))).toBe("ENOENT");
    fs.rename(root, "d", root, "e");                 // directory over empty directory
    expect(fs.lookup(root, "e")).toBe(d);
    expect(code(() => fs.getattr(e))).toBe("ENOENT");
    fs.rename(root, "e", full, "moved");             // directory into another: link counts follow
    expect(fs.getattr(full).nlink).toBe(3);
    expect(fs.getattr(root).nlink).toBe(3);          // ".", "..": root has full only as a subdirectory now
    fs.link(a, root, "b2");
    fs.rename(root, "b", root, "b2");                // two names of one inode: nothing happens
    expect(fs.lookup(root, "b")).toBe(a);
    expect(fs.getattr(a).nlink).toBe(2);
  });
});

describe("read-only and unmount", () => {
  it("a read-only tmpfs refuses every change with EROFS but reads", () => {
    const fs = new Tmpfs({ readOnly: true });
    expect(fs.readOnly).toBe(true);
    expect(code(() => fs.create(fs.rootIno, "x", 0o644, 0, 0))).toBe("EROFS");
    expect(code(() => fs.mkdir(fs.rootIno, "x", 0o755, 0, 0))).toBe("EROFS");
    expect(code(() => fs.setattr(fs.rootIno, { mode: 0o700 }))).toBe("EROFS");
    expect(fs.readdir(fs.rootIno)).toEqual([]);
  });

  it("after unmount every call fails with EIO", () => {
    const fs = new Tmpfs();
    fs.unmount();
    expect(code(() => fs.getattr(fs.rootIno))).toBe("EIO");
  });

  it("types the root as a directory", () => {
    const fs = new Tmpfs({ rootMode: 0o755 });
    expect(fs.getattr(fs.rootIno).mode & S_IFMT).toBe(S_IFDIR);
    expect(fs.getattr(fs.rootIno).mode & 0o7777).toBe(0o755);
  });
});
