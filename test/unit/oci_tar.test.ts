// The OCI layers' ustar writer (boot/image/oci/tar.ts), checked against the host's GNU tar: it lists and extracts
// what we wrote (modes, owners, times, long paths through the prefix field, symbolic links, sizes on 512-byte
// boundaries), and the writer refuses what ustar cannot hold.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { tarArchive } from "../../boot/image/oci/tar.ts";

const dir = mkdtempSync(join(tmpdir(), "unijs-tar-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const long = "/usr/lib/x86_64-linux-gnu/" + "a-very-long-folder-name-".repeat(4) + "/" + "lib".padEnd(90, "x") + ".so";

describe("tarArchive", () => {
  const data = Buffer.alloc(1000, 0xa5);
  const tar = tarArchive([
    { type: "file", path: "/unikernel/kernel", data, mode: 0o755 },
    { type: "file", path: "/urunc.json", data: Buffer.from("{}") },
    { type: "file", path: "/empty", data: Buffer.alloc(0) },
    { type: "file", path: "/block", data: Buffer.alloc(512, 1) },
    { type: "file", path: long, data: Buffer.from("long") },
    { type: "symlink", path: "/lib64", target: "usr/lib64" },
  ], 1_700_000_000);

  it("is whole 512-byte blocks ending in two zero blocks", () => {
    expect(tar.length % 512).toBe(0);
    expect(tar.subarray(-1024).every((b) => b === 0)).toBe(true);
  });

  it("lists in GNU tar with parents first, root's ownership and the given time", () => {
    const file = join(dir, "a.tar");
    writeFileSync(file, tar);
    const lines = execFileSync("tar", ["-tvf", file, "--full-time", "--utc"], { encoding: "utf8" }).trim().split("\n");
    const names = lines.map((l) => l.split(/\s+/).slice(5).join(" "));
    expect(names.slice(0, 4)).toEqual(["block", "empty", "lib64 -> usr/lib64", "unikernel/"]);
    expect(names).toContain("unikernel/kernel");
    expect(names).toContain(long.slice(1));
    expect(names).toContain("usr/");
    for (const l of lines) expect(l).toMatch(/ root\/root .* 2023-11-14 22:13:20 /);
    expect(lines.find((l) => l.endsWith("unikernel/kernel"))).toMatch(/^-rwxr-xr-x root\/root\s+1000 /);
    expect(lines.find((l) => l.endsWith(" urunc.json"))).toMatch(/^-rw-r--r-- root\/root\s+2 /);
    expect(lines.find((l) => l.endsWith("unikernel/"))).toMatch(/^drwxr-xr-x /);
  });

  it("extracts in GNU tar to the same bytes, modes and links", () => {
    const file = join(dir, "b.tar");
    const out = mkdtempSync(join(dir, "x-"));
    writeFileSync(file, tar);
    execFileSync("tar", ["-xf", file, "-C", out]);
    expect(readFileSync(join(out, "unikernel/kernel")).equals(data)).toBe(true);
    expect(statSync(join(out, "unikernel/kernel")).mode & 0o777).toBe(0o755);
    expect(readFileSync(join(out, long), "utf8")).toBe("long");
    expect(readFileSync(join(out, "block")).equals(Buffer.alloc(512, 1))).toBe(true);
    expect(statSync(join(out, "empty")).size).toBe(0);
    expect(readlinkSync(join(out, "lib64"))).toBe("usr/lib64");
  });

  it("gives the same bytes for the same entries in any order", () => {
    const a = tarArchive([{ type: "file", path: "/a/x", data: Buffer.from("1") }, { type: "file", path: "/b", data: Buffer.from("2") }]);
    const b = tarArchive([{ type: "file", path: "/b", data: Buffer.from("2") }, { type: "file", path: "/a/x", data: Buffer.from("1") }]);
    expect(a.equals(b)).toBe(true);
  });

  it("refuses relative paths, '..', duplicates, a file used as a folder and names ustar cannot hold", () => {
    const f = (path: string) => ({ type: "file" as const, path, data: Buffer.alloc(1) });
    expect(() => tarArchive([f("etc/x")])).toThrow("tar: 'etc/x' is not an absolute path in the image");
    expect(() => tarArchive([f("/a/../b")])).toThrow("tar: '/a/../b' is not a plain path");
    expect(() => tarArchive([f("/a"), f("/a")])).toThrow("tar: '/a' is given twice");
    expect(() => tarArchive([f("/a"), f("/a/b")])).toThrow("tar: '/a' is both a directory and a file");
    expect(() => tarArchive([f("/" + "x".repeat(101))])).toThrow(RangeError);
  });
});
