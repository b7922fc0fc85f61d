// boot/launch/qemu.ts — boots an image in QEMU: the fast microvm line from DESIGN.md (or pc), KVM when
// /dev/kvm is usable, the serial console streamed to the caller, the guest's exit status mapped back to the
// app's code, a timeout that kills the guest by PID, and panic backtraces symbolised from the image's .sym file.
// Layer: build tools (host only).

import { spawn } from "node:child_process";
import { accessSync, constants, existsSync, readFileSync } from "node:fs";
import { decodeQemuStatus, LAUNCH, type Outcome } from "../exit_codes.ts";

export type Accel = "auto" | "kvm" | "tcg";
export type Machine = "microvm" | "pc";

export interface BootOptions {
  image: string;
  accel?: Accel;
  machine?: Machine;
  /** Guest RAM in bytes (default 128 MiB). */
  memBytes?: number;
  /** Kill the guest after this many milliseconds (0 or absent: never). */
  timeoutMs?: number;
  /** Receives console text as it arrives ("\r\n" already turned into "\n"). */
  onOutput?: (text: string) => void;
  /** More QEMU arguments (devices, netdevs). */
  extraArgs?: string[];
  /** Kernel command line. */
  cmdline?: string;
  /** Disk images attached as virtio-blk devices, in order. */
  disks?: { path: string; readonly?: boolean }[];
  /** A virtio-net device and its backend (see parseNetOption). */
  net?: NetBackend;
  /** Attach a virtio-rng device (default true). */
  rng?: boolean;
}

/** How a virtio-net device reaches the host. Every host-side address is on 127.0.0.1. */
export type NetBackend =
  | { kind: "user"; hostfwd?: { proto: "tcp" | "udp"; hostPort: number; guestPort: number }[];
      guestfwd?: { guestIp: string; guestPort: number; hostPort: number }[] }
  | { kind: "udp"; localPort: number; remotePort: number }
  /** A tap device inside a network namespace the caller created (tests); QEMU is started inside it. */
  | { kind: "tap"; netns: string; ifname: string; /** The device's MTU (virtio-net host_mtu; match the tap's). */ mtu?: number };

/**
 * Parses the --net option: "user[,hostfwd=tcp:HOSTPORT-:GUESTPORT]..." (QEMU user networking, restrict=on) or
 * "udp:LOCALPORT:REMOTEPORT" (frames as UDP datagrams between 127.0.0.1 ports, for test peers).
 */
export function parseNetOption(s: string): NetBackend {
  const [kind, ...rest] = s.split(",");
  if (kind === "user") {
    const hostfwd = [];
    for (const r of rest) {
      const m = /^hostfwd=(tcp|udp):(?:127\.0\.0\.1)?:?(\d+)-:(\d+)$/.exec(r);
      if (!m) throw new Error(`--net user: cannot read '${r}' (expected hostfwd=tcp:HOSTPORT-:GUESTPORT)`);
      hostfwd.push({ proto: m[1] as "tcp" | "udp", hostPort: Number(m[2]), guestPort: Number(m[3]) });
    }
    return { kind: "user", hostfwd };
  }
  const udp = /^udp:(\d+):(\d+)$/.exec(s);
  if (udp) return { kind: "udp", localPort: Number(udp[1]), remotePort: Number(udp[2]) };
  throw new Error(`--net '${s}': expected user[,hostfwd=tcp:HOSTPORT-:GUESTPORT] or udp:LOCALPORT:REMOTEPORT`);
}

/** QEMU arguments for the devices (virtio-mmio on microvm, modern-only virtio-pci on pc). */
export function deviceArgs(o: BootOptions, machine: Machine): string[] {
  const dev = (name: string) => (machine === "microvm" ? `virtio-${name}-device` : `virtio-${name}-pci,disable-legacy=on`);
  const args: string[] = [];
  (o.disks ?? []).forEach((d, i) => {
    args.push("-drive", `if=none,id=disk${i},format=raw,file=${d.path}${d.readonly ? ",readonly=on" : ""}`,
      "-device", `${dev("blk")},drive=disk${i}`);
  });
  const n = o.net;
  if (n?.kind === "user") {
    const fwd = (n.hostfwd ?? []).map((f) => `,hostfwd=${f.proto}:127.0.0.1:${f.hostPort}-:${f.guestPort}`).join("");
    const gfwd = (n.guestfwd ?? []).map((f) => `,guestfwd=tcp:${f.guestIp}:${f.guestPort}-tcp:127.0.0.1:${f.hostPort}`).join("");
    args.push("-netdev", `user,id=net0,restrict=on${fwd}${gfwd}`, "-device", `${dev("net")},netdev=net0,rx_queue_size=1024`);
  } else if (n?.kind === "tap") {
    const mtu = n.mtu ? `,host_mtu=${n.mtu}` : "";
    args.push("-netdev", `tap,id=net0,ifname=${n.ifname},script=no,downscript=no`, "-device", `${dev("net")},netdev=net0,rx_queue_size=1024${mtu}`);
  } else if (n?.kind === "udp") {
    args.push("-netdev", `socket,id=net0,udp=127.0.0.1:${n.remotePort},localaddr=127.0.0.1:${n.localPort}`,
      "-device", `${dev("net")},netdev=net0,rx_queue_size=1024`);
  }
  if (o.rng ?? true) args.push("-object", "rng-random,id=rng0,filename=/dev/urandom", "-device", `${dev("rng")},rng=rng0`);
  return args;
}

export interface BootResult {
  outcome: Outcome;
  /** The app's exit code, or one of LAUNCH.* for other outcomes. */
  code: number;
  /** Everything the guest printed (symbolised). */
  output: string;
  /** QEMU's stderr. */
  stderr: string;
  /** From spawning QEMU to its exit, milliseconds. */
  wallMs: number;
  accel: "kvm" | "tcg" | "kvm,tcg";
}

export interface Guest {
  pid: number;
  done: Promise<BootResult>;
  /** Kills QEMU (SIGKILL) if it still runs. Safe to call more than once. */
  kill(): void;
}

export const QEMU = "qemu-system-x86_64";

/**
 * True when /dev/kvm can be opened for reading and writing and is backed by hardware virtualisation
 * (kvm_intel or kvm_amd). A /dev/kvm served by kvm_pvm (PVM: guests run without VT-x/AMD-V) only runs
 * PVM-aware kernels: it fails on ours with "emulation failure", so it counts as unusable.
 */
export function kvmUsable(): boolean {
  try {
    accessSync("/dev/kvm", constants.R_OK | constants.W_OK);
  } catch {
    return false;
  }
  return existsSync("/sys/module/kvm_intel") || existsSync("/sys/module/kvm_amd");
}

/** The QEMU command line for an image (without the binary). */
export function qemuArgs(o: BootOptions): { args: string[]; accel: BootResult["accel"] } {
  const want = o.accel ?? "auto";
  const accel = want === "tcg" ? "tcg" : want === "kvm" ? "kvm" : kvmUsable() ? "kvm,tcg" : "tcg";
  const mem = Math.max(16, Math.round((o.memBytes ?? 128 * 1024 * 1024) / (1024 * 1024)));
  const machine = o.machine ?? "microvm";
  const args = [
    // microvm: ioapic2=off puts virtio-mmio interrupts on GSI 16+slot of the one I/O APIC; modern virtio-mmio only.
    "-M", machine === "microvm" ? "microvm,x-option-roms=off,rtc=on,ioapic2=off" : "pc",
    ...(machine === "microvm" ? ["-global", "virtio-mmio.force-legacy=false"] : []),
    ...(machine === "pc" && existsSync("/usr/share/qemu/qboot.rom") ? ["-bios", "qboot.rom"] : []),
    ...accel.split(",").flatMap((a) => ["-accel", a]),
    "-cpu", want === "kvm" ? "host" : "max",
    "-m", `${mem}M`,
    "-nodefaults", "-no-user-config", "-nographic", "-no-reboot",
    "-serial", "stdio",
    "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
    "-kernel", o.image,
    ...(o.cmdline ? ["-append", o.cmdline] : []),
    ...deviceArgs(o, machine),
    ...(o.extraArgs ?? []),
  ];
  return { args, accel };
}

/** Loads "ADDR t name" lines (nm -n) for symbolising backtraces. */
function loadSymbols(image: string): { addr: number; name: string }[] {
  const path = image + ".sym";
  if (!existsSync(path)) return [];
  return readFileSync(path, "utf8").split("\n").filter(Boolean).map((l) => {
    const [a, , name] = l.split(" ");
    return { addr: parseInt(a, 16), name };
  });
}

/** "  #3 0x10a2f3" → "  #3 0x10a2f3 js_call_function+0x4f". */
export function symbolise(line: string, syms: { addr: number; name: string }[]): string {
  const m = /^\s+#[-\d]+ 0x([0-9a-f]+)/.exec(line);
  if (!m || syms.length === 0) return line;
  const addr = parseInt(m[1], 16);
  let lo = 0, hi = syms.length - 1, best = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (syms[mid].addr <= addr) { best = mid; lo = mid + 1; } else hi = mid - 1;
  }
  if (best < 0 || syms[best].name === "__text_end") return line;
  return `${line} ${syms[best].name}+0x${(addr - syms[best].addr).toString(16)}`;
}

/** Starts QEMU on an image. The caller owns the returned guest and must kill() it if it stops waiting. */
export function startGuest(o: BootOptions): Guest {
  if (!existsSync(o.image)) throw new Error(`${o.image}: no such image (build one with 'npm run image')`);
  const { args, accel } = qemuArgs(o);
  const t0 = performance.now();
  const child = o.net?.kind === "tap"
    ? spawn("ip", ["netns", "exec", o.net.netns, QEMU, ...args], { stdio: ["ignore", "pipe", "pipe"] })
    : spawn(QEMU, args, { stdio: ["ignore", "pipe", "pipe"] });
  const syms = loadSymbols(o.image);
  let output = "";
  let stderr = "";
  let pending = "";
  let timedOut = false;
  let exited = false;
  const emit = (text: string) => {
    output += text;
    o.onOutput?.(text);
  };
  child.stdout.setEncoding("utf8");
  // Whole lines are symbolised and emitted at once; a partial line (a prompt) is flushed after a short pause.
  let partialTimer: ReturnType<typeof setTimeout> | undefined;
  const flushPartial = () => {
    partialTimer = undefined;
    if (pending && !pending.endsWith("\r")) { emit(pending); pending = ""; }
  };
  child.stdout.on("data", (chunk: string) => {
    pending = (pending + chunk).replace(/\r\n/g, "\n");
    const cut = pending.lastIndexOf("\n");
    if (cut >= 0) {
      emit(pending.slice(0, cut + 1).split("\n").map((l) => symbolise(l, syms)).join("\n"));
      pending = pending.slice(cut + 1);
    }
    if (partialTimer) clearTimeout(partialTimer);
    if (pending) partialTimer = setTimeout(flushPartial, 100);
  });
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (c: string) => (stderr += c));
  const kill = () => {
    if (!exited && child.pid) {
      try { process.kill(child.pid, "SIGKILL"); } catch { /* already gone */ }
    }
  };
  const timer = o.timeoutMs ? setTimeout(() => { timedOut = true; kill(); }, o.timeoutMs) : undefined;
  const done = new Promise<BootResult>((resolveDone) => {
    const finish = (status: number | null) => {
      exited = true;
      if (timer) clearTimeout(timer);
      if (partialTimer) clearTimeout(partialTimer);
      if (pending) emit(symbolise(pending.replace(/\r$/, ""), syms));
      pending = "";
      const wallMs = performance.now() - t0;
      let { outcome, code } = decodeQemuStatus(status);
      // QEMU stopped by a signal (Ctrl-C, kill) exits 0 like a guest reset: tell them apart by what it printed.
      if (outcome === "reset" && /terminating on signal/.test(stderr)) ({ outcome, code } = { outcome: "qemu-error", code: LAUNCH.QEMU_ERROR });
      if (timedOut) ({ outcome, code } = { outcome: "timeout", code: LAUNCH.TIMEOUT });
      resolveDone({ outcome, code, output, stderr, wallMs, accel });
    };
    child.on("error", (e) => { stderr += String(e); finish(null); });
    child.on("close", (status) => finish(status));
  });
  return { pid: child.pid ?? -1, done, kill };
}

/** Boots and waits. Kills the guest if the timeout passes. */
export async function bootImage(o: BootOptions): Promise<BootResult> {
  return startGuest(o).done;
}
