// test/bench/linux/node_fs.ts — the Linux-guest baseline of `npm run bench -- fs`: Node inside a Linux guest in the
// same QEMU (TCG microvm) as the unijs guest, with a fresh ext4 volume as its first virtio-blk disk mounted at /data.
// The initramfs holds busybox, the virtio-blk modules of the Debian cloud kernel from guest.ts (ext4, jbd2, mbcache
// and crc32c are built into that kernel: CONFIG_EXT4_FS=y), the host's own Node binary with the shared libraries
// `ldd` lists for it and the dynamic loader, and the workload script itself, unchanged (test/bench/fs/workload.cjs).
// /init loads the modules, mounts /dev/vda at /data (ext4, default options: data=ordered, barriers on), runs the
// workload, unmounts the volume (so the host's e2fsck sees it clean) and powers off. The caller boots it once per
// phase over the same volume. Any step that cannot be done gives a reason to skip. Layer: bench (host only).
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { startGuest, type Guest } from "../../../boot/launch/qemu.ts";
import { cpio, debianKernel, LINUX_MICROVM_ARGS, tscArgs } from "./guest.ts";
import { LINUX_NODE_MEM } from "./node_http.ts";

/** virtio-blk and what it depends on, in load order (guest.ts keeps these from the kernel package). */
const BLK_MODULES = ["drivers/virtio/virtio_ring.ko", "drivers/virtio/virtio.ko", "drivers/virtio/virtio_mmio.ko",
  "drivers/block/virtio_blk.ko"];

export interface LinuxNodeFsGuest {
  kernel: string;
  initrd: string;
  /** The kernel's release, e.g. 6.1.0-57-cloud-amd64. */
  version: string;
  /** The Node version inside (the host's own binary). */
  node: string;
  initrdBytes: number;
  memBytes: number;
}

/** What one boot printed: the console text and QEMU's outcome. */
export interface LinuxNodeFsBoot { output: string; outcome: string; code: number }

/** The files `ldd` lists for a binary (libraries at the paths the loader finds them, and the loader itself). */
function sharedLibraries(binary: string): string[] | { skip: string } {
  let out: string;
  try {
    out = execFileSync("ldd", [binary], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    const text = `${(e as { stdout?: string }).stdout ?? ""}${(e as { stderr?: string }).stderr ?? ""}`;
    if (/not a dynamic executable|statically linked/.test(text)) return [];
    return { skip: `ldd ${binary} failed: ${text.trim() || (e as Error).message}` };
  }
  const files: string[] = [];
  for (const line of out.split("\n")) {
    if (/not found/.test(line)) return { skip: `ldd ${binary}: ${line.trim()}` };
    const m = /=>\s*(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(0x/.exec(line);
    if (m) files.push(m[1]);
  }
  return files;
}

/** Quotes one word for the busybox shell. */
const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * /init: busybox applets, the usual mounts, the virtio-blk modules, /dev/vda mounted at /data, then the workload
 * with `args`. Lines it prints itself start with "fs-bench-linux".
 */
function initScript(modules: string[], args: string[]): string {
  return `#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t devtmpfs dev /dev
mount -t proc proc /proc
mount -t sysfs sys /sys
for m in ${modules.join(" ")}; do insmod /modules/$m.ko || echo "fs-bench-linux insmod $m failed"; done
i=0
while [ ! -b /dev/vda ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done
mkdir -p /data
if [ ! -b /dev/vda ]; then
  echo "fs-bench-linux no /dev/vda"
elif mount -t ext4 /dev/vda /data; then
  echo "fs-bench-linux mounted $(grep ' /data ' /proc/mounts)"
  cd /app
  /bin/node workload.cjs ${args.map(shq).join(" ")}
  echo "fs-bench-linux node exited $?"
  cd /
  sync
  umount /data || echo "fs-bench-linux umount /data failed"
else
  echo "fs-bench-linux mount -t ext4 /dev/vda /data failed"
fi
poweroff -f
`;
}

/**
 * Gets the Debian kernel (guest.ts) and writes an initramfs under `out` whose /init runs `workload` (copied as it
 * is) with `args` over the ext4 volume at /data. Returns the paths, or { skip } with the reason it could not.
 */
export function prepareLinuxNodeFsGuest(out: string, workload: string, args: string[]): LinuxNodeFsGuest | { skip: string } {
  try {
    const k = debianKernel(out);
    if ("skip" in k) return k;
    const libs = sharedLibraries(process.execPath);
    if ("skip" in libs) return libs;
    const entries: { name: string; mode: number; data?: Buffer }[] = [];
    const dirs = new Set<string>();
    const dir = (d: string) => {
      if (d === "." || d === "/" || dirs.has(d)) return;
      dir(dirname(d));
      dirs.add(d);
      entries.push({ name: d, mode: 0o40755 });
    };
    const file = (name: string, mode: number, data: Buffer) => {
      dir(dirname(name));
      entries.push({ name, mode, data });
    };
    for (const d of ["dev", "proc", "sys", "tmp", "data"]) dir(d);
    file("bin/busybox", 0o100755, readFileSync(k.busybox));
    file("bin/node", 0o100755, readFileSync(process.execPath));
    for (const lib of libs) file(lib.slice(1), 0o100755, readFileSync(lib));
    const names = BLK_MODULES.map((m) => m.split("/").pop()!.replace(/\.ko$/, ""));
    BLK_MODULES.forEach((m, i) => file(`modules/${names[i]}.ko`, 0o100644, readFileSync(k.module(m))));
    file("app/workload.cjs", 0o100644, readFileSync(workload));
    file("init", 0o100755, Buffer.from(initScript(names, args)));
    const image = cpio(entries);
    const initrd = join(k.dir, "initrd-node-fs.cpio");
    writeFileSync(initrd, image);
    return { kernel: k.kernel, initrd, version: k.version, node: process.version, initrdBytes: image.length,
      memBytes: LINUX_NODE_MEM };
  } catch (e) {
    return { skip: `could not build the initramfs: ${(e as Error).message.split("\n")[0]}` };
  }
}

/**
 * One boot of the Linux guest over `volume` (virtio-blk, QEMU's default cache mode, as the unijs guest gets it):
 * resolves when QEMU has ended (the guest powers off after the workload; killed after `timeoutMs`).
 */
export async function bootLinuxNodeFs(g: LinuxNodeFsGuest, volume: string, timeoutMs: number,
  track: (g: Guest) => Guest): Promise<LinuxNodeFsBoot> {
  let seen = "", ending = false;
  const guest = track(startGuest({
    image: g.kernel, accel: "tcg", machine: "microvm", memBytes: g.memBytes, timeoutMs, rng: false,
    disks: [{ path: volume }],
    cmdline: `console=ttyS0 quiet panic=-1 rdinit=/init ${tscArgs()}`,
    extraArgs: [...LINUX_MICROVM_ARGS, "-initrd", g.initrd],
    onOutput: (t) => {
      seen += t;
      if (!ending && /fs-bench-linux (node exited|no \/dev|mount -t)/.test(seen)) {
        ending = true;
        setTimeout(() => guest.kill(), 60_000);     // if unmounting or poweroff hangs
      }
    },
  }));
  const r = await guest.done;
  return { output: r.output, outcome: r.outcome, code: r.code };
}
