// Crash consistency: a seeded write storm with periodic fsync on a device with a volatile write cache, a power cut
// (MemBlockDevice.crashImage keeps what was flushed plus a random, possibly torn, part of the rest) at many points —
// between operations and, with a write budget, in the middle of a commit — then a remount that replays the
// journal: e2fsck -fn finds the volume clean and every file whose last event was an fsync has exactly the contents
// it had then. Replaying twice gives the same volume; e2fsck's own journal recovery accepts the log we wrote and
// reaches the same tree.
import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Ext4 } from "../../../../libos/fs/ext4/index.ts";
import { SeededRandom } from "../../../sim/prng.ts";
import { MemBlockDevice } from "../../../sim/mem_block.ts";
import { pattern } from "./host_tree.ts";
import { check, fsckClean, makeImage, mount, readAll, tempDir, volumeManifest } from "./helpers.ts";

interface Storm {
  synced: Map<string, Uint8Array>;
}

/** Runs `ops` storm operations; returns what must survive a crash. Stops quietly when the device dies. */
function storm(fs: Ext4, seed: number, ops: number, at?: (k: number) => void): Storm {
  const r = new SeededRandom(seed);
  const live = new Map<string, Uint8Array>();
  const synced = new Map<string, Uint8Array>();
  const dirty = new Set<string>();
  const root = fs.rootIno;
  const dir = (() => {
    try { return fs.lookup(root, "storm"); } catch { return fs.mkdir(root, "storm", 0o755, 0, 0); }
  })();
  try {
    for (let k = 0; k < ops; k++) {
      at?.(k);
      const x = r.float();
      const name = `f${r.int(24)}`;
      const cur = live.get(name);
      if (x < 0.3) {
        const data = pattern(r.int(3) === 0 ? r.int(60_000) : r.int(5000), seed * 1000 + k);
        synced.delete(name);
        let ino: number;
        try { ino = fs.lookup(dir, name); fs.setattr(ino, { size: 0 }); } catch { ino = fs.create(dir, name, 0o644, 0, 0); }
        fs.write(ino, 0, data);
        live.set(name, data);
        dirty.add(name);
      } else if (x < 0.6 && cur) {
        const extra = pattern(r.int(8000) + 1, k);
        synced.delete(name);
        fs.write(fs.lookup(dir, name), cur.length, extra);
        const n = new Uint8Array(cur.length + extra.length);
        n.set(cur);
        n.set(extra, cur.length);
        live.set(name, n);
        dirty.add(name);
      } else if (x < 0.7 && cur) {
        const to = `f${r.int(24)}`;
        if (to !== name) {
          synced.delete(name);
          synced.delete(to);
          fs.rename(dir, name, dir, to);
          live.set(to, cur);
          live.delete(name);
          dirty.delete(name);
          dirty.add(to);
        }
      } else if (x < 0.78 && cur) {
        synced.delete(name);
        fs.unlink(dir, name);
        live.delete(name);
        dirty.delete(name);
      } else if (x < 0.85 && cur) {
        synced.delete(name);
        const n = r.int(cur.length + 1);
        fs.setattr(fs.lookup(dir, name), { size: n });
        live.set(name, cur.subarray(0, n));
        dirty.add(name);
      }
      if (k % 5 === 4) {
        for (const n of dirty) {
          fs.fsync(fs.lookup(dir, n), false);
          synced.set(n, live.get(n)!);
        }
        dirty.clear();
      }
      if (k % 37 === 36) fs.commit();
    }
  } catch (e) {
    if ((e as { code?: string }).code !== "EIO") throw e;
  }
  return { synced };
}

function verify(image: Uint8Array, s: Storm, label: string): Uint8Array {
  const dev = new MemBlockDevice({ image });
  const fs = mount(dev);
  const dir = fs.lookup(fs.rootIno, "storm");
  for (const [name, data] of s.synced) {
    let got: Uint8Array;
    try {
      got = readAll(fs, fs.lookup(dir, name));
    } catch (e) {
      throw new Error(`${label}: fsynced ${name} is missing (${(e as Error).message})`);
    }
    expect(got.length, `${label}: ${name}`).toBe(data.length);
    expect(Buffer.compare(Buffer.from(got), Buffer.from(data)), `${label}: ${name} contents`).toBe(0);
  }
  fs.unmount();
  const c = check(dev.disk);
  expect(fsckClean(c), `${label}\n${c.output}`).toBe(true);
  return dev.disk;
}

describe.each([["1024", "8M", 40], ["4096", "16M", 12]])("power cuts with %s-byte blocks", (bs, size, seeds) => {
  const base = makeImage(size as string, undefined, ["-b", bs as string]);

  it(`keeps every fsynced file and a clean volume across ${seeds} power cuts between operations`, () => {
    for (let seed = 1; seed <= (seeds as number); seed++) {
      const dev = new MemBlockDevice({ image: base, volatileCache: true });
      const fs = mount(dev);
      const s = storm(fs, seed, 20 + ((seed * 37) % 140));
      verify(dev.crashImage(seed, 0.5, 0.2), s, `seed ${seed}`);
    }
  });

  it("keeps them when the device dies in the middle of a commit (write budget), after replay", () => {
    for (let seed = 1; seed <= 10; seed++) {
      const dev = new MemBlockDevice({ image: base, volatileCache: true });
      const fs = mount(dev);
      const s = storm(fs, seed, 110, (k) => {
        if (k === 30) dev.writeBudget = 1 + ((seed * 53) % 200);
      });
      expect(fs.stats.commits).toBeGreaterThan(0);
      verify(dev.crashImage(seed), s, `budget seed ${seed}`);
    }
  });
});

describe("journal replay", () => {
  const base = makeImage("8M", undefined, ["-b", "1024"]);

  function crashed(seed: number): { image: Uint8Array; fs: Ext4 } {
    const dev = new MemBlockDevice({ image: base, volatileCache: true });
    const fs = mount(dev);
    storm(fs, seed, 60);
    fs.commit();
    storm(fs, seed + 7, 10);
    return { image: dev.crashImage(seed, 1, 0), fs };
  }

  it("is idempotent: a replay interrupted and run again gives the same volume", () => {
    for (const seed of [3, 4, 5]) {
      const { image } = crashed(seed);
      const ro = mount(new MemBlockDevice({ image, readOnly: true }), { readOnly: true });
      expect(ro.stats.replayedTransactions).toBeGreaterThan(0);
      const want = volumeManifest(ro);
      const dev = new MemBlockDevice({ image, volatileCache: true });
      mount(dev);
      const again = dev.crashImage(seed, 0.5, 0.3);
      const fs2 = mount(new MemBlockDevice({ image: again }));
      expect(volumeManifest(fs2)).toEqual(want);
      const dev3 = new MemBlockDevice({ image: again });
      const fs3 = mount(dev3);
      expect(volumeManifest(fs3)).toEqual(want);
      fs3.unmount();
      expect(fsckClean(check(dev3.disk))).toBe(true);
    }
  });

  it("writes a log e2fsck's recovery accepts, reaching the same tree as our replay", () => {
    for (const seed of [11, 12]) {
      const { image } = crashed(seed);
      const t = tempDir();
      const p = join(t.dir, "img");
      writeFileSync(p, image);
      const log = execFileSync("/sbin/debugfs", ["-R", "logdump", p], { encoding: "latin1", maxBuffer: 64 << 20 });
      expect(log).toMatch(/Found expected sequence \d+, type 1 \(descriptor block\)/);
      expect(log).toMatch(/type 2 \(commit block\)/);
      let out = "";
      try {
        out = execFileSync("/sbin/e2fsck", ["-fy", p], { encoding: "utf8" });
      } catch (e) {
        out = String((e as { stdout?: string }).stdout);
        expect((e as { status: number }).status).toBeLessThanOrEqual(1);
      }
      expect(out).toMatch(/recovering journal/);
      expect(out).not.toMatch(/Fix\? yes|Clear\? yes/);
      const theirs = new Uint8Array(readFileSync(p));
      t.done();
      const ours = mount(new MemBlockDevice({ image }), { readOnly: true });
      const viaE2fsck = mount(new MemBlockDevice({ image: theirs }), { readOnly: true });
      expect(volumeManifest(viaE2fsck)).toEqual(volumeManifest(ours));
    }
  });
});
