// test/bench/linux/guest.ts — the Linux baselines' shared base and the disk baseline for `npm run bench -- devices
// --linux`: a Debian cloud kernel and a busybox initramfs booted in the same QEMU (TCG microvm) with the same disk,
// measuring sequential disk throughput with busybox dd. Everything comes from Debian's registry at run time
// (apt-get download, dpkg-deb -x) into build/bench/linux/<package>/ (ignored by git; only the kernel, busybox and the
// virtio block and net modules are kept there, and reused by later runs; nothing but these scripts is committed).
// node_http.ts builds the HTTP baseline (Node in the same kernel) on the same download. Any step that cannot be done
// (no apt, no network, not root) gives a reason to skip instead of failing the benchmark. Layer: bench (host only).
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startGuest, type Guest } from "../../../boot/launch/qemu.ts";

export interface LinuxGuest { kernel: string; initrd: string; version: string }
export interface LinuxBlkFigures { readMBs: number; writeMBs: number; writeFlushMBs: number }

const MODULES = ["drivers/virtio/virtio_ring.ko", "drivers/virtio/virtio.ko", "drivers/virtio/virtio_mmio.ko", "drivers/block/virtio_blk.ko"];
/** virtio-net and what it depends on (`modinfo -F depends`: virtio_ring, virtio, net_failover → failover). */
export const NET_MODULES = ["drivers/virtio/virtio_ring.ko", "drivers/virtio/virtio.ko", "drivers/virtio/virtio_mmio.ko",
  "net/core/failover.ko", "drivers/net/net_failover.ko", "drivers/net/virtio_net.ko"];
/** Every module kept from the kernel package, by its path under lib/modules/<version>/kernel/. */
const KEPT_MODULES = [...new Set([...MODULES, ...NET_MODULES])];

/** What the kernel package and busybox-static gave, unpacked under build/bench/linux/<package>/. */
export interface DebianKernel {
  /** build/bench/linux/<package>/ */
  dir: string;
  kernel: string;
  busybox: string;
  /** The kernel's release, e.g. 6.1.0-56-cloud-amd64. */
  version: string;
  /** The kept module file for a path under lib/modules/<version>/kernel/ (one of NET_MODULES or the disk ones). */
  module(path: string): string;
}

/**
 * /init: load the virtio modules, wait for /dev/vda, time dd over the whole disk (1 MiB blocks, O_DIRECT), power
 * off. busybox's date has no sub-second format, so the clock is the "now at N nsecs" line of /proc/timer_list, read
 * with shell built-ins (no process started inside the timed interval but dd itself).
 */
function initScript(mib: number): string {
  return `#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t devtmpfs dev /dev
mount -t proc proc /proc
mount -t sysfs sys /sys
for m in ${MODULES.map((m) => "/lib/" + m.split("/").pop()).join(" ")}; do insmod $m || echo "linux-bench insmod $m failed"; done
i=0
while [ ! -b /dev/vda ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done
[ -b /dev/vda ] || echo "linux-bench no /dev/vda"
stamp() { { read _ ; read _ ; read c; } < /proc/timer_list; set -- $c; T=$3; }
timed() { label=$1; shift; stamp; a=$T; dd "$@" bs=1M count=${mib} 2>/dev/null || echo "linux-bench dd failed"; stamp; echo "linux-bench $label bytes $((${mib} * 1048576)) ns $((T - a))"; }
timed read if=/dev/vda of=/dev/null iflag=direct
timed write if=/dev/zero of=/dev/vda oflag=direct
timed write+fsync if=/dev/zero of=/dev/vda oflag=direct conv=fsync
echo "linux-bench done"
poweroff -f
`;
}

/** An uncompressed cpio archive in the "newc" format the kernel unpacks as its initramfs. */
export function cpio(entries: { name: string; mode: number; data?: Buffer }[]): Buffer {
  const parts: Buffer[] = [];
  const pad4 = (n: number) => Buffer.alloc((4 - (n % 4)) % 4);
  const hex = (n: number) => n.toString(16).padStart(8, "0");
  let ino = 1;
  for (const e of [...entries, { name: "TRAILER!!!", mode: 0, data: undefined }]) {
    const data = e.data ?? Buffer.alloc(0);
    const name = Buffer.from(e.name + "\0");
    const header = "070701" + [ino++, e.mode, 0, 0, 1, 0, data.length, 0, 0, 0, 0, name.length, 0].map(hex).join("");
    parts.push(Buffer.from(header, "latin1"), name, pad4(110 + name.length), data, pad4(data.length));
  }
  return Buffer.concat(parts);
}

function run(cmd: string, args: string[], cwd?: string): string {
  return execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 300_000 });
}

/** The versioned kernel package linux-image-cloud-amd64 depends on, e.g. linux-image-6.1.0-56-cloud-amd64. */
function kernelPackage(): string | undefined {
  const dep = /Depends: (linux-image-[\w.+-]*cloud-amd64)\b/.exec(run("apt-cache", ["depends", "linux-image-cloud-amd64"]));
  return dep?.[1];
}

/**
 * Downloads and unpacks the kernel package and busybox-static into `out`/<package>/, keeping the kernel, busybox and
 * the virtio block and net modules (reused when already there). Returns them, or { skip } with the reason it could not.
 */
export function debianKernel(out: string): DebianKernel | { skip: string } {
  try {
    run("apt-get", ["--version"]);
    run("dpkg-deb", ["--version"]);
  } catch {
    return { skip: "apt-get and dpkg-deb are needed (a Debian-based host)" };
  }
  try {
    let pkg = kernelPackage();
    if (!pkg && process.getuid?.() === 0) {
      run("apt-get", ["update", "-qq"]);
      pkg = kernelPackage();
    }
    if (!pkg) return { skip: "apt knows no linux-image-cloud-amd64 (run apt-get update as root, or add Debian's main archive)" };
    const dir = join(out, pkg);
    const kernel = join(dir, "vmlinuz"), busybox = join(dir, "busybox"), modDir = join(dir, "modules");
    const module = (m: string) => join(modDir, m.split("/").pop()!);
    const kept = [kernel, busybox, join(dir, "version"), ...KEPT_MODULES.map(module)];
    if (!kept.every((f) => existsSync(f))) {
      // Unpack both packages into a scratch tree, keep the kernel, busybox and the modules, drop the rest.
      rmSync(dir, { recursive: true, force: true });
      const debs = join(dir, "debs"), root = join(dir, "root");
      mkdirSync(debs, { recursive: true });
      mkdirSync(modDir, { recursive: true });
      console.log(`  (Linux baseline: downloading ${pkg} and busybox-static from Debian into ${dir})`);
      run("apt-get", ["download", "-q", pkg, "busybox-static"], debs);
      for (const deb of readdirSync(debs).filter((f) => f.endsWith(".deb"))) run("dpkg-deb", ["-x", join(debs, deb), root]);
      const kernels = readdirSync(join(root, "boot")).filter((f) => f.startsWith("vmlinuz-"));
      if (kernels.length !== 1) return { skip: `expected one kernel in ${pkg}, found ${kernels.length}` };
      const v = kernels[0].slice("vmlinuz-".length);
      for (const m of KEPT_MODULES) copyFileSync(join(root, "lib/modules", v, "kernel", m), module(m));
      copyFileSync(join(root, "bin/busybox"), busybox);
      copyFileSync(join(root, "boot", kernels[0]), kernel);
      writeFileSync(join(dir, "version"), v);
      rmSync(debs, { recursive: true, force: true });
      rmSync(root, { recursive: true, force: true });
    }
    return { dir, kernel, busybox, version: readFileSync(join(dir, "version"), "utf8").trim(), module };
  } catch (e) {
    const err = e as { stderr?: string; message?: string };
    return { skip: `could not get the Debian packages: ${(err.stderr || err.message || String(e)).trim().split("\n").slice(-2).join(" ")}` };
  }
}

/** The kernel, and an initramfs whose /init runs the disk benchmark over a disk of `diskBytes`; or { skip }. */
export async function prepareLinuxGuest(out: string, diskBytes: number): Promise<LinuxGuest | { skip: string }> {
  const k = debianKernel(out);
  if ("skip" in k) return k;
  const entries: { name: string; mode: number; data?: Buffer }[] = [
    ...["bin", "dev", "proc", "sys", "lib"].map((d) => ({ name: d, mode: 0o40755 })),
    { name: "bin/busybox", mode: 0o100755, data: readFileSync(k.busybox) },
    { name: "init", mode: 0o100755, data: Buffer.from(initScript(Math.floor(diskBytes / (1024 * 1024)))) },
    ...MODULES.map((m) => ({ name: "lib/" + m.split("/").pop()!, mode: 0o100644, data: readFileSync(k.module(m)) })),
  ];
  const initrd = join(k.dir, "initrd.cpio");
  writeFileSync(initrd, cpio(entries));
  return { kernel: k.kernel, initrd, version: k.version };
}

/** "linux-bench LABEL bytes B ns T" → MiB/s. */
function ddRate(output: string, label: string): number {
  const m = new RegExp(`^linux-bench ${label.replace("+", "\\+")} bytes (\\d+) ns (\\d+)$`, "m").exec(output);
  if (!m || Number(m[2]) <= 0) throw new Error(`Linux guest: no figures for ${label}:\n${output.slice(-3000)}`);
  return Number(m[1]) / (1024 * 1024) / (Number(m[2]) / 1e9);
}

/**
 * Under TCG the guest's TSC is the host's, but the kernel often fails to calibrate it on microvm (no HPET or ACPI PM
 * timer; the PIT check races the emulation) and then hangs setting up its timers. The host's TSC rate from
 * /proc/cpuinfo avoids that, and with tsc=reliable the clock the timings use is the TSC (ns resolution).
 */
export function tscArgs(): string {
  const mhz = /^cpu MHz\s*:\s*([\d.]+)/m.exec(readFileSync("/proc/cpuinfo", "utf8"));
  return mhz ? `tsc_early_khz=${Math.round(Number(mhz[1]) * 1000)} tsc=reliable` : "";
}

/**
 * The same microvm, plus what Linux needs there: the option ROMs that load a bzImage kernel (unijs images are PVH
 * ELFs and run without them) and the PIT/PIC it calibrates its clocks against under TCG.
 */
export const LINUX_MICROVM_ARGS = ["-M", "microvm,x-option-roms=on,pit=on,pic=on"];

/** One boot of the Linux guest over `disk`: sequential read, write, write + fsync, each 1 MiB blocks, O_DIRECT. */
export async function linuxBlkRun(g: LinuxGuest, disk: string, track: (g: Guest) => Guest): Promise<LinuxBlkFigures> {
  let seen = "", ending = false;
  const guest = track(startGuest({
    image: g.kernel, accel: "tcg", machine: "microvm", memBytes: 256 * 1024 * 1024, timeoutMs: 60_000, rng: false,
    disks: [{ path: disk }],
    cmdline: `console=ttyS0 quiet panic=-1 rdinit=/init ${tscArgs()}`,
    extraArgs: [...LINUX_MICROVM_ARGS, "-initrd", g.initrd],
    onOutput: (t) => {
      seen += t;
      if (!ending && seen.includes("linux-bench done")) {
        ending = true;
        setTimeout(() => guest.kill(), 2000);     // if poweroff hangs
      }
    },
  }));
  const r = await guest.done;
  return {
    readMBs: ddRate(r.output, "read"),
    writeMBs: ddRate(r.output, "write"),
    writeFlushMBs: ddRate(r.output, "write+fsync"),
  };
}
