// e2e: node:fs inside booted images, over ext4 volumes that the host's own tools make and check, the RAM /tmp and
// the image's packed files. (1) A host-made volume (mkfs.ext4 -d) read in the guest matches the host tree, file by
// file. (2) A differential script of file operations gives the same transcript under host Node and in the guest,
// and leaves the same tree (debugfs rdump) on a volume e2fsck finds clean. (3) A write storm killed (kill -9 of
// QEMU) at 20 seeded moments: each next boot mounts (journal replay), every file fsynced before the kill has its
// exact contents, and after that boot's clean unmount e2fsck finds the volume clean. (4) Corrupted volumes never
// crash the kernel. (5) /tmp, /app and the working directory.
import { execFileSync, spawnSync } from "node:child_process";
import {
  chmodSync, closeSync, linkSync, mkdirSync, openSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync, writeSync,
} from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../../boot/paths.ts";
import { startGuest } from "../../boot/launch/qemu.ts";
import { ACCEL, boot, buildFixture, scratch } from "../helpers/guest.ts";
import { debugfs, fsck, guestManifest, manifest, mkfsFrom, rdump } from "../helpers/ext4.ts";
import { SeededRandom } from "../sim/prng.ts";

const withoutTimes = (lines: string[]) => lines.map((l) => { const o = JSON.parse(l); delete o.mtimeNs; return JSON.stringify(o); });
/** mkfs.ext4 -d (e2fsprogs 1.47.0) stores whole seconds of the host files' times: compare those. */
const wholeSeconds = (lines: string[]) => lines.map((l) => {
  const o = JSON.parse(l);
  o.mtimeNs = String(BigInt(o.mtimeNs) / 1_000_000_000n);
  return JSON.stringify(o);
});

describe("a host-made ext4 volume read in the guest", () => {
  let tree: string;
  let image: string;

  beforeAll(() => {
    tree = join(scratch(), "tree");
    mkdirSync(tree, { recursive: true });
    // deep directories
    let deep = tree;
    for (let i = 0; i < 40; i++) mkdirSync((deep = join(deep, `level-${i}`)));
    writeFileSync(join(deep, "bottom.txt"), "at the bottom\n");
    // a directory of 10,000 entries (an htree index on the volume)
    mkdirSync(join(tree, "many"));
    for (let i = 0; i < 10_000; i++) writeFileSync(join(tree, "many", `entry-${String(i).padStart(5, "0")}.txt`), `${i}\n`);
    // sparse files: holes inside, and data past 4 GiB
    const sparse = openSync(join(tree, "sparse.bin"), "w");
    writeSync(sparse, Buffer.from("start"), 0, 5, 0);
    writeSync(sparse, Buffer.from("middle"), 0, 6, 50 * 1024 * 1024);
    writeSync(sparse, Buffer.from("end"), 0, 3, 100 * 1024 * 1024 - 3);
    closeSync(sparse);
    const huge = openSync(join(tree, "huge.bin"), "w");
    writeSync(huge, Buffer.alloc(70_000, 0x42), 0, 70_000, 4 * 1024 ** 3 + 12_345);
    closeSync(huge);
    truncateSync(join(tree, "huge.bin"), 4 * 1024 ** 3 + 3 * 1024 * 1024);
    // files of several sizes and modes, UTF-8 names
    const rnd = new SeededRandom(7);
    for (const n of [0, 1, 511, 512, 4095, 4096, 4097, 65_536, 1_000_003]) {
      const b = Buffer.alloc(n);
      rnd.fill(b);
      writeFileSync(join(tree, `size-${n}.bin`), b);
    }
    writeFileSync(join(tree, "héllo wörld ✓ 日本語.txt"), "ünïcödé\n");
    writeFileSync(join(tree, "private.txt"), "secret\n");
    chmodSync(join(tree, "private.txt"), 0o600);
    writeFileSync(join(tree, "tool.sh"), "#!/bin/sh\n");
    chmodSync(join(tree, "tool.sh"), 0o755);
    // symlinks (fast: the target in the inode; slow: in a block) and hard links
    symlinkSync("size-4096.bin", join(tree, "fast-link"));
    symlinkSync(`${"long-directory-name/".repeat(8)}target`, join(tree, "slow-link"));
    linkSync(join(tree, "size-512.bin"), join(tree, "hard-a"));
    linkSync(join(tree, "size-512.bin"), join(tree, "hard-b"));
    // times before the epoch and past 2038 (the extra epoch bits); nanoseconds are checked on guest writes below
    execFileSync("touch", ["-h", "-d", "@1700000000.123456789", join(tree, "private.txt")]);
    execFileSync("touch", ["-d", "@2100000000.987654321", join(tree, "tool.sh")]);
    execFileSync("touch", ["-d", "@-100000000", join(tree, "size-0.bin")]);
    image = join(scratch(), "host-made.img");
    mkfsFrom(image, "6G", tree);
    // mkfs -d leaves directories linear; e2fsck -D indexes the big one (an htree), as Linux would have built it
    spawnSync("/sbin/e2fsck", ["-fyD", image], { stdio: "ignore" });
  }, 300_000);

  it("every file's bytes and metadata match the host's, and the volume stays clean", async () => {
    const img = await buildFixture("fs-manifest");
    const r = await boot(img.path, { disks: [{ path: image }], timeoutMs: 500_000 });
    expect(r.code, r.output.slice(-2000)).toBe(0);
    const got = guestManifest(r.output);
    const want = manifest(tree);
    expect(got.count).toBe(want.length);
    expect(wholeSeconds(got.lines)).toEqual(wholeSeconds(want));
    expect(fsck(image).code).toBe(0);
  }, 600_000);
});

describe("guest writes compared with host Node's", () => {
  it("the same transcript, the same tree, and a clean volume", async () => {
    const fixture = join(ROOT, "test/fixtures/fs-ops/index.cjs");
    const hostBase = join(scratch(), "ops-host");
    mkdirSync(hostBase);
    const expected = execFileSync(process.execPath, [fixture, hostBase], { encoding: "utf8" });
    const image = join(scratch(), "ops.img");
    mkfsFrom(image, "256M");
    const dir = join(scratch(), "ops-app");
    mkdirSync(dir);
    writeFileSync(join(dir, "index.cjs"), `require("node:fs").mkdirSync("/data/work");\nprocess.argv[2] = "/data/work";\n` +
      readFileSync(fixture, "utf8"));
    const img = await buildFixture(join(dir, "index.cjs"));
    const r = await boot(img.path, { disks: [{ path: image }], timeoutMs: 180_000 });
    expect(r.code, r.output.slice(-2000)).toBe(0);
    expect(r.output).toBe(expected);
    const check = fsck(image);
    expect(check.code, check.output).toBe(0);
    const out = join(scratch(), "ops-rdump");
    mkdirSync(out);
    rdump(image, out);
    expect(withoutTimes(manifest(join(out, "work")))).toEqual(withoutTimes(manifest(hostBase)));
    expect(debugfs(image, "stat /work/victim.txt")).toMatch(/mtime: 0x5f5e1001:77359400/);  // 1600000001.5 s
  });
});

describe("a crash at any moment loses nothing that was fsynced", () => {
  it("20 kills during a write storm: each next boot replays the journal and finds every fsynced file intact", async () => {
    const image = join(scratch(), "storm.img");
    mkfsFrom(image, "128M");
    const storm = await buildFixture("fs-storm");
    const check = await buildFixture("fs-manifest", { args: ["/data/storm"] });
    const rnd = new SeededRandom(2024);
    for (let round = 0; round < 20; round++) {
      // run the storm, kill QEMU at a seeded moment after it started writing
      let output = "";
      const g = startGuest({ image: storm.path, accel: ACCEL, disks: [{ path: image }], timeoutMs: 120_000,
        onOutput: (text) => { output += text; } });
      try {
        const started = await new Promise<boolean>((resolve) => {
          const t = setInterval(() => { if (output.includes("STORM-START")) { clearInterval(t); resolve(true); } }, 20);
          void g.done.then(() => { clearInterval(t); resolve(false); });
        });
        expect(started, output).toBe(true);
        await new Promise((r) => setTimeout(r, 200 + rnd.int(2500)));
      } finally {
        g.kill();                                   // SIGKILL: the guest gets no chance to write anything back
        await g.done;
      }
      // what was durable: files whose last line is SYNCED
      const last = new Map<string, string>();
      for (const line of output.split("\n")) {
        const m = /^(OP|SYNCED) (\S+)/.exec(line);
        if (m) last.set(m[2], line);
      }
      // the next boot mounts (replaying the journal), lists the files, unmounts cleanly
      const r = await boot(check.path, { disks: [{ path: image }], timeoutMs: 180_000 });
      expect(r.code, `round ${round}: ${r.output.slice(-3000)}`).toBe(0);
      const files = new Map(guestManifest(r.output).lines.map((l) => JSON.parse(l)).map((o) => [o.path, o]));
      for (const [name, line] of last) {
        const m = /^SYNCED (\S+) (\d+) (\d+)$/.exec(line);
        if (!m) continue;
        const f = files.get(name);
        expect(f, `round ${round}: ${name} was fsynced (${line}) but is missing`).toBeDefined();
        expect([f.size, f.crc], `round ${round}: ${name}`).toEqual([Number(m[2]), Number(m[3])]);
      }
      const fsckResult = fsck(image);
      expect(fsckResult.code, `round ${round}: ${fsckResult.output}`).toBe(0);
    }
  }, 1_200_000);
});

describe("a corrupted volume never crashes the kernel", () => {
  it("40 seeded corruptions of metadata: the mount is refused or operations fail cleanly, the app exits normally", async () => {
    const tree = join(scratch(), "hostile-tree");
    mkdirSync(join(tree, "d/e"), { recursive: true });
    for (let i = 0; i < 200; i++) writeFileSync(join(tree, "d", `f${i}`), `file ${i}\n`.repeat(i));
    writeFileSync(join(tree, "d/e/big"), Buffer.alloc(300_000, 1));
    symlinkSync("d/e/big", join(tree, "link"));
    const pristine = join(scratch(), "pristine.img");
    mkfsFrom(pristine, "16M", tree, ["-b", "1024"]);
    const bytes = readFileSync(pristine);
    const img = await buildFixture("fs-manifest", { args: ["/data"] });
    const rnd = new SeededRandom(99);
    // metadata lives in the first blocks of each group; corrupt there (superblock, descriptors, bitmaps, inode
    // tables, directory and extent blocks, the journal)
    for (let i = 0; i < 40; i++) {
      const copy = Buffer.from(bytes);
      const hits = 1 + rnd.int(8);
      for (let h = 0; h < hits; h++) {
        const at = rnd.float() < 0.5 ? 1024 + rnd.int(64 * 1024) : rnd.int(copy.length);
        copy[at] ^= 1 << rnd.int(8);
      }
      const path = join(scratch(), `hostile-${i}.img`);
      writeFileSync(path, copy);
      const r = await boot(img.path, { disks: [{ path }], timeoutMs: 120_000 });
      expect(r.outcome, `case ${i}: ${r.output.slice(-2000)}`).toBe("exit");
      expect([0, 1], `case ${i}: exit ${r.code}\n${r.output.slice(-2000)}`).toContain(r.code);
      rmSync(path);
    }
  }, 1_200_000);
});

describe("the RAM /tmp, the image's files and the working directory", () => {
  it("serve as Node's file system does: /tmp fills up to its limit, /app is read-only, cwd is /app", async () => {
    const dir = join(scratch(), "tmp-app");
    mkdirSync(join(dir, "public/css"), { recursive: true });
    writeFileSync(join(dir, "public/index.html"), "<h1>packed</h1>\n");
    writeFileSync(join(dir, "public/css/site.css"), "body{}\n");
    writeFileSync(join(dir, "package.json"), '{"name":"tmp-app","main":"server.js"}');
    writeFileSync(join(dir, "server.js"), `
const fs = require("fs"), path = require("path");
console.log("cwd", process.cwd(), __dirname);
console.log("index", fs.readFileSync(path.join(__dirname, "public/index.html"), "utf8").trim());
console.log("relative", fs.readFileSync("public/css/site.css", "utf8").trim());
try { fs.writeFileSync(path.join(__dirname, "public/new.txt"), "x"); } catch (e) { console.log("write /app:", e.code); }
const chunk = Buffer.alloc(1 << 20, 1);
let written = 0;
try { for (;;) { fs.appendFileSync("/tmp/fill", chunk); written++; } } catch (e) { console.log("fill:", e.code, written); }
fs.unlinkSync("/tmp/fill");
fs.writeFileSync("/tmp/after", "room again");
console.log("after", fs.readFileSync("/tmp/after", "utf8"));
console.log("data", fs.existsSync("/data"));
process.chdir("/tmp");
console.log("chdir", process.cwd(), fs.readdirSync("."));
`);
    const img = await buildFixture(dir, { assets: [join(dir, "public")], tmpBytes: 8 << 20 });
    const r = await boot(img.path);
    expect(r.code, r.output).toBe(0);
    expect(r.output).toContain("cwd /app /app\n");
    expect(r.output).toContain("index <h1>packed</h1>\n");
    expect(r.output).toContain("relative body{}\n");
    expect(r.output).toContain("write /app: EROFS\n");
    expect(r.output).toMatch(/fill: ENOSPC [78]\n/);
    expect(r.output).toContain("after room again\n");
    expect(r.output).toContain("data false\n");
    expect(r.output).toContain("chdir /tmp [ 'after' ]\n");
  });
});
