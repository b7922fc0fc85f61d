// boot/image/link.ts — makes the native core (cached: `make` is a no-op once built), compiles the bundle to
// bytecode with the host build of the same engine, and links one ELF: kernel.ld + core.o + app blob + engine.a
// + musl libc.a + libgcc.a. Writes a stripped image and a symbol file beside it (for panic backtraces); the stripped
// image gets the build manifest (boot/image/manifest.ts) as a section that is never loaded.
// Layer: build tools (host only).

import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { MAKE_VARS, MUSL_LIBC, NATIVE_BUILD, NATIVE_SRC, ROOT } from "../paths.ts";
import { BuildError } from "./bundle.ts";
import { MANIFEST_SECTION } from "./manifest.ts";
import type { NativeLib } from "./native_libs.ts";

function run(cmd: string, args: string[], cwd?: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8" });
  if (r.error) throw new BuildError(`${cmd} could not run: ${r.error.message} (did 'npm install' finish?)`);
  if (r.status !== 0) throw new BuildError(`${cmd} ${args.join(" ")} failed:\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

/** Runs make on the native tree under an exclusive lock (flock(1), util-linux): image builds running at once (two
 *  test workers, two terminals) would otherwise both build a library on first use and write the same archive
 *  together — a clean CI run linked a half-written tls.a ('undefined reference to mbedtls_aes_crypt_ecb'). */
function make(targets: string[]): void {
  mkdirSync(NATIVE_BUILD, { recursive: true });
  run("flock", [join(NATIVE_BUILD, ".make.lock"), "make", "-C", NATIVE_SRC, "-s", "-j2", ...MAKE_VARS, ...targets]);
}

let nativeChecked = false;

/** Brings build/native up to date (compiles only what changed; the engine is compiled once per machine). An installed
 *  unijs whose postinstall did not run (npm 11 skips a dependency's install scripts unless the project allows them)
 *  runs it now: the sources and the engine go to the shared cache once. */
export function ensureNativeCore(): void {
  if (nativeChecked) return;
  if (MAKE_VARS.length && !existsSync(join(NATIVE_BUILD, "engine.a"))) {
    process.stderr.write("[unijs] preparing the engine and the native core in the shared cache (once per machine and unijs version)\n");
    const r = spawnSync(process.execPath, [join(ROOT, "boot/setup.mjs")], { stdio: ["ignore", 2, 2] });
    if (r.status !== 0) throw new BuildError(`the native core could not be prepared (see above); retry with 'node ${join(ROOT, "boot/setup.mjs")}'`);
  }
  make([]);
  nativeChecked = true;
}

/** Compiles a script (or, with `module`, an ES module) to QuickJS bytecode. A syntax error becomes a BuildError
 *  naming the bundle line. `keepSource`: functions keep their source text (Function.prototype.toString), at ~4x
 *  the bytecode size. */
export function compileBytecode(workDir: string, code: string, bundleName: string,
                                opts: { keepSource?: boolean; module?: boolean } = {}): Buffer {
  const src = join(workDir, bundleName);
  const out = join(workDir, "app.qbc");
  writeFileSync(src, code);
  const args = ["-o", out, "-n", bundleName, ...(opts.keepSource ? ["--keep-source"] : []),
    ...(opts.module ? ["--module"] : []), src];
  const r = spawnSync(join(NATIVE_BUILD, "host/unijs-qjsc"), args, { encoding: "utf8" });
  if (r.status !== 0) throw new BuildError(`the engine rejected the bundle: ${r.stderr.trim() || r.error}`);
  return readFileSync(out);
}

let libgcc: string | undefined;

/**
 * Links the image. `blob` is the encoded app blob; `nativeLibs` the libraries the bundle needs (native_libs.ts),
 * built on first use; `manifest`, the bytes of the stripped image's .unijs.manifest section. Returns the unstripped and
 * stripped ELF paths in workDir.
 */
export function linkImage(workDir: string, blob: Buffer, testHooks: boolean, profiler = false,
                          nativeLibs: readonly NativeLib[] = [], manifest?: Buffer): { full: string; stripped: string; symbols: string } {
  writeFileSync(join(workDir, "app.bin"), blob);
  writeFileSync(join(workDir, "app.S"),
    '    .section .unijs.app, "a"\n    .balign 16\n    .global unijs_app\nunijs_app:\n    .incbin "app.bin"\n' +
    '    .section .note.GNU-stack, "", @progbits\n');
  run("as", ["--64", "-o", "app.o", "app.S"], workDir);
  if (profiler) make(["prof"]);
  if (nativeLibs.length) make(nativeLibs.map((l) => `lib-${l.name}`));
  // Each library's glue as an object (its hal_install_NAME is only weakly referenced: an archive member would not
  // be pulled in), the library itself as an archive (only what the glue uses).
  const libObjs = nativeLibs.flatMap((l) => [join(NATIVE_BUILD, "lib", `${l.name}_glue.o`),
    ...(l.archive ? [join(NATIVE_BUILD, "lib", `${l.name}.a`)] : [])]);
  libgcc ??= run("gcc", ["-print-libgcc-file-name"]).trim();
  const objs = [join(NATIVE_BUILD, "core.o"), ...(testHooks ? [join(NATIVE_BUILD, "test_hooks.o")] : []), "app.o"];
  run("ld", [
    "-nostdlib", "-static", "-T", join(NATIVE_SRC, "kernel.ld"), "--gc-sections", "--build-id=none",
    "-z", "max-page-size=0x1000", "-z", "noexecstack", "--no-warn-rwx-segments", "-o", "image.full.elf",
    ...objs, ...libObjs, join(NATIVE_BUILD, profiler ? "engine-prof.a" : "engine.a"), "--start-group", MUSL_LIBC, libgcc, "--end-group",
  ], workDir);
  run("objcopy", ["--strip-all", "image.full.elf", "image.elf"], workDir);
  if (manifest) {
    writeFileSync(join(workDir, "manifest.json"), manifest);
    run("objcopy", ["--add-section", `${MANIFEST_SECTION}=manifest.json`,
      "--set-section-flags", `${MANIFEST_SECTION}=readonly,contents`, "image.elf"], workDir);
  }
  const nm = run("nm", ["-n", "--defined-only", "image.full.elf"], workDir);
  // Text symbols, plus __text_end so addresses past the code are not attributed to its last function.
  const symbols = nm.split("\n").filter((l) => / [tTwW] /.test(l) || l.endsWith(" __text_end")).join("\n") + "\n";
  writeFileSync(join(workDir, "image.sym"), symbols);
  return { full: join(workDir, "image.full.elf"), stripped: join(workDir, "image.elf"), symbols: join(workDir, "image.sym") };
}
