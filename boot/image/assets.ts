// boot/image/assets.ts — `npm run image -- app --assets public/`: the unikernel's COPY. Folders of the app are
// packed into the image as a read-only file tree that the guest mounts at the app's own directory (`/app`, where
// __dirname points), so `fs.readFileSync(path.join(__dirname, "public/index.html"))`, express.static and template
// engines find their files. The pack is an index (JSON: one entry per file, directory and symlink, sorted by path)
// and the files' bytes back to back; libos/fs/assets reads it through hal.assetIndex/hal.assetRead.
// Reproducible: entries are sorted, modes are 0644/0755 (files: the owner's x bit decides) and 0755 (directories),
// and every time is SOURCE_DATE_EPOCH (seconds) when set, else 0 — never the checkout's own mtimes.
// Layer: build tools (host only).

import { lstatSync, readdirSync, readFileSync, readlinkSync, realpathSync } from "node:fs";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { BuildError } from "./bundle.ts";

/** One entry of the index: [path below the app root ("public/a.css"), mode, size, data offset, target?]. */
export type AssetEntry = [path: string, mode: number, size: number, offset: number, target?: string];

/** The index as stored in the image (the JSON libos/fs/assets parses). */
export interface AssetIndex {
  v: 1;
  /** Seconds since the epoch for every entry's times. */
  time: number;
  entries: AssetEntry[];
}

export interface PackedAssets {
  index: string;
  data: Uint8Array;
  files: number;
  /** Bytes of file data. */
  bytes: number;
}

const S_IFREG = 0o100000, S_IFDIR = 0o040000, S_IFLNK = 0o120000;

/**
 * Packs `dirs` (each a folder inside `appRoot`, given relative to the caller's directory or absolute) into one
 * tree whose paths are relative to appRoot. Throws a BuildError for a folder that is missing, not a folder, or
 * outside the app root (it would have no place under /app), and for a symlink that points outside the packed tree.
 */
export function packAssets(appRoot: string, dirs: readonly string[], cwd = process.cwd()): PackedAssets {
  const entries = new Map<string, AssetEntry>();
  const chunks: Uint8Array[] = [];
  let offset = 0;
  const rootReal = realpathSync(appRoot);
  const epoch = process.env.SOURCE_DATE_EPOCH;
  const time = epoch && /^\d+$/.test(epoch) ? Number(epoch) : 0;

  const addDirChain = (rel: string) => {
    const parts = rel.split("/");
    for (let i = 1; i <= parts.length; i++) {
      const p = parts.slice(0, i).join("/");
      if (!entries.has(p)) entries.set(p, [p, S_IFDIR | 0o755, 0, 0]);
    }
  };

  const walk = (abs: string, rel: string) => {
    const st = lstatSync(abs);
    if (st.isSymbolicLink()) {
      const target = readlinkSync(abs);
      const dest = resolve(abs, "..", target);
      const destRel = relative(rootReal, safeReal(dest) ?? dest);
      if (isAbsolute(target) || destRel.startsWith("..") || isAbsolute(destRel)) {
        throw new BuildError(`--assets: the symlink ${abs} -> ${target} points outside the app's folder`);
      }
      entries.set(rel, [rel, S_IFLNK | 0o777, Buffer.byteLength(target), 0, target]);
    } else if (st.isDirectory()) {
      addDirChain(rel);
      for (const name of readdirSync(abs).sort()) walk(join(abs, name), `${rel}/${name}`);
    } else if (st.isFile()) {
      const bytes = readFileSync(abs);
      entries.set(rel, [rel, S_IFREG | (st.mode & 0o100 ? 0o755 : 0o644), bytes.length, offset]);
      chunks.push(bytes);
      offset += bytes.length;
    }
    // sockets, FIFOs and devices are not files an app ships: left out
  };

  // Folders in path order (the order of the flags does not change the image); one inside another is packed once.
  const folders = dirs.map((d) => {
    const abs = resolve(cwd, d);
    let st;
    try {
      st = lstatSync(abs);
    } catch {
      throw new BuildError(`--assets ${d}: no such folder (${abs})`);
    }
    if (!st.isDirectory()) throw new BuildError(`--assets ${d}: not a folder`);
    const rel = relative(rootReal, realpathSync(abs)).split(sep).join("/");
    if (rel.startsWith("..") || isAbsolute(rel)) {
      throw new BuildError(`--assets ${d}: the folder must be inside the app's folder ${appRoot} (it is mounted at /app)`);
    }
    return { abs, rel };
  }).sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  const packed: string[] = [];
  for (const { abs, rel } of folders) {
    if (packed.some((p) => p === "" || rel === p || rel.startsWith(p + "/"))) continue;
    packed.push(rel);
    if (rel === "") for (const name of readdirSync(abs).sort()) walk(join(abs, name), name);
    else walk(abs, rel);
  }

  const sorted = [...entries.values()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const data = new Uint8Array(offset);
  let at = 0;
  for (const c of chunks) {
    data.set(c, at);
    at += c.length;
  }
  const index: AssetIndex = { v: 1, time, entries: sorted };
  return { index: JSON.stringify(index), data, files: sorted.filter((e) => (e[1] & 0o170000) === S_IFREG).length, bytes: offset };
}

function safeReal(p: string): string | undefined {
  try {
    return realpathSync(p);
  } catch {
    return undefined;
  }
}
