// Device faults: read errors surface as EIO (the operation fails, the volume is unchanged), write errors abort the
// journal (EIO from then on), and a device that dies mid-commit leaves a volume that our replay — and e2fsck —
// accept.
import { describe, expect, it } from "vitest";
import { MemBlockDevice } from "../../../sim/mem_block.ts";
import { pattern } from "./host_tree.ts";
import { check, fsckClean, makeImage, mount, readAll } from "./helpers.ts";

describe("device faults", () => {
  const base = makeImage("8M", undefined, ["-b", "1024"]);

  it("a read error is EIO and the operation changes nothing", () => {
    const dev = new MemBlockDevice({ image: base });
    const first = mount(dev, { cacheBytes: 64 * 1024 });
    const d0 = first.mkdir(first.rootIno, "d", 0o755, 0, 0);
    first.write(first.create(d0, "f", 0o644, 0, 0), 0, pattern(50_000, 1));
    first.unmount();
    // a fresh mount: nothing below the root is cached, so the creates must read from the device
    const fs = mount(dev, { cacheBytes: 64 * 1024 });
    const d = fs.lookup(fs.rootIno, "d");
    const f = fs.lookup(d, "f");
    for (let s = 0; s < dev.info.sectors; s++) dev.ioErrorSectors.add(s);
    let err: unknown;
    try {
      for (let k = 0; k < 200; k++) fs.create(d, `x${k}-${"z".repeat(100)}`, 0o644, 0, 0);
    } catch (e) {
      err = e;
    }
    expect(String(err)).toMatch(/EIO/);
    dev.ioErrorSectors.clear();
    expect(readAll(fs, f)).toEqual(pattern(50_000, 1));
    fs.unmount();
    expect(fsckClean(check(dev.disk))).toBe(true);
  });

  it("a write error aborts the journal: EIO from then on, and the volume replays clean", () => {
    const dev = new MemBlockDevice({ image: base });
    const fs = mount(dev);
    const f = fs.create(fs.rootIno, "f", 0o644, 0, 0);
    fs.write(f, 0, pattern(10_000, 2));
    fs.sync();
    dev.writeBudget = 3;
    fs.write(f, 10_000, pattern(10_000, 3));
    expect(() => fs.sync()).toThrow(/EIO/);
    expect(() => fs.create(fs.rootIno, "g", 0o644, 0, 0)).toThrow(/EIO/);
    const fs2 = mount(new MemBlockDevice({ image: dev.disk }));
    expect(readAll(fs2, fs2.lookup(fs2.rootIno, "f")).subarray(0, 10_000)).toEqual(pattern(10_000, 2));
    const dev3 = new MemBlockDevice({ image: dev.disk });
    mount(dev3).unmount();
    expect(fsckClean(check(dev3.disk))).toBe(true);
  });

  it("every write budget across a commit leaves a volume our replay makes clean", () => {
    for (let budget = 0; budget < 60; budget += 3) {
      const dev = new MemBlockDevice({ image: base });
      const fs = mount(dev);
      const d = fs.mkdir(fs.rootIno, "d", 0o755, 0, 0);
      for (let k = 0; k < 20; k++) fs.write(fs.create(d, `f${k}`, 0o644, 0, 0), 0, pattern(3000, k));
      dev.writeBudget = budget;
      try {
        fs.sync();
        fs.unmount();
      } catch (e) {
        expect(String(e)).toMatch(/EIO/);
      }
      const dev2 = new MemBlockDevice({ image: dev.disk });
      mount(dev2).unmount();
      const c = check(dev2.disk);
      expect(fsckClean(c), `budget ${budget}\n${c.output}`).toBe(true);
    }
  });
});
