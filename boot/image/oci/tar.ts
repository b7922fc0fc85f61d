// boot/image/oci/tar.ts — writes POSIX ustar archives in memory: the layers of the OCI images (`--oci`). Every
// entry belongs to root (uid/gid 0) and carries one fixed modification time, so the same files give the same bytes
// (and the same layer digest) on every build. Parents of each path get directory entries of their own.
// Layer: build tools (host only).

/** One file, directory or symbolic link of an archive. Paths are absolute in the image ("/usr/bin/x"). */
export type TarEntry =
  | { type: "file"; path: string; data: Uint8Array; mode?: number }
  | { type: "dir"; path: string; mode?: number }
  | { type: "symlink"; path: string; target: string };

const BLOCK = 512;

/** Writes `value` as a NUL-terminated octal field of `width` bytes. */
function octal(h: Buffer, at: number, width: number, value: number): void {
  const s = value.toString(8);
  if (s.length > width - 1) throw new RangeError(`tar: ${value} does not fit a ${width}-byte field`);
  h.write(s.padStart(width - 1, "0") + "\0", at, width, "latin1");
}

/** Splits a path into ustar's prefix (≤ 155 bytes) and name (≤ 100 bytes) at a slash. Throws if it cannot. */
function splitName(path: string): { prefix: string; name: string } {
  if (Buffer.byteLength(path) <= 100) return { prefix: "", name: path };
  for (let i = path.indexOf("/"); i >= 0; i = path.indexOf("/", i + 1)) {
    const prefix = path.slice(0, i), name = path.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100 && name) return { prefix, name };
  }
  throw new RangeError(`tar: the path '${path}' is too long for a ustar header`);
}

function header(path: string, typeflag: string, mode: number, size: number, mtime: number, link = ""): Buffer {
  const h = Buffer.alloc(BLOCK);
  const { prefix, name } = splitName(path);
  h.write(name, 0, 100, "utf8");
  octal(h, 100, 8, mode);
  octal(h, 108, 8, 0);
  octal(h, 116, 8, 0);
  octal(h, 124, 12, size);
  octal(h, 136, 12, mtime);
  h.write(typeflag, 156, 1, "latin1");
  if (Buffer.byteLength(link) > 100) throw new RangeError(`tar: the link target '${link}' is longer than 100 bytes`);
  h.write(link, 157, 100, "utf8");
  h.write("ustar\0" + "00", 257, 8, "latin1");
  h.write("root", 265, 32, "latin1");
  h.write("root", 297, 32, "latin1");
  h.write(prefix, 345, 155, "utf8");
  // The checksum counts its own field as eight spaces.
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, "0") + "\0 ", 148, 8, "latin1");
  return h;
}

/** "/usr/bin/x" → "usr/bin/x"; refuses "..", empty components and relative paths. */
function archivePath(path: string): string {
  if (!path.startsWith("/")) throw new Error(`tar: '${path}' is not an absolute path in the image`);
  const parts = path.split("/").filter(Boolean);
  if (parts.length === 0 || parts.some((p) => p === "." || p === "..")) throw new Error(`tar: '${path}' is not a plain path`);
  return parts.join("/");
}

/**
 * A ustar archive of `entries` (sorted by path; missing parent directories added with mode 0755), ending with the
 * two zero blocks. `mtime` (seconds since 1970) is every entry's time. Throws RangeError for a path ustar cannot
 * hold and Error for a path given twice.
 *
 * @example tarArchive([{ type: "file", path: "/urunc.json", data: Buffer.from("{}") }])
 */
export function tarArchive(entries: TarEntry[], mtime = 0): Buffer {
  const byPath = new Map<string, TarEntry>();
  for (const e of entries) {
    const p = archivePath(e.path);
    if (byPath.has(p)) throw new Error(`tar: '${e.path}' is given twice`);
    byPath.set(p, e);
    const parts = p.split("/");
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join("/");
      if (!byPath.has(dir)) byPath.set(dir, { type: "dir", path: "/" + dir });
      else if (byPath.get(dir)?.type !== "dir") throw new Error(`tar: '/${dir}' is both a directory and a file`);
    }
  }
  const chunks: Buffer[] = [];
  for (const p of [...byPath.keys()].sort()) {
    const e = byPath.get(p) as TarEntry;
    if (e.type === "dir") chunks.push(header(p + "/", "5", e.mode ?? 0o755, 0, mtime));
    else if (e.type === "symlink") chunks.push(header(p, "2", 0o777, 0, mtime, e.target));
    else {
      chunks.push(header(p, "0", e.mode ?? 0o644, e.data.length, mtime), Buffer.from(e.data.buffer, e.data.byteOffset, e.data.length));
      const pad = (BLOCK - (e.data.length % BLOCK)) % BLOCK;
      if (pad) chunks.push(Buffer.alloc(pad));
    }
  }
  chunks.push(Buffer.alloc(2 * BLOCK));
  return Buffer.concat(chunks);
}
