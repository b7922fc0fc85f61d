// test/helpers/ext4.ts — the host's own ext4 tools for tests: make a volume from a folder (mkfs.ext4 -d), check it
// (e2fsck -fn: no changes, exit 0 means clean), copy a volume's tree out (debugfs rdump), and a manifest of a host
// folder in the format test/fixtures/fs-manifest prints inside a guest (one JSON line per entry, sorted by path:
// type, permission bits, owner, link count, mtime in ns, size and CRC-32C of files, targets of symlinks).
import { execFileSync, spawnSync } from "node:child_process";
import { closeSync, lstatSync, openSync, readdirSync, readlinkSync, readSync } from "node:fs";
import { join } from "node:path";
import { crc32cTs } from "../../libos/fs/crc32c.ts";

const MKFS = "/usr/sbin/mkfs.ext4", E2FSCK = "/sbin/e2fsck", DEBUGFS = "/sbin/debugfs";

/** Makes `image` (a sparse file of `size`, e.g. "64M") holding `tree` as mkfs.ext4 builds it by default. */
export function mkfsFrom(image: string, size: string, tree?: string, extra: string[] = []): void {
  execFileSync(MKFS, ["-q", "-F", ...(tree ? ["-d", tree] : []), ...extra, image, size], { stdio: "pipe" });
}

/** `e2fsck -fn`: the volume is checked without being changed. Returns its exit code and output (0 = clean). */
export function fsck(image: string): { code: number; output: string } {
  const r = spawnSync(E2FSCK, ["-fn", image], { encoding: "utf8" });
  return { code: r.status ?? -1, output: `${r.stdout}${r.stderr}` };
}

/** Copies the volume's whole tree into `into` (debugfs rdump; owners and modes as far as the host allows). */
export function rdump(image: string, into: string): void {
  execFileSync(DEBUGFS, ["-R", `rdump / ${into}`, image], { stdio: "pipe" });
}

/** Runs one debugfs request and returns its output. */
export function debugfs(image: string, request: string): string {
  return execFileSync(DEBUGFS, ["-R", request, image], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** As the fixture: CRC-32C of the bytes; beyond 64 MiB only of the first and last MiB. */
function contentCrc(path: string, size: number): number {
  const fd = openSync(path, "r");
  const buf = Buffer.alloc(1 << 20);
  try {
    let crc = 0xffffffff;
    const ranges = size > 64 << 20 ? [[0, 1 << 20], [size - (1 << 20), size]] : [[0, size]];
    for (const [from, to] of ranges) {
      for (let pos = from; pos < to;) {
        const n = readSync(fd, buf, 0, Math.min(buf.length, to - pos), pos);
        if (n === 0) break;
        crc = crc32cTs(crc, buf, 0, n);
        pos += n;
      }
    }
    return ~crc >>> 0;
  } finally {
    closeSync(fd);
  }
}

/** The manifest lines of a host folder, as test/fixtures/fs-manifest prints them for a guest's. */
export function manifest(root: string): string[] {
  const lines: string[] = [];
  const visit = (dir: string, rel: string) => {
    for (const name of readdirSync(dir).sort()) {
      if (rel === "" && name === "lost+found") continue;
      const path = join(dir, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = lstatSync(path, { bigint: true });
      const type = st.isDirectory() ? "dir" : st.isSymbolicLink() ? "link" : st.isFile() ? "file" : "other";
      const line: Record<string, unknown> = {
        path: r, type, mode: Number(st.mode & 0o7777n), uid: Number(st.uid), gid: Number(st.gid),
        nlink: type === "dir" ? undefined : Number(st.nlink), mtimeNs: String(st.mtimeNs),
      };
      if (type === "file") { line.size = Number(st.size); line.crc = contentCrc(path, Number(st.size)); }
      if (type === "link") line.target = readlinkSync(path);
      lines.push(JSON.stringify(line));
      if (type === "dir") visit(path, r);
    }
  };
  visit(root, "");
  return lines;
}

/** The manifest lines a guest printed (between the start of the output and "MANIFEST-END n"). */
export function guestManifest(output: string): { lines: string[]; count: number } {
  const end = /MANIFEST-END (\d+)/.exec(output);
  const lines = output.split("\n").filter((l) => l.startsWith("{\"path\""));
  return { lines, count: end ? Number(end[1]) : -1 };
}
