// The installable tool's host-side pieces: the app entry found as Node finds a package's (boot/image/entry.ts,
// checked against Node's own resolver where Node has one), the shared-cache key and locations (boot/cache.mjs),
// memory checks and the image manifest reader (boot/image/build.ts, manifest.ts).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cacheKey, isInstalled, makeVars, nativeLocations, sharedCacheBase } from "../../boot/cache.mjs";
import { checkMemory, OptionError, outputPath, parseSize } from "../../boot/image/build.ts";
import { exportsTarget, resolveAppEntry } from "../../boot/image/entry.ts";
import { ImageError, readImage } from "../../boot/image/manifest.ts";
import { ROOT } from "../../boot/paths.ts";

const work = mkdtempSync(join(tmpdir(), "unijs-tool-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function pkg(name: string, files: Record<string, string>): string {
  const dir = join(work, name);
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(join(dir, f, ".."), { recursive: true });
    writeFileSync(join(dir, f), text);
  }
  return dir;
}

describe("app entry", () => {
  it("main with Node's extensions and as a folder, then index files: the file Node's require() picks", () => {
    const cases: Record<string, Record<string, string>> = {
      "main-ext": { "package.json": JSON.stringify({ main: "lib/app" }), "lib/app.js": "", "index.js": "" },
      "main-dir": { "package.json": JSON.stringify({ main: "lib" }), "lib/index.js": "", "index.js": "" },
      "no-main": { "package.json": JSON.stringify({ name: "x" }), "index.js": "" },
      "no-pkg": { "index.js": "" },
    };
    for (const [name, files] of Object.entries(cases)) {
      const dir = pkg(name, files);
      expect(resolveAppEntry(dir), name).toBe(createRequire(join(work, "x.js")).resolve(dir));
    }
  });

  it("exports '.' before main, with the first matching condition in the object's order", () => {
    expect(exportsTarget("./a.js")).toBe("./a.js");
    expect(exportsTarget({ ".": "./a.js", "./sub": "./b.js" })).toBe("./a.js");
    expect(exportsTarget({ "./sub": "./b.js" })).toBeUndefined();
    expect(exportsTarget({ types: "./t.d.ts", import: "./m.mjs", require: "./c.cjs" })).toBe("./m.mjs");
    expect(exportsTarget({ ".": { browser: "./b.js", node: { import: "./n.mjs" }, default: "./d.js" } })).toBe("./n.mjs");
    expect(exportsTarget([{ worker: "./w.js" }, "./fallback.js"])).toBe("./fallback.js");
    const dir = pkg("exp", { "package.json": JSON.stringify({ main: "main.js", exports: { ".": { import: "./esm.mjs" } } }),
      "main.js": "", "esm.mjs": "" });
    expect(resolveAppEntry(dir)).toBe(join(dir, "esm.mjs"));
    const ts = pkg("ts", { "index.ts": "" });
    expect(resolveAppEntry(ts)).toBe(join(ts, "index.ts"));
  });

  it("names what is missing", () => {
    expect(() => resolveAppEntry(pkg("gone", { "package.json": JSON.stringify({ exports: "./dist/x.js" }) })))
      .toThrow(/"exports" names \.\/dist\/x\.js, which does not exist/);
    expect(() => resolveAppEntry(pkg("none", { "a.txt": "" }))).toThrow(/no entry file/);
    expect(() => resolveAppEntry(join(work, "nothing"))).toThrow(/no such file or folder/);
  });
});

describe("shared cache", () => {
  it("a checkout keeps its own folders; an installed copy uses $XDG_CACHE_HOME/unijs/<version-engine-checksum>", () => {
    expect(isInstalled(ROOT)).toBe(ROOT.split("/").includes("node_modules"));
    expect(isInstalled("/p/node_modules/unijs")).toBe(true);
    expect(sharedCacheBase({ XDG_CACHE_HOME: "/x/cache" })).toBe("/x/cache/unijs");
    expect(sharedCacheBase({ XDG_CACHE_HOME: "relative" })).toMatch(/\/\.cache\/unijs$/);
    const here = nativeLocations(ROOT, {});
    expect(here).toEqual({ root: ROOT, build: join(ROOT, "build/native"), sources: join(ROOT, "node_modules/.cache/unijs"), shared: false });
    expect(makeVars(here)).toEqual([]);
  });

  it("the key changes when any file of boot/native changes, and only then", () => {
    const copy = pkg("node_modules/unijs", {
      "package.json": JSON.stringify({ version: "9.8.7" }),
      "boot/native/engine.mk": "QJS_VERSION  := 2025-04-26\n",
      "boot/native/main.c": "int main;\n",
      "boot/native/patches/quickjs/0001.patch": "--- a\n",
    });
    const k1 = cacheKey(copy);
    expect(k1).toMatch(/^9\.8\.7-quickjs-2025-04-26-[0-9a-f]{16}$/);
    expect(cacheKey(copy)).toBe(k1);
    writeFileSync(join(copy, "boot/native/patches/quickjs/0001.patch"), "--- b\n");
    expect(cacheKey(copy)).not.toBe(k1);
    const loc = nativeLocations(copy, { XDG_CACHE_HOME: "/c" });
    expect(loc.shared).toBe(true);
    expect(loc.build).toBe(`/c/unijs/${cacheKey(copy)}/build/native`);
    expect(makeVars(loc)).toEqual([`ROOT=/c/unijs/${cacheKey(copy)}`]);
  });
});

describe("options and images", () => {
  it("memory limits", () => {
    expect(() => parseSize("abc")).toThrow(OptionError);
    expect(() => checkMemory(0, undefined)).toThrow("--mem 0 is below the minimum of 16M");
    expect(() => checkMemory(undefined, 1024)).toThrow("--heap 1K is too small to start the engine: the minimum is 2M");
    expect(() => checkMemory(64 << 20, 49 << 20)).toThrow("at most 48M");
    expect(() => checkMemory(64 << 20, 48 << 20)).not.toThrow();
    expect(() => checkMemory(16 << 20, undefined)).not.toThrow();
  });

  it("-o: a file, an existing folder, a path ending in /", () => {
    const dir = pkg("outdir", { "x": "" });
    expect(outputPath(join(dir, "a.elf"), "app")).toBe(join(dir, "a.elf"));
    expect(outputPath(dir, "app")).toBe(join(dir, "app.elf"));
    expect(outputPath(join(dir, "new") + "/", "app")).toBe(join(dir, "new/app.elf"));
  });

  it("readImage names what a file is not", () => {
    expect(() => readImage(Buffer.from("hello"), "f")).toThrow(new ImageError("f is not a unijs image: not an ELF file"));
    const elf = Buffer.alloc(64);
    elf.writeUInt32BE(0x7f454c46, 0);
    expect(() => readImage(elf, "g")).toThrow(/g is a corrupt ELF file|g is an ELF file but not a unijs image/);
  });
});
