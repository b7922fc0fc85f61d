// Host-made volumes read exactly: mkfs.ext4 -d builds images (1 KiB and 4 KiB blocks) from a varied host tree, and
// the mounted volume's manifest (types, modes, owners, sizes, contents, link counts, symlink targets) equals the
// host folder's; a 10,000-entry indexed directory, sparse files and data beyond 4 GiB, nanosecond times set by
// debugfs, read-only mounts and feature refusal.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { writeFileSync } from "node:fs";
import { S_IFREG } from "../../../../libos/fs/types.ts";
import { buildTree, hostManifest, pattern } from "./host_tree.ts";
import { debug, device, makeImage, mount, readAll, resolve, tempDir, volumeManifest, check, fsckClean } from "./helpers.ts";
import { mountExt4 } from "../../../../libos/fs/ext4/index.ts";
import { SB, setSuperblockChecksum } from "../../../../libos/fs/ext4/superblock.ts";
import { set32, u32 } from "../../../../libos/fs/ext4/le.ts";

let tree: ReturnType<typeof tempDir>;
let host: string[];

beforeAll(() => {
  tree = tempDir();
  buildTree(tree.dir, { bigDir: 10_000, huge: true });
  host = hostManifest(tree.dir);
});
afterAll(() => tree.done());

describe.each(["4096", "1024"])("a host-made volume with %s-byte blocks", (bs) => {
  let img: Uint8Array;
  beforeAll(() => {
    img = makeImage("64M", tree.dir, ["-b", bs], true);
  });

  it("reads the whole tree exactly as the host has it", () => {
    const fs = mount(device(img), { readOnly: true });
    expect(volumeManifest(fs)).toEqual(host);
  });

  it("finds every entry of a 10,000-entry indexed directory by name and lists them all", () => {
    const fs = mount(device(img), { readOnly: true });
    const many = resolve(fs, "many");
    const [stat] = debug(img, ["stat /many"]);
    expect(stat).toMatch(/Flags: 0x81000/);
    const names = fs.readdir(many).map((e) => e.name);
    expect(names.length).toBe(10_000);
    expect(new Set(names).size).toBe(10_000);
    for (let k = 0; k < 10_000; k += 7) expect(fs.lookup(many, `entry-${k}`)).toBeGreaterThan(10);
    expect(() => fs.lookup(many, "entry-10000")).toThrow(/ENOENT/);
    expect(new TextDecoder().decode(readAll(fs, fs.lookup(many, "entry-9950")))).toBe("9950");
  });

  it("reads holes as zeros, data beyond 4 GiB, and partial ranges", () => {
    const fs = mount(device(img), { readOnly: true });
    const sp = resolve(fs, "sparse.bin");
    const a = fs.getattr(sp);
    expect(a.size).toBe(4_000_000);
    expect(a.blocks * 512).toBeLessThan(64 * 1024);
    const buf = new Uint8Array(200);
    expect(fs.read(sp, 99_900, buf)).toBe(200);
    expect(buf.subarray(0, 100).every((x) => x === 0)).toBe(true);
    expect(buf.subarray(100)).toEqual(pattern(5000, 3).subarray(0, 100));
    expect(fs.read(sp, 3_999_990, new Uint8Array(100))).toBe(10);
    expect(fs.read(sp, 4_000_000, new Uint8Array(100))).toBe(0);
    const huge = resolve(fs, "huge.bin");
    expect(fs.getattr(huge).size).toBe(5 * 2 ** 30 + 10123);
    const tail = new Uint8Array(10000);
    expect(fs.read(huge, 5 * 2 ** 30 + 123, tail)).toBe(10000);
    expect(tail).toEqual(pattern(10000, 6));
    const mid = new Uint8Array(4096);
    mid.fill(1);
    fs.read(huge, 2 ** 32, mid);
    expect(mid.every((x) => x === 0)).toBe(true);
  });

  it("reports owners, modes, link counts and times", () => {
    const fs = mount(device(img), { readOnly: true });
    const o = fs.getattr(resolve(fs, "owned"));
    expect(o).toMatchObject({ uid: 1234, gid: 5678, mode: S_IFREG | 0o640, nlink: 1 });
    expect(o.mtime.sec).toBe(1_700_000_000);
    expect(fs.getattr(resolve(fs, "setuid")).mode & 0o7777).toBe(0o4755);
    expect(fs.getattr(resolve(fs, "hard-link")).nlink).toBe(2);
    expect(resolve(fs, "hard-link")).toBe(resolve(fs, "small.bin"));
    expect(fs.getattr(resolve(fs, "fast-link")).size).toBe("small.bin".length);
    expect(fs.readlink(resolve(fs, "slow-link"))).toBe(`${"long-target/".repeat(20)}end`);
    expect(() => fs.readlink(resolve(fs, "small.bin"))).toThrow(/EINVAL/);
    expect(fs.statfs()).toMatchObject({ type: 0xef53, bsize: Number(bs), namelen: 255 });
  });

  it("reads nanosecond timestamps and times past 2038 (epoch bits) as debugfs set them", () => {
    const t = tempDir();
    try {
      const p = join(t.dir, "img");
      writeFileSync(p, img);
      const { execFileSync } = require("node:child_process") as typeof import("node:child_process");
      execFileSync("/sbin/debugfs", ["-w", "-R", "sif /small.bin mtime_extra 0x5", p], { stdio: "pipe" });
      execFileSync("/sbin/debugfs", ["-w", "-R", "sif /small.bin ctime_extra 0x9502f9000", p], { stdio: "pipe" });
      const bytes = new Uint8Array(require("node:fs").readFileSync(p));
      const fs = mount(device(bytes), { readOnly: true });
      const a = fs.getattr(resolve(fs, "small.bin"));
      expect(a.mtime.nsec).toBe(1);
      expect(a.mtime.sec).toBeGreaterThan(2 ** 32);
    } finally {
      t.done();
    }
  });
});

describe("mount decisions", () => {
  const base = makeImage("8M");

  function withFeature(off: number, bit: number): Uint8Array {
    const img = base.slice();
    const sb = img.subarray(1024, 2048);
    set32(sb, off, (u32(sb, off) | bit) >>> 0);
    setSuperblockChecksum(sb);
    return img;
  }

  it("refuses an unimplemented incompat feature, naming it", () => {
    for (const [bit, name] of [[0x8000, "inline_data"], [0x10000, "encrypt"], [0x20000, "casefold"], [0x10, "meta_bg"]] as const) {
      expect(() => mountExt4(device(withFeature(SB.featureIncompat, bit)))).toThrow(new RegExp(`EOPNOTSUPP.*${name}`));
    }
  });

  it("mounts read-only with an unknown ro_compat feature", () => {
    const fs = mountExt4(device(withFeature(SB.featureRoCompat, 0x40000000)));
    expect(fs.readOnly).toBe(true);
    expect(fs.readOnlyReason).toMatch(/0x40000000/);
    expect(() => fs.create(fs.rootIno, "x", 0o644, 0, 0)).toThrow(/EROFS/);
  });

  it("refuses a device without an ext4 superblock, and a wrong superblock checksum", () => {
    expect(() => mountExt4(device(new Uint8Array(1 << 20)))).toThrow(/EINVAL.*magic/);
    const img = base.slice();
    img[1024 + SB.volumeName] ^= 1;
    expect(() => mountExt4(device(img))).toThrow(/EUCLEAN.*superblock: checksum/);
  });

  it("a read-only mount writes nothing", () => {
    const dev = device(base);
    const fs = mount(dev, { readOnly: true });
    fs.readdir(fs.rootIno);
    fs.unmount();
    expect(dev.writes).toBe(0);
    expect(fsckClean(check(dev.disk))).toBe(true);
  });
});
