// The VFS's mount table: a root of directories that hold mount points, dev numbers per mount, mounts shadowing
// what is under them, ".." across mount points, EXDEV and EBUSY, EROFS on read-only mounts (in Linux's order
// relative to EEXIST and ENOENT), unmount and its refusals.
import { describe, expect, it } from "vitest";
import { Tmpfs } from "../../../../libos/fs/tmpfs/index.ts";
import { FsError, S_IFDIR, S_IFMT } from "../../../../libos/fs/types.ts";
import { O_CREAT, O_RDONLY, O_RDWR, O_TRUNC, O_WRONLY, R_OK, Vfs, W_OK } from "../../../../libos/fs/vfs/index.ts";

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof FsError)) throw e;
    return e.code;
  }
  return "ok";
}

const touch = (v: Vfs, p: string) => v.close(v.open(p, O_CREAT | O_WRONLY, 0o644));

describe("the root and mount points", () => {
  it("an empty root lists the mount points and refuses changes with EROFS", () => {
    const v = new Vfs();
    v.mount("/tmp", new Tmpfs());
    v.mount("/data/disk", new Tmpfs());
    expect(v.readdir("/").map((e) => e.name).sort()).toEqual(["data", "tmp"]);
    expect(v.readdir("/data").map((e) => e.name)).toEqual(["disk"]);
    expect(code(() => v.mkdir("/x"))).toBe("EROFS");
    expect(code(() => v.mkdir("/tmp"))).toBe("EEXIST");
    expect(code(() => touch(v, "/x"))).toBe("EROFS");
    expect(code(() => v.unlink("/nothing"))).toBe("EROFS");        // Linux: EROFS before ENOENT for removals
    expect(v.mounts().map((m) => [m.path, m.type])).toEqual([["/", "rootfs"], ["/tmp", "tmpfs"], ["/data/disk", "tmpfs"]]);
  });

  it("each mount has its own dev; a mount point shows the mounted root; .. leaves the mount", () => {
    const v = new Vfs();
    const a = new Tmpfs();
    v.mount("/a", a);
    v.mkdir("/a/sub");
    v.mount("/a/sub", new Tmpfs());
    touch(v, "/a/sub/f");
    const devs = [v.stat("/").dev, v.stat("/a").dev, v.stat("/a/sub").dev];
    expect(new Set(devs).size).toBe(3);
    expect(v.stat("/a/sub").ino).toBe(v.stat("/a/sub/.").ino);
    expect(v.stat("/a/sub/..").dev).toBe(devs[1]);
    expect(v.stat("/a/sub/../..").dev).toBe(devs[0]);
    expect(v.realpath("/a/sub/f")).toBe("/a/sub/f");
    v.chdir("/a/sub");
    expect(v.stat("..").dev).toBe(devs[1]);
  });

  it("a mount hides what the directory held until it is unmounted", () => {
    const v = new Vfs();
    v.mount("/a", new Tmpfs());
    v.mkdir("/a/m");
    touch(v, "/a/m/under");
    const t = new Tmpfs();
    v.mount("/a/m", t);
    expect(v.readdir("/a/m")).toEqual([]);
    expect(code(() => v.stat("/a/m/under"))).toBe("ENOENT");
    v.unmount("/a/m");
    expect(v.readdir("/a/m").map((e) => e.name)).toEqual(["under"]);
    expect(code(() => t.getattr(t.rootIno))).toBe("EIO");             // unmounted cleanly
  });

  it("mounts stack: the newest wins, and unmounting it shows the one below", () => {
    const v = new Vfs();
    v.mount("/m", new Tmpfs());
    touch(v, "/m/first");
    v.mount("/m", new Tmpfs());
    expect(v.readdir("/m")).toEqual([]);
    v.unmount("/m");
    expect(v.readdir("/m").map((e) => e.name)).toEqual(["first"]);
  });

  it("a file system mounted at / replaces the root for new lookups", () => {
    const v = new Vfs();
    v.mount("/", new Tmpfs());
    v.mkdir("/etc");
    touch(v, "/etc/hosts");
    expect(v.stat("/etc/hosts").mode & S_IFMT).not.toBe(S_IFDIR);
    expect(v.stat("/..").ino).toBe(v.stat("/").ino);
  });

  it("refuses bad mounts", () => {
    const v = new Vfs();
    const t = new Tmpfs();
    v.mount("/a", t);
    touch(v, "/a/file");
    expect(code(() => v.mount("relative", new Tmpfs()))).toBe("EINVAL");
    expect(code(() => v.mount("/b", t))).toBe("EBUSY");
    expect(code(() => v.mount("/a/file", new Tmpfs()))).toBe("ENOTDIR");
    expect(code(() => v.mount("/a/missing/x", new Tmpfs()))).toBe("ENOENT");
  });
});

describe("operations across and on mount points", () => {
  it("rename and link across mounts are EXDEV (rename before looking at names, as Linux)", () => {
    const v = new Vfs();
    v.mount("/a", new Tmpfs());
    v.mount("/b", new Tmpfs());
    touch(v, "/a/f");
    expect(code(() => v.rename("/a/f", "/b/f"))).toBe("EXDEV");
    expect(code(() => v.rename("/a/missing", "/b/f"))).toBe("EXDEV");
    expect(code(() => v.link("/a/f", "/b/f"))).toBe("EXDEV");
    expect(code(() => v.link("/a/missing", "/b/f"))).toBe("ENOENT");
  });

  it("removing or renaming a mount point is EBUSY", () => {
    const v = new Vfs();
    v.mount("/a", new Tmpfs());
    v.mkdir("/a/m");
    v.mkdir("/a/other");
    v.mount("/a/m", new Tmpfs());
    expect(code(() => v.rmdir("/a/m"))).toBe("EBUSY");
    expect(code(() => v.rename("/a/m", "/a/n"))).toBe("EBUSY");
    expect(code(() => v.rename("/a/other", "/a/m"))).toBe("EBUSY");
    expect(code(() => v.rmdir("/"))).toBe("EBUSY");
  });

  it("unmount refuses while files are open, mounts are inside, or the working directory is in it", () => {
    const v = new Vfs();
    v.mount("/a", new Tmpfs());
    touch(v, "/a/f");
    const fd = v.open("/a/f", O_RDONLY);
    expect(code(() => v.unmount("/a"))).toBe("EBUSY");
    v.close(fd);
    v.mkdir("/a/m");
    v.mount("/a/m", new Tmpfs());
    expect(code(() => v.unmount("/a"))).toBe("EBUSY");
    v.unmount("/a/m");
    v.chdir("/a/m");
    expect(code(() => v.unmount("/a"))).toBe("EBUSY");
    v.chdir("/");
    expect(code(() => v.unmount("/a/m"))).toBe("EINVAL");
    v.unmount("/a");
    expect(code(() => v.stat("/a/f"))).toBe("ENOENT");
  });

  it("unmountAll unmounts newest first", () => {
    const v = new Vfs();
    const order: string[] = [];
    for (const p of ["/a", "/a/b"]) {
      const t = new Tmpfs();
      const unmount = t.unmount.bind(t);
      t.unmount = () => { order.push(p); unmount(); };
      if (p === "/a/b") v.mkdir(p);
      v.mount(p, t);
    }
    expect(v.unmountAll()).toEqual([]);
    expect(order).toEqual(["/a/b", "/a"]);
    expect(v.mounts().map((m) => m.path)).toEqual(["/"]);
  });
});

describe("read-only mounts", () => {
  it("EROFS for every change, after EEXIST for creations and before ENOENT for removals", () => {
    const v = new Vfs();
    const t = new Tmpfs();
    v.mount("/rw", t);
    touch(v, "/rw/f");
    v.mkdir("/rw/d");
    v.unmount("/rw");
    const back = new Tmpfs();
    v.mount("/ro", back, { readOnly: true });
    expect(v.mounts().find((m) => m.path === "/ro")?.readOnly).toBe(true);
    expect(code(() => v.mkdir("/ro/x"))).toBe("EROFS");
    expect(code(() => v.mkdir("/ro"))).toBe("EEXIST");
    expect(code(() => v.open("/ro/x", O_CREAT | O_WRONLY))).toBe("EROFS");
    expect(code(() => v.unlink("/ro/x"))).toBe("EROFS");
    expect(code(() => v.rmdir("/ro/x"))).toBe("EROFS");
    expect(code(() => v.symlink("a", "/ro/x"))).toBe("EROFS");
    expect(code(() => v.setattr("/ro", { mode: 0o700 }))).toBe("EROFS");
    expect(code(() => v.access("/ro", W_OK))).toBe("EROFS");
    expect(code(() => v.access("/ro", R_OK))).toBe("ok");
    expect(code(() => v.open("/ro", O_RDWR))).toBe("EISDIR");
  });

  it("a read-only mount of a file system refuses writes and truncating opens but reads", () => {
    const v = new Vfs();
    const t = new Tmpfs();
    const ino = t.create(t.rootIno, "f", 0o644, 0, 0);
    t.write(ino, 0, new TextEncoder().encode("abc"));
    v.mount("/ro", t, { readOnly: true });
    expect(code(() => v.open("/ro/f", O_WRONLY))).toBe("EROFS");
    expect(code(() => v.open("/ro/f", O_RDONLY | O_TRUNC))).toBe("EROFS");
    const fd = v.open("/ro/f", O_RDONLY);
    const buf = new Uint8Array(8);
    expect(v.read(fd, buf, null)).toBe(3);
    expect(code(() => v.fsetattr(fd, { mode: 0o600 }))).toBe("EROFS");
    v.close(fd);
  });
});
