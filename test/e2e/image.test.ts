// The image builder and launcher: reproducible output, clear build errors with no half-written image, W^X
// segments and the PVH note in the ELF, a corrupt image refused at boot, and the CLI's exit-code mapping.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BuildError } from "../../boot/image/bundle.ts";
import { buildImage } from "../../boot/image/build.ts";
import { findAppBlob } from "../../boot/image/blob.ts";
import { readElf } from "../../boot/image/elf.ts";
import { LAUNCH } from "../../boot/exit_codes.ts";
import { ROOT } from "../../boot/paths.ts";
import { boot, buildFixture, scratch } from "../helpers/guest.ts";

const PT_LOAD = 1, PT_NOTE = 4, PF_X = 1, PF_W = 2;

/** A throwaway app inside the repository (so relative source paths look like a user's). */
function tempApp(name: string, source: string): string {
  const dir = join(ROOT, "build/test-apps", name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "index.ts"), source);
  return dir;
}

describe("image builder", () => {
  it("is reproducible: two builds of one app are byte-identical", async () => {
    const a = await buildFixture(join(ROOT, "examples/hello"));
    const b = await buildFixture(join(ROOT, "examples/hello"));
    expect(a.path).not.toBe(b.path);
    expect(readFileSync(a.path).equals(readFileSync(b.path))).toBe(true);
  });

  it("embeds no absolute path of the build machine", async () => {
    const a = await buildFixture(join(ROOT, "examples/hello"));
    expect(readFileSync(a.path).includes(Buffer.from(ROOT))).toBe(false);
  });

  it("reports module sizes, and hello contains no driver, network or filesystem code", async () => {
    const a = await buildFixture(join(ROOT, "examples/hello"));
    const paths = a.modules.map((m) => m.path);
    expect(paths).toContain("examples/hello/index.ts");
    expect(paths.some((p) => /^(drivers\/|libos\/(net|fs)\/)/.test(p))).toBe(false);
    expect(a.nativeLibs).toEqual([]);
  });

  it("an app that never imports fs has no file-system code: http-server has none, an fs app has all of it", async () => {
    const server = await buildFixture(join(ROOT, "examples/http-server"));
    expect(server.modules.map((m) => m.path).filter((p) => /^libos\/fs\//.test(p))).toEqual([]);
    const fsApp = await buildFixture("fs-manifest");
    const paths = fsApp.modules.map((m) => m.path);
    for (const layer of ["libos/fs/ext4/", "libos/fs/vfs/", "libos/fs/node/", "libos/fs/tmpfs/", "libos/fs/assets/"]) {
      expect(paths.some((p) => p.startsWith(layer)), layer).toBe(true);
    }
  });

  it("links a native library only into images whose bundle uses it (the link map proves it)", async () => {
    const hello = await buildFixture(join(ROOT, "examples/hello"));
    const user = await buildFixture("native-primitives");             // uses libos/fs/crc32c.ts
    expect(user.nativeLibs).toEqual(["crc32c"]);
    const symbols = (img: { symbols: string }) => readFileSync(img.symbols, "utf8");
    expect(symbols(user)).toMatch(/ hal_install_crc32c$/m);
    expect(symbols(hello)).not.toMatch(/crc32c/);
  });

  it("lays the ELF out W^X with a PVH entry note", async () => {
    const a = await buildFixture(join(ROOT, "examples/hello"));
    const { segments } = readElf(readFileSync(a.path));
    const loads = segments.filter((s) => s.type === PT_LOAD);
    expect(loads.length).toBe(3);
    for (const s of loads) expect((s.flags & PF_W) !== 0 && (s.flags & PF_X) !== 0).toBe(false);
    expect(loads.map((s) => s.flags)).toEqual([5, 4, 6]);
    expect(loads[0].vaddr).toBe(0x100000);
    const note = segments.find((s) => s.type === PT_NOTE);
    expect(note).toBeDefined();
    const bytes = readFileSync(a.path).subarray(note!.offset, note!.offset + note!.filesz);
    expect(bytes.readUInt32LE(8)).toBe(18);                      // XEN_ELFNOTE_PHYS32_ENTRY
    expect(bytes.toString("latin1", 12, 15)).toBe("Xen");
  });

  it("a syntax error names the file and line, and no image is written", async () => {
    const app = tempApp("syntax", "const a = 1;\nconst b = ;\n");
    const out = join(scratch(), "syntax.elf");
    const err = await buildImage({ app, out }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BuildError);
    expect((err as Error).message).toMatch(/build\/test-apps\/syntax\/index\.ts:2:\d+: error:/);
    expect(existsSync(out)).toBe(false);
  });

  it("a missing import names the importing file and line", async () => {
    const app = tempApp("resolve", "// x\nimport { x } from './nope';\nconsole.log(x);\n");
    const err = await buildImage({ app, out: join(scratch(), "resolve.elf") }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/index\.ts:2:\d+: error: Could not resolve "\.\/nope"/);
  });

  it("a Node built-in that cannot work in a unikernel builds with one warning, and calling it throws Node's code", async () => {
    const app = tempApp("builtin", [
      "import inspector from 'node:inspector';",
      "import { url } from 'inspector';",
      "try { inspector.open(); } catch (e) { console.log(e.code, typeof url); }",
    ].join("\n") + "\n");
    const img = await buildImage({ app, out: join(scratch(), "builtin.elf") });
    expect(img.warnings.filter((w) => w.includes("node:inspector"))).toHaveLength(1);
    const r = await boot(img.path);
    expect(r.output).toBe("ERR_FEATURE_UNAVAILABLE_ON_PLATFORM function\n");
  });

  it("a module name that is not a Node built-in is a clear build error", async () => {
    const app = tempApp("notbuiltin", "import x from 'node:nonesuch';\nconsole.log(x);\n");
    const err = await buildImage({ app, out: join(scratch(), "notbuiltin.elf") }).catch((e: unknown) => e);
    expect((err as Error).message).toContain('"node:nonesuch" is not a Node built-in module');
  });

  it("gives each CommonJS file its own __dirname, also after a 'use strict' directive with no semicolon", async () => {
    const app = tempApp("dirname", "import where from './lib/a.cjs';\nimport b from './lib/b.mjs';\n" +
      "import c from './lib/c.cjs';\nconsole.log(where);\nconsole.log(b);\nconsole.log(c);\n");
    mkdirSync(join(app, "lib"), { recursive: true });
    writeFileSync(join(app, "lib/a.cjs"), "'use strict'\n\nmodule.exports = __dirname + ' ' + __filename\n");
    // An ES module has no __dirname of Node's and may declare its own (yargs 18); a CommonJS file may shadow one.
    writeFileSync(join(app, "lib/b.mjs"), "import { fileURLToPath } from 'node:url';\n" +
      "const __dirname = fileURLToPath(new URL('.', import.meta.url));\nexport default __dirname;\n");
    writeFileSync(join(app, "lib/c.cjs"), "const __filename = 'mine';\nmodule.exports = __dirname + ' ' + __filename;\n");
    const r = await boot((await buildImage({ app, out: join(scratch(), "dirname.elf") })).path);
    expect(r.output).toBe("/app/lib /app/lib/a.cjs\n/app/lib/\n/app/lib mine\n");
  });

  it("a package's \"main\" is what import and require load, never its \"module\" (Node ignores that field)", async () => {
    // node-fetch 2 has both: require("node-fetch") was lib/index.mjs's namespace object, not the fetch function.
    const app = tempApp("mainfield", "import dual from 'dual';\nconst r = require('dual');\n" +
      "console.log(typeof dual, dual(), typeof r, r());\n");
    const pkg = join(app, "node_modules/dual");
    mkdirSync(pkg, { recursive: true });
    writeFileSync(join(pkg, "package.json"), JSON.stringify({ name: "dual", main: "lib/index.js", module: "lib/index.mjs" }));
    mkdirSync(join(pkg, "lib"), { recursive: true });
    writeFileSync(join(pkg, "lib/index.js"), "module.exports = function dual() { return 'main'; };\n");
    writeFileSync(join(pkg, "lib/index.mjs"), "export default function dual() { return 'module'; }\n");
    const r = await boot((await buildImage({ app, out: join(scratch(), "mainfield.elf") })).path);
    expect(r.output).toBe("function main function main\n");
  });

  it("require() of a name that is no Node 20 built-in throws when it runs, as in Node (undici probes node:sqlite)", async () => {
    const app = tempApp("unknownbuiltin", "let m;\ntry { m = require('node:sqlite'); } catch (e) { console.log(e.code, e.message); }\n" +
      "import('node:sqlite').catch((e) => console.log('import()', e.code, m));\n");
    const r = await boot((await buildImage({ app, out: join(scratch(), "unknownbuiltin.elf") })).path);
    expect(r.output).toBe("ERR_UNKNOWN_BUILTIN_MODULE No such built-in module: node:sqlite\nimport() ERR_UNKNOWN_BUILTIN_MODULE undefined\n");
  });

  it("an app's own readable-stream (3.x, winston's) gets Node's stream from require('stream'), not the runtime's blank", async () => {
    const app = tempApp("appreadable", "const R = require('readable-stream');\nconsole.log(typeof R, R === require('stream').Readable);\n");
    const pkg = join(app, "node_modules/readable-stream");
    mkdirSync(pkg, { recursive: true });
    writeFileSync(join(pkg, "package.json"), JSON.stringify({ name: "readable-stream", version: "3.6.2", main: "index.js" }));
    writeFileSync(join(pkg, "index.js"), "module.exports = require('stream').Readable;\n");
    const r = await boot((await buildImage({ app, out: join(scratch(), "appreadable.elf") })).path);
    expect(r.output).toBe("function true\n");
  });

  it("warns of RegExps with the /v flag, which the engine lacks (they throw when created)", async () => {
    const app = tempApp("vflag", "export const letters = () => /[\\p{L}--[a-z]]/v;\nconsole.log(typeof letters);\n");
    const img = await buildImage({ app, out: join(scratch(), "vflag.elf") });
    expect(img.warnings.filter((w) => w.includes("/v flag") && w.includes("1 module(s)"))).toHaveLength(1);
  });

  it("bakes argv and env from the build into process.argv / process.env", async () => {
    // NODE_ENV is the app's to set, as under Node (the bundler once fixed it to "production" in the code itself).
    const app = tempApp("argv", "console.log(JSON.stringify(process.argv.slice(2)), process.env.GREETING, process.env.NONE, " +
      "process.env.NODE_ENV, 'NODE_ENV' in process.env);\n");
    const img = await buildImage({ app, out: join(scratch(), "argv.elf"), args: ["a b", "c"], env: { GREETING: "hi there" } });
    const r = await boot(img.path);
    expect(r.output).toBe('["a b","c"] hi there undefined undefined false\n');
  });

  it("an image whose app section is corrupt is refused with a clear message, exit 1", async () => {
    const img = await buildFixture(join(ROOT, "examples/hello"));
    const bytes = readFileSync(img.path);
    const at = findAppBlob(bytes);
    expect(at).toBeGreaterThan(0);
    bytes[at + 200] ^= 0xff;                                         // flip a byte in the bytecode
    const bad = join(scratch(), "corrupt.elf");
    writeFileSync(bad, bytes);
    const r = await boot(bad);
    expect(r.output).toContain("the image's app section is corrupt (checksum mismatch)");
    expect(r.code).toBe(1);
  });
});

describe("launcher CLI", () => {
  const cli = (args: string[]) =>
    spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "boot/cli.ts"), ...args], {
      cwd: ROOT, encoding: "utf8", timeout: 120_000, env: { ...process.env },
    });

  it("npm run boot exits with the app's own code", async () => {
    const img = await buildFixture("exit-code", { args: ["9"] });
    const r = cli(["boot", img.path, "--tcg", "--timeout", "60s"]);
    expect(r.stdout).toContain("exiting with 9");
    expect(r.status).toBe(9);
  });

  it("a hung guest is killed after --timeout and reported", async () => {
    const app = tempApp("hang", "for (;;) {}\n");
    const img = await buildImage({ app, out: join(scratch(), "hang.elf") });
    const r = cli(["boot", img.path, "--tcg", "--timeout", "2s"]);
    expect(r.stderr).toContain("was still running after 2000 ms and was killed");
    expect(r.status).toBe(LAUNCH.TIMEOUT);
  });

  it("rejects unknown options with usage", () => {
    const r = cli(["boot", "--frobnicate"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("unknown option --frobnicate");
  });
});

process.on("exit", () => rmSync(join(ROOT, "build/test-apps"), { recursive: true, force: true }));
