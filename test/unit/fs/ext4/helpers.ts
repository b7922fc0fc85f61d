// test/unit/fs/ext4/helpers.ts — ext4 test support: host trees made in temp folders, images made from them with the
// host's mkfs.ext4, loaded into MemBlockDevice; the device's bytes saved back to a file for e2fsck -fn and debugfs;
// a fixed clock; walking a mounted volume into a manifest comparable with a host folder's.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mountExt4, type Ext4 } from "../../../../libos/fs/ext4/index.ts";
import { S_IFDIR, S_IFLNK, S_IFMT, S_IFREG, type Clock } from "../../../../libos/fs/types.ts";
import { crc32cTs } from "../../../../libos/fs/crc32c.ts";
import { debugfs, fsck, mkfsFrom } from "../../../helpers/ext4.ts";
import { MemBlockDevice, type MemBlockOptions } from "../../../sim/mem_block.ts";

export { debugfs, fsck };

/** A temp folder removed by the returned cleanup. */
export function tempDir(prefix = "ext4t-"): { dir: string; done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, done: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Bytes of an image made by mkfs.ext4 from `tree` (or empty); `index`: then e2fsck -fyD indexes its directories. */
export function makeImage(size: string, tree?: string, extra: string[] = [], index = false): Uint8Array {
  const t = tempDir("ext4img-");
  try {
    const img = join(t.dir, "img");
    mkfsFrom(img, size, tree, extra);
    if (index) spawnSync("/sbin/e2fsck", ["-fyD", img], { stdio: "pipe" });
    return new Uint8Array(readFileSync(img));
  } finally {
    t.done();
  }
}

/** A device over a copy of `image`. */
export function device(image: Uint8Array, o: MemBlockOptions = {}): MemBlockDevice {
  return new MemBlockDevice({ ...o, image });
}

/** A clock that advances 1.000000123 s per call from a fixed start (2026-01-01). */
export function fakeClock(start = 1767225600): Clock {
  let n = 0;
  return () => {
    n++;
    return { sec: start + n, nsec: (n * 123457) % 1e9 };
  };
}

export function mount(dev: MemBlockDevice, o: { readOnly?: boolean; cacheBytes?: number } = {}): Ext4 {
  return mountExt4(dev, { clock: fakeClock(), ...o });
}

/** Runs `e2fsck -fn` (and optionally a debugfs request) on bytes. */
export function check(bytes: Uint8Array, request?: string): { code: number; output: string; debug?: string } {
  const t = tempDir("ext4chk-");
  try {
    const img = join(t.dir, "img");
    writeFileSync(img, bytes);
    const r = fsck(img);
    return { ...r, debug: request ? debugBig(img, request) : undefined };
  } finally {
    t.done();
  }
}

function debugBig(img: string, request: string): string {
  return execFileSync("/sbin/debugfs", ["-R", request, img], { encoding: "latin1", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 256 << 20 });
}

/** Runs several debugfs requests on bytes (output as latin1: one char per byte). */
export function debug(bytes: Uint8Array, requests: string[]): string[] {
  const t = tempDir("ext4dbg-");
  try {
    const img = join(t.dir, "img");
    writeFileSync(img, bytes);
    return requests.map((r) => debugBig(img, r));
  } finally {
    t.done();
  }
}

/** Whether e2fsck's output is that of a clean volume (the five passes and the summary, nothing else). */
export function fsckClean(r: { code: number; output: string }): boolean {
  const lines = r.output.split("\n").filter((l) => l.trim() !== "");
  const ok = /^(e2fsck \d|Pass [1-5]|.*: \d+\/\d+ files .* blocks$)/;
  return r.code === 0 && lines.every((l) => ok.test(l));
}

/** Reads a whole file through the file system. */
export function readAll(fs: Ext4, ino: number): Uint8Array {
  const size = fs.getattr(ino).size;
  const out = new Uint8Array(size);
  let pos = 0;
  while (pos < size) {
    const n = fs.read(ino, pos, out.subarray(pos, Math.min(size, pos + (1 << 20))));
    if (n === 0) break;
    pos += n;
  }
  return out;
}

/** Resolves a path from the root. */
export function resolve(fs: Ext4, path: string): number {
  let ino = fs.rootIno;
  for (const part of path.split("/").filter(Boolean)) ino = fs.lookup(ino, part);
  return ino;
}

/** A manifest of the mounted tree: sorted lines of path, type, mode, uid, gid, size, crc or target. */
export function volumeManifest(fs: Ext4, withTimes = false): string[] {
  const out: string[] = [];
  const visit = (dir: number, rel: string, depth: number) => {
    if (depth > 64) throw new Error("too deep");
    for (const e of fs.readdir(dir).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (rel === "" && e.name === "lost+found") continue;
      const a = fs.getattr(e.ino);
      const p = rel ? `${rel}/${e.name}` : e.name;
      const t = a.mode & S_IFMT;
      let extra = "";
      if (t === S_IFREG) extra = `size=${a.size} crc=${a.size > 64 << 20 ? "big" : (~crc32cTs(0xffffffff, readAll(fs, e.ino)) >>> 0).toString(16)} nlink=${a.nlink}`;
      else if (t === S_IFLNK) extra = `target=${fs.readlink(e.ino)}`;
      const times = withTimes ? ` mtime=${a.mtime.sec}.${String(a.mtime.nsec).padStart(9, "0")}` : "";
      out.push(`${p} type=${t.toString(8)} mode=${(a.mode & 0o7777).toString(8)} uid=${a.uid} gid=${a.gid} ${extra}${times}`);
      if (t === S_IFDIR) visit(e.ino, p, depth + 1);
    }
  };
  visit(fs.rootIno, "", 0);
  return out;
}
