// The `unijs` command as a user meets it (bin/unijs.mjs, run in a scratch folder): every bad flag value or path is
// one line on stderr with exit 2 (usage) or 1 (build, image), never a stack trace, and leaves no temp file; paths are
// the caller's (also under `npm run` from a subfolder); the entry is found as Node finds it; package.json "unijs"
// settings apply under flags; `inspect` reports what the image holds, its SHA-256 checked against the host's.
import { spawn, spawnSync, type SpawnOptions } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT } from "../../boot/paths.ts";
import { killTree } from "../helpers/procs.ts";

const work = mkdtempSync(join(tmpdir(), "unijs-cli-"));
const started: number[] = [];

afterAll(() => {
  for (const pid of started) killTree(pid);           // a QEMU left by a failed test dies by PID
  rmSync(work, { recursive: true, force: true });
});

interface Ran { status: number | null; stdout: string; stderr: string }

/** Runs `cmd` (asynchronously: a blocked test worker misses vitest's heartbeats) and collects its output. */
function runCommand(cmd: string, args: string[], opts: SpawnOptions): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...opts, stdio: ["ignore", "pipe", "pipe"] });
    started.push(child.pid!);
    let stdout = "", stderr = "";
    child.stdout!.setEncoding("utf8").on("data", (d: string) => { stdout += d; });
    child.stderr!.setEncoding("utf8").on("data", (d: string) => { stderr += d; });
    const timer = setTimeout(() => killTree(child.pid!), 120_000);
    child.on("error", reject);
    child.on("close", (status) => {
      clearTimeout(timer);
      started.splice(started.indexOf(child.pid!), 1);     // exited: its PID may be reused, never kill it later
      resolve({ status, stdout, stderr });
    });
  });
}

function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.INIT_CWD;
  delete env.npm_lifecycle_event;
  return env;
}

/** Runs `unijs ...args` in `cwd` (default the scratch folder) as an installed user would. */
function unijs(args: string[], cwd = work): Promise<Ran> {
  return runCommand(process.execPath, [join(ROOT, "bin/unijs.mjs"), ...args], { cwd, env: cleanEnv() });
}

/** Every file under `dir` whose name says it is a temp file. */
function tempFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => /\.tmp$/.test(f));
}

/** Asserts a refusal: the exit code, exactly one line on stderr matching `message`, no stack, no temp file. */
function refused(r: Ran, code: number, message: RegExp) {
  const lines = r.stderr.split("\n").filter((l) => l.trim());
  expect({ status: r.status, stderr: r.stderr }).toMatchObject({ status: code });
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^unijs: /);
  expect(lines[0]).toMatch(message);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(tempFiles(work)).toEqual([]);
}

/** Runs the refusals concurrently (the tool's start-up dominates) and checks each as `refused` does. */
async function refusedAll(cases: [string[], number, RegExp][]) {
  const results = await Promise.all(cases.map(([args]) => unijs(args)));
  results.forEach((r, i) => refused(r, cases[i][1], cases[i][2]));
}

function app(name: string, files: Record<string, string>): string {
  const dir = join(work, name);
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(join(dir, f, ".."), { recursive: true });
    writeFileSync(join(dir, f), text);
  }
  return dir;
}

const HELLO = 'console.log("hello from", process.argv.slice(2).join(","), process.env.GREETING ?? "-");\n';
app("hello", { "index.js": HELLO });

describe("unijs: help and versions", () => {
  it("--help and --version work alone and for each command, on stdout with exit 0", async () => {
    const version = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version;
    for (const args of [["--version"], ["image", "--version"], ["boot", "-v"], ["inspect", "--version"]]) {
      const r = await unijs(args);
      expect(r.status).toBe(0);
      expect(r.stdout.trim()).toBe(`unijs ${version} (QuickJS 2025-04-26)`);
    }
    const top = await unijs(["--help"]);
    expect(top.status).toBe(0);
    for (const c of ["image", "boot", "start", "inspect"]) expect(top.stdout).toContain(`unijs ${c} `);
    for (const c of ["image", "boot", "start", "inspect"]) {
      const r = await unijs([c, "--help"]);
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^usage: unijs ${c} `));
    }
    expect((await unijs(["image", "--help"])).stdout).toContain("--heap");
    expect((await unijs(["inspect", "--help"])).stdout).not.toContain("--heap");
    const none = await unijs([]);
    expect(none.status).toBe(2);
    expect(none.stderr).toContain("usage: unijs <command>");
  });
});

describe("unijs: errors are one line, exit 2 or 1, no stack, no temp file", () => {
  it("usage errors: unknown command and flags, missing app, flags without values", async () => {
    await refusedAll([
      [["frobnicate"], 2, /unknown command 'frobnicate'/],
      [["image", "hello", "--frobnicate"], 2, /unknown option --frobnicate/],
      [["inspect", "x.elf", "--mem", "64M"], 2, /unknown option --mem for 'unijs inspect'/],
      [["image"], 2, /needs an app folder or entry file/],
      [["image", "nope"], 2, /nope: no such file or folder/],
      [["image", "hello", "--mem"], 2, /--mem needs a value/],
      [["image", "hello", "extra"], 2, /takes one app folder or entry file/],
      [["boot", "hello", "--machine", "q35"], 2, /--machine is microvm or pc/],
      [["boot", "hello", "--timeout", "soon"], 2, /--timeout 'soon' is not a duration/],
      [["boot", "hello", "--disk", "missing.img"], 2, /--disk missing.img: no such file/],
      [["image", "hello", "--env", "NOEQUALS"], 2, /--env takes K=V/],
    ]);
  });

  it("memory: not a size, below the minimum (named), a heap too small to start or leaving no room for the kernel", async () => {
    await refusedAll([
      [["image", "hello", "--mem", "abc"], 2, /--mem 'abc' is not a size/],
      [["image", "hello", "--mem", "0"], 2, /--mem 0 is below the minimum of 16M/],
      [["image", "hello", "--mem", "8M"], 2, /--mem 8M is below the minimum of 16M/],
      [["image", "hello", "--heap", "1"], 2, /--heap 1 is too small to start the engine: the minimum is 2M/],
      [["image", "hello", "--heap", "120M"], 2, /--heap 120M leaves no room for the kernel in 128M of RAM: at most 112M/],
      [["image", "hello", "--mem", "32M", "--heap", "32M"], 2, /at most 16M/],
      [["boot", "hello", "--mem", "1G", "--heap", "2G"], 2, /leaves no room for the kernel in 1G/],
    ]);
  });

  it("apps: a folder with no entry, a package.json naming a missing file, a file that is not an app", async () => {
    app("empty", { "README.md": "nothing\n" });
    refused(await unijs(["image", "empty"]), 2, /empty: no entry file: give package.json "exports" or "main", or add index.js/);
    app("unbuilt", { "package.json": JSON.stringify({ main: "dist/index.js" }), "src/index.ts": "" });
    refused(await unijs(["image", "unbuilt"]), 2, /"main" names dist\/index.js, which does not exist \(build the app first\?\)/);
    app("badpkg", { "package.json": "{ not json", "index.js": "" });
    refused(await unijs(["image", "badpkg"]), 2, /badpkg\/package.json: not valid JSON/);
    refused(await unijs(["boot", "empty/README.md"]), 2, /empty\/README.md is not an app entry/);
    app("badcfg", { "package.json": JSON.stringify({ unijs: { memory: "1G" } }), "index.js": HELLO });
    refused(await unijs(["image", "badcfg"]), 2, /"unijs": unknown setting "memory"/);
    app("badcfg2", { "package.json": JSON.stringify({ unijs: { env: ["A=1"] } }), "index.js": HELLO });
    refused(await unijs(["image", "badcfg2"]), 2, /"unijs".env must be an object of strings/);
  });

  it("a build error is exit 1 with no image and no temp file; an output path under a file is refused", async () => {
    app("broken", { "index.js": "let x = ;\n" });
    const r = await unijs(["image", "broken", "-o", "out/broken.elf"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^unijs: build failed:/);
    expect(r.stderr).toContain("index.js:1");
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(tempFiles(work)).toEqual([]);
    writeFileSync(join(work, "afile"), "");
    refused(await unijs(["image", "hello", "-o", "afile/hello.elf"]), 2, /-o afile\/hello.elf: afile is a file, not a folder/);
    refused(await unijs(["image", "hello", "-o", "afile/sub/hello.elf"]), 2, /afile is a file, not a folder/);
  });

  it("booting or inspecting a file that is not an image, or a damaged one, says which", async () => {
    writeFileSync(join(work, "text.elf"), "just text\n");
    await refusedAll([
      [["boot", "text.elf"], 1, /text.elf is not a unijs image: not an ELF file/],
      [["inspect", "text.elf"], 1, /text.elf is not a unijs image: not an ELF file/],
      [["inspect", "missing.elf"], 2, /missing.elf: no such file/],
    ]);
    writeFileSync(join(work, "host.elf"), readFileSync(process.execPath).subarray(0, 1 << 20));
    refused(await unijs(["inspect", "host.elf"]), 1, /host.elf is (an ELF file but not a unijs image|a corrupt ELF file)/);
  });
});

describe("unijs: building, settings, inspect, boot", () => {
  it("-o <existing folder> writes <name>.elf into it; a corrupt or truncated copy is named as such", async () => {
    mkdirSync(join(work, "images"), { recursive: true });
    const r = await unijs(["image", "hello", "-o", "images"]);
    expect(r.status, r.stderr).toBe(0);
    const img = join(work, "images/hello.elf");
    expect(statSync(img).size).toBeGreaterThan(100_000);
    expect(tempFiles(work)).toEqual([]);
    const bytes = readFileSync(img);
    writeFileSync(join(work, "cut.elf"), bytes.subarray(0, bytes.length >> 1));
    refused(await unijs(["boot", "cut.elf"]), 1, /cut.elf is (corrupt|a corrupt ELF file)/);
    const flipped = Buffer.from(bytes);
    const at = flipped.indexOf("UNIJSAPP\x02\0\0\0", 0, "latin1");
    flipped[at + 200] ^= 0xff;
    writeFileSync(join(work, "flipped.elf"), flipped);
    refused(await unijs(["inspect", "flipped.elf"]), 1, /flipped.elf is corrupt: its app section's checksum does not match/);
  });

  it("paths are the caller's: `npm run image` from a subfolder of the checkout", async () => {
    const out = join(work, "from-npm.elf");
    const clean = cleanEnv();
    const r = await runCommand("npm", ["run", "-s", "image", "--", "hello", "-o", relative(join(ROOT, "examples"), out)],
      { cwd: join(ROOT, "examples"), env: clean });
    expect(r.status, r.stderr).toBe(0);
    expect(statSync(out).size).toBeGreaterThan(100_000);
  });

  it("finds the entry as Node does (exports \".\" conditions before main) and applies package.json \"unijs\" under flags", async () => {
    app("pkgapp", {
      "package.json": JSON.stringify({
        name: "pkgapp", main: "wrong.js",
        exports: { ".": { types: "./types.d.ts", import: "./lib/start.mjs", default: "./wrong.js" } },
        unijs: { mem: "64M", heap: "40M", env: { GREETING: "hi", OTHER: "x" }, args: ["a", "b"], assets: ["public"] },
      }),
      "lib/start.mjs": HELLO,
      "wrong.js": "throw new Error('not this one');\n",
      "public/index.html": "<p>hi</p>\n",
    });
    expect((await unijs(["image", "pkgapp", "-o", "pkgapp.elf"])).status).toBe(0);
    const info = JSON.parse((await unijs(["inspect", "pkgapp.elf", "--json"])).stdout);
    expect(info.memHint).toBe(64 << 20);
    expect(info.heapLimit).toBe(40 << 20);
    expect(info.config.env).toEqual({ GREETING: "hi", OTHER: "x" });
    expect(info.config.argv).toEqual(["/unijs", "/app/lib/start.mjs", "a", "b"]);
    expect(info.assets).toEqual([{ path: "public/index.html", mode: 0o644, bytes: 10 }]);
    // Flags win: --mem replaces, --env merges by name, --arg replaces the list.
    expect((await unijs(["image", "pkgapp", "-o", "pkgapp2.elf", "--mem", "96M", "--env", "GREETING=hey", "--arg", "c"])).status).toBe(0);
    const info2 = JSON.parse((await unijs(["inspect", "pkgapp2.elf", "--json"])).stdout);
    expect(info2.memHint).toBe(96 << 20);
    expect(info2.config.env).toEqual({ GREETING: "hey", OTHER: "x" });
    expect(info2.config.argv.slice(2)).toEqual(["c"]);
  });

  it("inspect: versions, options, modules with sizes, assets and the SHA-256 the host computes; the manifest is small", async () => {
    const r = await unijs(["image", "hello", "-o", "h.elf", "--keep-source", "--heap", "32M", "--env", "GREETING=yo"]);
    expect(r.status, r.stderr).toBe(0);
    const bytes = readFileSync(join(work, "h.elf"));
    const text = await unijs(["inspect", "h.elf"]);
    expect(text.status).toBe(0);
    expect(text.stdout).toContain(`sha256       ${createHash("sha256").update(bytes).digest("hex")}`);
    expect(text.stdout).toMatch(/^unijs +\d+\.\d+\.\d+$/m);
    expect(text.stdout).toMatch(/^engine +QuickJS 2025-04-26$/m);
    expect(text.stdout).toMatch(/^memory +128M RAM .*heap 32M/m);
    expect(text.stdout).toMatch(/^options +keep-source$/m);
    expect(text.stdout).toMatch(/^env +GREETING=yo$/m);
    expect(text.stdout).toMatch(/KiB  hello\/index\.js$|KiB  .*hello\/index\.js$/m);
    const info = JSON.parse((await unijs(["inspect", "h.elf", "--json"])).stdout);
    expect(info.modules.some((m: { path: string }) => m.path.endsWith("libos/console/index.ts"))).toBe(true);
    const total = info.modules.reduce((n: number, m: { bytes: number }) => n + m.bytes, 0);
    expect(total).toBeGreaterThan(10_000);
    // The manifest section: its JSON, a section header and its name: a few hundred bytes.
    const strip = spawnSync("objcopy", ["--remove-section", ".unijs.manifest", join(work, "h.elf"), join(work, "h-bare.elf")]);
    expect(strip.status).toBe(0);
    const growth = bytes.length - statSync(join(work, "h-bare.elf")).size;
    expect(growth).toBeGreaterThan(0);
    expect(growth).toBeLessThan(512);
  });

  it("boot: an image refused for --mem below its heap; a built image boots with the app's output and code", async () => {
    refused(await unijs(["boot", "h.elf", "--mem", "32M"]), 2, /--heap 32M leaves no room for the kernel in 32M .*image's heap limit/);
    const r = await unijs(["boot", "pkgapp", "--tcg", "--timeout", "60s"]);
    expect(r.stdout).toContain("hello from a,b hi");
    expect(r.status, r.stderr).toBe(0);
    expect(tempFiles(work)).toEqual([]);
  });
});
