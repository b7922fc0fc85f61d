// e2e: virtio-blk on microvm (virtio-mmio) and pc (virtio-pci): a disk image prepared on the host is read,
// rewritten across many requests, flushed; the host checks every byte afterwards.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Machine } from "../../boot/launch/qemu.ts";
import { pattern, rewrite, WRITE_AT, WRITE_COUNT } from "../fixtures/blk/pattern.ts";
import { boot, buildFixture } from "../helpers/guest.ts";

const SECTORS = 8192;
const dir = mkdtempSync(join(tmpdir(), "unijs-blk-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function makeDisk(name: string): string {
  const img = Buffer.alloc(SECTORS * 512);
  for (let s = 0; s < SECTORS; s++) for (let i = 0; i < 512; i++) img[s * 512 + i] = pattern(s, i);
  const path = join(dir, name);
  writeFileSync(path, img);
  return path;
}

describe.each(["microvm", "pc"] as Machine[])("virtio-blk on %s", (machine) => {
  it("reads the host's pattern, writes a new one across many requests, flushes; the host sees every byte", async () => {
    const disk = makeDisk(`${machine}.img`);
    const img = await buildFixture("blk");
    const r = await boot(img.path, { machine, disks: [{ path: disk }] });
    expect(r.output).toContain(`capacity ${SECTORS} sectors of 512 bytes, rw\n`);
    expect(r.output).toContain("read 0..7: ok\n");
    expect(r.output).toContain("read 1000..1003: ok\n");
    expect(r.output).toContain(`wrote ${WRITE_COUNT} sectors at ${WRITE_AT}, flushed\n`);
    expect(r.output).toContain("read back: ok\n");
    expect(r.output).toContain("parallel reads: ok ok ok\n");
    expect(r.output).toContain(`read beyond capacity: read of sectors ${SECTORS - 1}..${SECTORS} is beyond the device's ${SECTORS} sectors (ERR_OUT_OF_RANGE)\n`);
    expect(r.code).toBe(0);
    const after = readFileSync(disk);
    let bad = -1;
    for (let s = 0; s < SECTORS && bad < 0; s++) {
      const f = s >= WRITE_AT && s < WRITE_AT + WRITE_COUNT ? rewrite : pattern;
      for (let i = 0; i < 512; i++) if (after[s * 512 + i] !== f(s, i)) { bad = s; break; }
    }
    expect(bad).toBe(-1);
  });

  it("a read-only disk refuses writes with EROFS", async () => {
    const disk = makeDisk(`${machine}-ro.img`);
    const img = await buildFixture("blk");
    const r = await boot(img.path, { machine, disks: [{ path: disk, readonly: true }] });
    expect(r.output).toContain("ro\n");
    expect(r.output).toContain("write to read-only: EROFS\n");
  });
});
