// test/unit/fs/ext4/host_tree.ts — host folders for ext4 tests: a varied tree (deep folders, a large directory,
// sparse files, data beyond 4 GiB, fast and slow symlinks, hard links, UTF-8 names, modes and owners), and a
// manifest of a host folder in the format helpers.ts's volumeManifest prints for a mounted volume.
import { chownSync, closeSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, readlinkSync, symlinkSync, linkSync, writeFileSync, writeSync, ftruncateSync, utimesSync } from "node:fs";
import { join } from "node:path";
import { crc32cTs } from "../../../../libos/fs/crc32c.ts";

/** Deterministic bytes. */
export function pattern(n: number, seed: number): Uint8Array {
  const b = new Uint8Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    b[i] = s >>> 24;
  }
  return b;
}

/** Fills `root` with the varied tree. `bigDir`: entries in /many. `huge`: a sparse file with data past 4 GiB. */
export function buildTree(root: string, o: { bigDir?: number; huge?: boolean } = {}): void {
  let dir = root;
  for (let d = 0; d < 12; d++) {
    dir = join(dir, `level${d}`);
    mkdirSync(dir);
    writeFileSync(join(dir, "f.txt"), `depth ${d}\n`);
  }
  mkdirSync(join(root, "many"));
  for (let k = 0; k < (o.bigDir ?? 0); k++) writeFileSync(join(root, "many", `entry-${k}`), k % 50 === 0 ? `${k}` : "");
  writeFileSync(join(root, "small.bin"), pattern(1000, 1));
  writeFileSync(join(root, "medium.bin"), pattern(300_000, 2));
  const sp = openSync(join(root, "sparse.bin"), "w");
  writeSync(sp, pattern(5000, 3), 0, 5000, 100_000);
  writeSync(sp, pattern(3000, 4), 0, 3000, 3_000_000);
  ftruncateSync(sp, 4_000_000);
  closeSync(sp);
  if (o.huge) {
    const h = openSync(join(root, "huge.bin"), "w");
    writeSync(h, pattern(4096, 5), 0, 4096, 0);
    writeSync(h, pattern(10000, 6), 0, 10000, 5 * 2 ** 30 + 123);
    closeSync(h);
  }
  symlinkSync("small.bin", join(root, "fast-link"));
  symlinkSync(`${"long-target/".repeat(20)}end`, join(root, "slow-link"));
  linkSync(join(root, "small.bin"), join(root, "hard-link"));
  mkdirSync(join(root, "utf8-ünïcødé-名前"));
  writeFileSync(join(root, "utf8-ünïcødé-名前", "файл-😀.txt"), "utf8\n");
  writeFileSync(join(root, "owned"), "owned\n", { mode: 0o640 });
  chownSync(join(root, "owned"), 1234, 5678);
  writeFileSync(join(root, "setuid"), "x", { mode: 0o4755 });
  utimesSync(join(root, "owned"), 1_600_000_000, 1_700_000_000);
}

/** A host folder's manifest (what volumeManifest prints for the same tree). */
export function hostManifest(root: string): string[] {
  const out: string[] = [];
  const visit = (dir: string, rel: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = lstatSync(p);
      const t = st.mode & 0o170000;
      let extra = "";
      if (st.isFile()) extra = `size=${st.size} crc=${st.size > 64 << 20 ? "big" : (~crc32cTs(0xffffffff, new Uint8Array(readFileSync(p))) >>> 0).toString(16)} nlink=${st.nlink}`;
      else if (st.isSymbolicLink()) extra = `target=${readlinkSync(p)}`;
      out.push(`${r} type=${t.toString(8)} mode=${(st.mode & 0o7777).toString(8)} uid=${st.uid} gid=${st.gid} ${extra}`);
      if (st.isDirectory()) visit(p, r);
    }
  };
  visit(root, "");
  return out;
}
