// test/bench/linux/node_http.ts — the Linux-guest baseline of `npm run bench -- http`: Node inside a Linux guest in
// the same QEMU (TCG microvm) as the unijs guest, on the same kind of virtio-net link. The initramfs holds busybox,
// the virtio-net modules of the Debian cloud kernel from guest.ts, the host's own Node binary with the shared
// libraries `ldd` lists for it and the dynamic loader, and the app bundled for Node by esbuild into one server.js.
// /init loads the modules, puts eth0 on the address given on the kernel command line and runs `node server.js`.
// Any step that cannot be done gives a reason to skip. Layer: bench (host only).
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { build } from "esbuild";
import { startGuest, type Guest, type NetBackend } from "../../../boot/launch/qemu.ts";
import { cpio, debianKernel, LINUX_MICROVM_ARGS, NET_MODULES, tscArgs } from "./guest.ts";

export interface LinuxNodeGuest {
  kernel: string;
  initrd: string;
  /** The kernel's release, e.g. 6.1.0-56-cloud-amd64. */
  version: string;
  /** The Node version inside (the host's own binary). */
  node: string;
  initrdBytes: number;
}

/** Guest RAM: the initramfs alone holds the ~100 MB Node binary, and is unpacked into RAM. */
export const LINUX_NODE_MEM = 1024 * 1024 * 1024;

/** The modules' names in an order that loads each after what it depends on (the depends= of its .modinfo). */
function loadOrder(files: Map<string, Buffer>): string[] | { skip: string } {
  const deps = new Map<string, string[]>();
  for (const [name, data] of files) {
    const m = /\0depends=([^\0]*)\0/.exec(data.toString("latin1"));
    deps.set(name, m && m[1] ? m[1].split(",") : []);
  }
  const order: string[] = [];
  const visit = (name: string, from: string): string | undefined => {
    if (order.includes(name)) return undefined;
    const d = deps.get(name);
    if (!d) return `${from} depends on ${name}, which is not among the kept modules`;
    for (const x of d) {
      const why = visit(x, name);
      if (why) return why;
    }
    if (!order.includes(name)) order.push(name);
    return undefined;
  };
  for (const name of files.keys()) {
    const why = visit(name, name);
    if (why) return { skip: why };
  }
  return order;
}

/** The files `ldd` lists for a binary (libraries by the path the loader finds them at, and the loader itself). */
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

/**
 * /init: busybox applets, the usual mounts, the modules in dependency order, eth0 on $benchip (the kernel hands
 * unknown name=value command-line parameters to init as environment), then Node serving on $benchport. When Node
 * exits the guest powers off, so QEMU ends with it.
 */
function initScript(modules: string[]): string {
  return `#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t devtmpfs dev /dev
mount -t proc proc /proc
mount -t sysfs sys /sys
for m in ${modules.join(" ")}; do insmod /modules/$m.ko || echo "linux-bench insmod $m failed"; done
i=0
while [ ! -e /sys/class/net/eth0 ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done
ip link set lo up
ip addr add $benchip dev eth0 && ip link set eth0 up || echo "linux-bench eth0 could not be set up"
echo "linux-bench eth0 $benchip, starting $(/bin/node --version) on port $benchport"
cd /app
PORT=$benchport /bin/node server.js
echo "linux-bench node exited $?"
poweroff -f
`;
}

/**
 * Gets the Debian kernel (guest.ts), bundles `entry` for Node with esbuild and writes the initramfs under `out`
 * (named after `tag`, so benches with other apps, e.g. tls, do not overwrite http's).
 * Returns the paths, or { skip } with the reason it could not.
 */
export async function prepareLinuxNodeGuest(out: string, entry: string, tag = "http"): Promise<LinuxNodeGuest | { skip: string }> {
  try {
    return await initramfs(out, entry, tag);
  } catch (e) {
    return { skip: `could not build the initramfs: ${(e as Error).message.split("\n")[0]}` };
  }
}

async function initramfs(out: string, entry: string, tag: string): Promise<LinuxNodeGuest | { skip: string }> {
  const k = debianKernel(out);
  if ("skip" in k) return k;
  const modFiles = new Map(NET_MODULES.map((m) => [m.split("/").pop()!.replace(/\.ko$/, ""), readFileSync(k.module(m))]));
  const order = loadOrder(modFiles);
  if ("skip" in order) return order;
  const libs = sharedLibraries(process.execPath);
  if ("skip" in libs) return libs;

  const bundle = join(out, `${tag}-server.node.js`);
  try {
    await build({ entryPoints: [entry], bundle: true, platform: "node", format: "cjs", target: "node20",
      outfile: bundle, logLevel: "silent" });
  } catch (e) {
    return { skip: `esbuild could not bundle ${entry} for Node: ${(e as Error).message.split("\n")[0]}` };
  }

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
  for (const d of ["dev", "proc", "sys", "tmp"]) dir(d);
  file("bin/busybox", 0o100755, readFileSync(k.busybox));
  file("bin/node", 0o100755, readFileSync(process.execPath));
  // Each library at the path ldd printed (the loader's own search finds it there too); readFileSync follows links.
  for (const lib of libs) file(lib.slice(1), 0o100755, readFileSync(lib));
  for (const [name, data] of modFiles) file(`modules/${name}.ko`, 0o100644, data);
  file("app/server.js", 0o100644, readFileSync(bundle));
  file("init", 0o100755, Buffer.from(initScript(order)));

  const image = cpio(entries);
  const initrd = join(k.dir, `initrd-node-${tag}.cpio`);
  writeFileSync(initrd, image);
  return { kernel: k.kernel, initrd, version: k.version, node: process.version, initrdBytes: image.length };
}

/**
 * Boots the Linux guest with Node serving on `port` at `cidr` over `net` (virtio-net, as the unijs guest gets it).
 * The caller owns the guest and kills it.
 */
export function startLinuxNodeGuest(g: LinuxNodeGuest, net: NetBackend, cidr: string, port: number,
  onOutput?: (text: string) => void): Guest {
  return startGuest({
    image: g.kernel, accel: "tcg", machine: "microvm", memBytes: LINUX_NODE_MEM, rng: false, net, onOutput,
    cmdline: `console=ttyS0 quiet panic=-1 rdinit=/init ${tscArgs()} benchip=${cidr} benchport=${port}`,
    extraArgs: [...LINUX_MICROVM_ARGS, "-initrd", g.initrd],
  });
}
