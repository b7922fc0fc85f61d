// boot/image/oci/qemu_files.ts — the host's QEMU as files for a container image (the self-running OCI variant):
// qemu-system-x86_64, every shared library `ldd` names for it (the dynamic loader included, each at the path ldd
// gives, symbolic links resolved to their contents), the TCG accelerator module where the distribution builds TCG
// as a module (Debian: accel-tcg-x86_64.so, loaded with dlopen, so ldd cannot see it), and the one firmware file the
// microvm machine needs with x-option-roms=off: its BIOS, bios-microvm.bin (qboot). Checked by booting a chroot
// holding only these files (test/e2e/oci.test.ts).
// Layer: build tools (host only).

import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, realpathSync, statSync } from "node:fs";
import { delimiter, dirname, join, resolve } from "node:path";
import { QEMU } from "../../launch/qemu.ts";
import type { TarEntry } from "./tar.ts";

/** Where the image holds QEMU and its firmware (the entrypoint passes `-L QEMU_DATA_DIR`). */
export const QEMU_IN_IMAGE = "/usr/bin/qemu-system-x86_64";
export const QEMU_DATA_DIR = "/usr/share/qemu";
/** The firmware files microvm loads (x-option-roms=off: no option ROMs, only its BIOS). */
export const MICROVM_FIRMWARE = ["bios-microvm.bin"];

/** The absolute path of `name` on PATH, or throws Error saying it is missing. */
export function findOnPath(name: string): string {
  for (const dir of (process.env.PATH ?? "/usr/bin:/bin").split(delimiter)) {
    const p = join(dir, name);
    if (dir && existsSync(p) && statSync(p).isFile()) return resolve(p);
  }
  throw new Error(`${name} is not installed (no such program on PATH); the self-running OCI image carries the host's QEMU`);
}

/** The libraries `ldd` names for an ELF file, as absolute paths. Throws Error when one is "not found". */
export function lddPaths(file: string): string[] {
  const out = execFileSync("ldd", [file], { encoding: "utf8" });
  const paths: string[] = [];
  for (const line of out.split("\n")) {
    if (/=> not found/.test(line)) throw new Error(`${file} needs ${line.trim().split(" ")[0]}, which ldd cannot find`);
    const m = /(?:=>\s*)?(\/\S+)\s+\(0x[0-9a-f]+\)/.exec(line);
    if (m) paths.push(m[1]);
  }
  return paths;
}

/** Folders where distributions keep QEMU's loadable modules (Debian's first). */
function moduleDirs(binary: string): string[] {
  return [
    "/usr/lib/x86_64-linux-gnu/qemu", join(dirname(binary), "../lib/x86_64-linux-gnu/qemu"),
    "/usr/lib64/qemu", "/usr/lib/qemu", join(dirname(binary), "../lib/qemu"),
  ];
}

/** Folders where QEMU's firmware may be (the distribution's data folder). */
function dataDirs(binary: string): string[] {
  return [QEMU_DATA_DIR, join(dirname(binary), "../share/qemu"), "/usr/share/qemu-kvm"];
}

function fileEntry(from: string, to: string): TarEntry {
  const real = realpathSync(from);
  return { type: "file", path: to, data: readFileSync(real), mode: statSync(real).mode & 0o777 };
}

/**
 * The files of the host's QEMU for a container image that runs it: `binary` (default: qemu-system-x86_64 on PATH)
 * at QEMU_IN_IMAGE, its libraries, the TCG module if there is one, and the microvm firmware under QEMU_DATA_DIR.
 * Throws Error when QEMU, a library or the firmware is missing on the host.
 */
export function hostQemuFiles(binary = findOnPath(QEMU)): TarEntry[] {
  const files = new Map<string, TarEntry>();
  files.set(QEMU_IN_IMAGE, fileEntry(binary, QEMU_IN_IMAGE));
  const needs = [binary];
  const tcg = moduleDirs(binary).map((d) => join(d, "accel-tcg-x86_64.so")).find((p) => existsSync(p));
  if (tcg) {
    files.set(resolve(tcg), fileEntry(tcg, resolve(tcg)));
    needs.push(tcg);
  }
  for (const elf of needs) {
    for (const lib of lddPaths(elf)) if (!files.has(lib)) files.set(lib, fileEntry(lib, lib));
  }
  for (const fw of MICROVM_FIRMWARE) {
    const found = dataDirs(binary).map((d) => join(d, fw)).find((p) => existsSync(p));
    if (!found) throw new Error(`QEMU's firmware ${fw} is not on this machine (looked in ${dataDirs(binary).join(", ")})`);
    files.set(join(QEMU_DATA_DIR, fw), fileEntry(found, join(QEMU_DATA_DIR, fw)));
  }
  return [...files.values()];
}
