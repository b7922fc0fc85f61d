// boot/image/assets.ts packs folders of an app; libos/fs/assets serves them back as a read-only FileSystem. Round
// trip over a real folder: tree, bytes, modes, symlinks, reproducibility, refusals, EROFS on every change.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packAssets } from "../../../boot/image/assets.ts";
import { AssetFs } from "../../../libos/fs/assets/index.ts";
import { FsError, S_IFDIR, S_IFLNK, S_IFMT, S_IFREG } from "../../../libos/fs/types.ts";

let root: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "unijs-assets-"));
  mkdirSync(join(root, "public/css"), { recursive: true });
  mkdirSync(join(root, "views"));
  mkdirSync(join(root, "src"));
  writeFileSync(join(root, "public/index.html"), "<h1>héllo</h1>\n");
  writeFileSync(join(root, "public/css/site.css"), "body{}");
  writeFileSync(join(root, "public/run.sh"), "#!/bin/sh\n");
  chmodSync(join(root, "public/run.sh"), 0o755);
  writeFileSync(join(root, "public/big.bin"), Buffer.alloc(300_000, 7));
  symlinkSync("index.html", join(root, "public/home.html"));
  writeFileSync(join(root, "views/page.ejs"), "<%= x %>");
  writeFileSync(join(root, "src/secret.ts"), "not packed");
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function mount(dirs: string[]): AssetFs {
  const packed = packAssets(root, dirs, root);
  return new AssetFs({ index: () => packed.index, read: (off, into) => { into.set(packed.data.subarray(off, off + into.length)); return Math.min(into.length, packed.data.length - off); } });
}

function walk(fs: AssetFs, path: string): number {
  let ino = fs.rootIno;
  for (const part of path.split("/").filter(Boolean)) ino = fs.lookup(ino, part);
  return ino;
}

describe("packed app files", () => {
  it("keep their tree, bytes, modes and symlinks below the app root; only the folders asked for", () => {
    const fs = mount(["public", "views"]);
    expect(fs.readdir(fs.rootIno).map((e) => e.name).sort()).toEqual(["public", "views"]);
    expect(fs.readdir(walk(fs, "public")).map((e) => [e.name, e.type]).sort()).toEqual([
      ["big.bin", S_IFREG], ["css", S_IFDIR], ["home.html", S_IFLNK], ["index.html", S_IFREG], ["run.sh", S_IFREG]]);
    const html = walk(fs, "public/index.html");
    const buf = new Uint8Array(100);
    const n = fs.read(html, 0, buf);
    expect(Buffer.from(buf.subarray(0, n)).toString()).toBe("<h1>héllo</h1>\n");
    expect(fs.getattr(html)).toMatchObject({ mode: S_IFREG | 0o644, size: 16, nlink: 1 });
    expect(fs.getattr(walk(fs, "public/run.sh")).mode).toBe(S_IFREG | 0o755);
    expect(fs.getattr(walk(fs, "public")).mode & S_IFMT).toBe(S_IFDIR);
    expect(fs.readlink(walk(fs, "public/home.html"))).toBe("index.html");
    expect(() => fs.lookup(fs.rootIno, "src")).toThrow(FsError);
  });

  it("reads at any offset, short at the end, nothing past it", () => {
    const fs = mount(["public"]);
    const big = walk(fs, "public/big.bin");
    const buf = new Uint8Array(1000);
    expect(fs.read(big, 299_500, buf)).toBe(500);
    expect(buf[499]).toBe(7);
    expect(fs.read(big, 300_000, buf)).toBe(0);
    expect(fs.read(walk(fs, "public/css/site.css"), 2, buf)).toBe(4);
    expect(Buffer.from(buf.subarray(0, 4)).toString()).toBe("dy{}");
  });

  it("is the same bytes every time (sorted, fixed modes and times)", () => {
    expect(packAssets(root, ["views", "public"], root).index).toBe(packAssets(root, ["public", "views"], root).index);
    expect(JSON.parse(packAssets(root, ["public"], root).index).time).toBe(Number(process.env.SOURCE_DATE_EPOCH ?? 0));
  });

  it("refuses a missing folder, a file, a folder outside the app, and a symlink leaving it", () => {
    expect(() => packAssets(root, ["nope"], root)).toThrow(/no such folder/);
    expect(() => packAssets(root, ["public/index.html"], root)).toThrow(/not a folder/);
    expect(() => packAssets(join(root, "public"), ["../views"], join(root, "public"))).toThrow(/inside the app's folder/);
    symlinkSync("../../src/secret.ts", join(root, "views/leak.ts"));
    try {
      expect(() => packAssets(root, ["views"], root)).toThrow(/points outside/);
    } finally {
      rmSync(join(root, "views/leak.ts"));
    }
  });

  it("is read-only: every change is EROFS", () => {
    const fs = mount(["public"]);
    const dir = walk(fs, "public");
    for (const f of [() => fs.create(dir, "x", 0o644, 0, 0), () => fs.unlink(dir, "index.html"),
      () => fs.write(walk(fs, "public/index.html"), 0, new Uint8Array(1)), () => fs.mkdir(dir, "d", 0o755, 0, 0),
      () => fs.setattr(dir, { mode: 0o700 }), () => fs.rename(dir, "index.html", dir, "y")]) {
      expect(f).toThrow(expect.objectContaining({ code: "EROFS" }));
    }
  });

  it("an image without embedded files mounts as an empty folder; a corrupt index is EUCLEAN", () => {
    const empty = new AssetFs({ index: () => "", read: () => 0 });
    expect(empty.readdir(empty.rootIno)).toEqual([]);
    expect(() => new AssetFs({ index: () => "{not json", read: () => 0 })).toThrow(expect.objectContaining({ code: "EUCLEAN" }));
    expect(() => new AssetFs({ index: () => '{"v":1,"entries":[["a/b",33188,0,0]]}', read: () => 0 }))
      .toThrow(/before its folder/);
  });
});
