// boot/launch/qemu.ts — boots an image in QEMU: the fast microvm line from DESIGN.md (or pc), KVM when
// /dev/kvm is usable, the serial console streamed to the caller, the guest's exit status mapped back to the
// app's code, a timeout that kills the guest by PID, and panic backtraces symbolised from the image's .sym file.
// On request, the guest's serial input is the caller's to write (`input`: Guest.write/endInput) and a QMP socket
// lets the caller ask the guest to shut down (`control`: Guest.powerDown, QEMU's system_powerdown — the ACPI power
// button, which an image that handles signals turns into SIGTERM).
// Process hygiene: QEMU (and passt) run under boot/launch/guard.c, which kills them when the launcher dies, even
// by SIGKILL; with `supervise`, signals to the launcher and the death of the chain that started it power the
// guest off (boot/launch/supervise.ts). `--net user` runs on passt when it is installed (boot/launch/passt.ts),
// slirp otherwise; a taken host port is named before QEMU starts (boot/launch/host_ports.ts).
// Layer: build tools (host only).

import { spawn, type ChildProcessByStdio } from "node:child_process";
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Readable, Writable } from "node:stream";
import { APP_EXIT_MAX, decodeQemuStatus, LAUNCH, signalExitCode, type Outcome } from "../exit_codes.ts";
import { guarded } from "./guard.ts";
import { firstTakenForward, mapForwardError } from "./host_ports.ts";
import { passtUsable, startPasst, type Passt } from "./passt.ts";
import { DEFAULT_GRACE_MS, supervise, type Supervision } from "./supervise.ts";

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
  /** The serial console's input: true, a pipe the caller writes with Guest.write; "inherit", this process's own
   *  stdin (a person typing at `npm run boot`); default none. */
  input?: boolean | "inherit";
  /** A QMP control socket, so that Guest.powerDown can press the ACPI power button. */
  control?: boolean;
  /** For a launcher process (the CLI): SIGINT/SIGTERM/SIGHUP to this process, or the death of the processes that
   *  started it, press the power button and kill the guest `graceMs` later (default 3 s); QEMU gets its own process
   *  group so a terminal's Ctrl-C reaches it only this way. Implies `control`. */
  supervise?: boolean | { graceMs: number };
  /** "virtio" (default): the app's stdout and stderr arrive on virtio-console ports (consoleArgs) apart from the
   *  UART; "uart": no console device, the UART carries everything (as images before it did). */
  console?: "virtio" | "uart";
  /** Receives the app's stderr (its virtio-console port). Absent: stderr text goes to onOutput with the rest. */
  onStderr?: (text: string) => void;
}

/** How a virtio-net device reaches the host. Every host-side address is on 127.0.0.1. */
export type NetBackend =
  | { kind: "user"; hostfwd?: { proto: "tcp" | "udp"; hostPort: number; guestPort: number }[];
      /** Guest connections to guestIp:guestPort reach 127.0.0.1:hostPort (each one its own host connection). */
      guestfwd?: { guestIp: string; guestPort: number; hostPort: number }[];
      /** "passt" (boot/launch/passt.ts), "slirp" (QEMU's built-in), "auto": passt where it can run (not with
       *  guestfwd, which is slirp's). Default "slirp"; parseNetOption gives "auto". */
      backend?: "auto" | "passt" | "slirp";
      /** Default true: the guest reaches no host beyond this machine (passt: only the host itself, as
       *  host.unijs.internal; slirp's restrict=on: nothing but guestfwd). false: outbound NAT, as a container. */
      restrict?: boolean;
      /** Set by startGuest: the socket of the passt it started. */
      passtSocket?: string }
  | { kind: "udp"; localPort: number; remotePort: number }
  /** A tap device inside a network namespace the caller created (tests); QEMU is started inside it. */
  | { kind: "tap"; netns: string; ifname: string; /** The device's MTU (virtio-net host_mtu; match the tap's). */ mtu?: number };

/**
 * Parses the --net option: "user[,hostfwd=tcp:HOSTPORT-:GUESTPORT]...[,restrict[=on|off]][,backend=passt|slirp]"
 * (user networking: passt where installed, else QEMU's slirp; outbound connections by NAT through the host as a
 * container has them, unless `restrict` isolates the guest to its forwards and host.unijs.internal) or
 * "udp:LOCALPORT:REMOTEPORT" (frames as UDP datagrams between 127.0.0.1 ports, for test peers).
 */
export function parseNetOption(s: string): NetBackend {
  const [kind, ...rest] = s.split(",");
  if (kind === "user") {
    const hostfwd = [];
    let restrict = false;
    let backend: "auto" | "passt" | "slirp" = "auto";
    for (const r of rest) {
      const m = /^hostfwd=(tcp|udp):(?:127\.0\.0\.1)?:?(\d+)-:(\d+)$/.exec(r);
      const opt = /^(restrict|backend)(?:=(.*))?$/.exec(r);
      if (m) hostfwd.push({ proto: m[1] as "tcp" | "udp", hostPort: Number(m[2]), guestPort: Number(m[3]) });
      else if (opt?.[1] === "restrict" && [undefined, "on", "off"].includes(opt[2])) restrict = opt[2] !== "off";
      else if (opt?.[1] === "backend" && (opt[2] === "passt" || opt[2] === "slirp")) backend = opt[2];
      else throw new Error(`--net user: cannot read '${r}' (expected hostfwd=tcp:HOSTPORT-:GUESTPORT, restrict[=on|off] or backend=passt|slirp)`);
    }
    for (const f of hostfwd) {
      if (f.hostPort < 1 || f.hostPort > 65535 || f.guestPort < 1 || f.guestPort > 65535) {
        throw new Error(`--net user: hostfwd=${f.proto}:${f.hostPort}-:${f.guestPort}: ports are 1 to 65535`);
      }
    }
    return { kind: "user", hostfwd, restrict, backend };
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
  if (n?.kind === "user" && n.backend === "passt") {
    // startGuest starts passt and makes QEMU wait for its socket.
    if (!n.passtSocket) throw new Error("--net user on passt: the guest must be started by startGuest");
    args.push("-netdev", `stream,id=net0,server=off,addr.type=unix,addr.path=${n.passtSocket}`,
      "-device", `${dev("net")},netdev=net0,rx_queue_size=1024`);
  } else if (n?.kind === "user") {
    const fwd = (n.hostfwd ?? []).map((f) => `,hostfwd=${f.proto}:127.0.0.1:${f.hostPort}-:${f.guestPort}`).join("");
    // guestfwd's "cmd:" form runs the bridge once per connection (its "tcp:" form is one connection for the run).
    const bridge = `${process.execPath} ${join(dirname(fileURLToPath(import.meta.url)), "tcp_bridge.cjs")}`;
    const gfwd = (n.guestfwd ?? []).map((f) => `,guestfwd=tcp:${f.guestIp}:${f.guestPort}-cmd:${bridge} ${f.hostPort}`).join("");
    const restrict = n.restrict ?? true ? "on" : "off";
    args.push("-netdev", `user,id=net0,restrict=${restrict}${fwd}${gfwd}`, "-device", `${dev("net")},netdev=net0,rx_queue_size=1024`);
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
  /** Why the launcher failed or stopped the guest, as one line ("127.0.0.1:8080 is in use"), when it did. */
  error?: string;
  /** The user network's backend when there was one. */
  userNet?: "passt" | "slirp";
  /** What the app wrote to its stdout and its stderr through the virtio-console ports (also in `output`; the
   *  UART's text is not in these). */
  appStdout: string;
  appStderr: string;
  /** From spawning QEMU to its exit, milliseconds. */
  wallMs: number;
  accel: "kvm" | "tcg" | "kvm,tcg";
}

export interface Guest {
  pid: number;
  done: Promise<BootResult>;
  /** Kills QEMU (SIGKILL) if it still runs. Safe to call more than once. */
  kill(): void;
  /** Types text into the serial console (needs `input`). */
  write(text: string | Uint8Array): void;
  /** Sends Ctrl-D (EOT), which ends the guest's process.stdin, and closes the input (needs `input`). */
  endInput(): void;
  /** Asks the guest to shut down: QEMU's system_powerdown over QMP (needs `control`). Resolves once QEMU took it. */
  powerDown(): Promise<void>;
}

/** Sends QMP commands on a socket, one after the other; resolves with the last command's reply. */
export function qmpCommand(socketPath: string, commands: string[]): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const sock = connect(socketPath);
    let buf = "";
    let step = -1;                                  // -1: waiting for the greeting
    const next = () => {
      step++;
      if (step === 0) sock.write(JSON.stringify({ execute: "qmp_capabilities" }) + "\n");
      else sock.write(JSON.stringify({ execute: commands[step - 1] }) + "\n");
    };
    sock.setEncoding("utf8");
    sock.on("data", (chunk: string) => {
      buf += chunk;
      for (let nl = buf.indexOf("\n"); nl >= 0; nl = buf.indexOf("\n")) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (!line) continue;
        const msg = JSON.parse(line) as { QMP?: unknown; return?: unknown; error?: { desc?: string }; event?: string };
        if (msg.event) continue;
        if (msg.error) { sock.destroy(); reject(new Error(`QMP: ${msg.error.desc ?? JSON.stringify(msg.error)}`)); return; }
        if (step === commands.length) { sock.end(); resolve(msg.return); return; }
        next();
      }
    });
    sock.on("error", reject);
  });
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

/**
 * QEMU arguments for the app's stdout and stderr: a virtio-serial device (virtio-mmio on microvm, modern
 * virtio-pci on pc) with two serial ports, 1 named org.unijs.stdout and 2 org.unijs.stderr, each a socket chardev
 * over an already connected descriptor of `fds` that the launcher passes QEMU (read by startGuest); the guest's
 * libos/console/virtio_stdio.ts finds them by name. Not a virtconsole: QEMU drops what a console port's host end
 * cannot take at once (hw/char/virtio-console.c), a serial port makes the guest wait instead.
 */
export function consoleArgs(machine: Machine, fds: [number, number] = [3, 4]): string[] {
  return [
    "-device", machine === "microvm" ? "virtio-serial-device,max_ports=3" : "virtio-serial-pci,disable-legacy=on,max_ports=3",
    "-chardev", `socket,id=appout,fd=${fds[0]}`, "-device", "virtserialport,chardev=appout,name=org.unijs.stdout,nr=1",
    "-chardev", `socket,id=apperr,fd=${fds[1]}`, "-device", "virtserialport,chardev=apperr,name=org.unijs.stderr,nr=2",
  ];
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
  let passt: Passt | undefined;
  let userNet: BootResult["userNet"];
  if (o.net?.kind === "user") {
    const taken = firstTakenForward(o.net.hostfwd ?? []);
    if (taken) return notStarted(taken);
    const want = o.net.backend ?? "slirp";
    userNet = want === "passt" || (want === "auto" && !o.net.guestfwd?.length && passtUsable()) ? "passt" : "slirp";
    if (userNet === "passt") passt = startPasst({ hostfwd: o.net.hostfwd ?? [], restrict: o.net.restrict });
    o = { ...o, net: { ...o.net, backend: userNet, passtSocket: passt?.socketPath } };
  }
  const graceMs = typeof o.supervise === "object" ? o.supervise.graceMs : DEFAULT_GRACE_MS;
  if (o.supervise) o = { ...o, control: true };
  let sup: Supervision | undefined;
  const { args, accel } = qemuArgs(o);
  const controlDir = o.control ? mkdtempSync(join(tmpdir(), "unijs-qmp-")) : undefined;
  const qmpPath = controlDir ? join(controlDir, "qmp.sock") : undefined;
  if (qmpPath) args.push("-qmp", `unix:${qmpPath},server=on,wait=off`);
  const ports = (o.console ?? "virtio") === "virtio";
  if (ports) args.push(...consoleArgs(o.machine ?? "microvm"));
  const t0 = performance.now();
  const stdio: ("pipe" | "ignore" | "inherit")[] = [o.input === "inherit" ? "inherit" : o.input ? "pipe" : "ignore", "pipe", "pipe",
    ...(ports ? ["pipe" as const, "pipe" as const] : [])];       // fds 3 and 4: socket pairs for the two ports
  // QEMU runs under the guard (it dies with this process); with passt, only once passt's socket is there.
  const waitFor = passt ? { path: passt.socketPath, ms: 10_000 } : undefined;
  const [cmd, cmdArgs] = o.net?.kind === "tap"
    ? guarded("exec", "ip", ["netns", "exec", o.net.netns, QEMU, ...args], waitFor)
    : guarded("exec", QEMU, args, waitFor);
  // Supervised, QEMU has a process group of its own: a terminal's Ctrl-C goes to the launcher, which powers off.
  const child = spawn(cmd, cmdArgs, { stdio, detached: !!o.supervise && o.input !== "inherit" }) as ChildProcessByStdio<Writable | null, Readable, Readable>;
  child.stdin?.on("error", () => { /* the guest is gone: what it did not read is lost, as on a serial line */ });
  const syms = loadSymbols(o.image);
  let output = "";
  let stderr = "";
  let pending = "";
  let timedOut = false;
  let passtDied = false;
  let exited = false;
  const emit = (text: string) => {
    output += text;
    o.onOutput?.(text);
  };
  let appStdout = "", appStderr = "";
  // The ports' text joins the merged console whole lines at a time (a partial line after a short pause), so lines
  // of the two streams and the UART never cut into each other; across streams, lines keep their order only as far
  // as they arrived in it (as two pipes read by one terminal).
  const portFlushes: (() => void)[] = [];
  const mergeLines = (stream: Readable, keep: (t: string) => void, merged: (t: string) => void) => {
    let partial = "";
    let timer: ReturnType<typeof setTimeout> | undefined;
    const flush = () => { if (timer) clearTimeout(timer); timer = undefined; if (partial) merged(partial); partial = ""; };
    portFlushes.push(flush);
    stream.setEncoding("utf8");
    stream.on("data", (t: string) => {
      keep(t);
      partial += t;
      const cut = partial.lastIndexOf("\n");
      if (cut >= 0) { merged(partial.slice(0, cut + 1)); partial = partial.slice(cut + 1); }
      if (timer) clearTimeout(timer);
      timer = partial ? setTimeout(flush, 100) : undefined;
    });
  };
  if (ports) {
    mergeLines(child.stdio[3] as Readable, (t) => { appStdout += t; }, emit);
    if (o.onStderr) {
      const onStderr = o.onStderr;
      (child.stdio[4] as Readable).setEncoding("utf8");
      (child.stdio[4] as Readable).on("data", (t: string) => { appStderr += t; output += t; onStderr(t); });
    } else {
      mergeLines(child.stdio[4] as Readable, (t) => { appStderr += t; }, emit);
    }
  }
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
      for (const f of portFlushes) f();
      const wallMs = performance.now() - t0;
      if (controlDir) rmSync(controlDir, { recursive: true, force: true });
      let { outcome, code } = decodeQemuStatus(status);
      // Codes above APP_EXIT_MAX (143 after SIGTERM, ...) do not fit the exit device: the guest names them.
      const big = outcome === "exit" && code === APP_EXIT_MAX ? /\[unijs\] exit code (\d+) does not fit the exit device/.exec(output) : null;
      if (big) code = Number(big[1]);
      // QEMU stopped by a signal (Ctrl-C, kill) exits 0 like a guest reset: tell them apart by what it printed.
      if (outcome === "reset" && /terminating on signal/.test(stderr)) ({ outcome, code } = { outcome: "qemu-error", code: LAUNCH.QEMU_ERROR });
      if (timedOut) ({ outcome, code } = { outcome: "timeout", code: LAUNCH.TIMEOUT });
      sup?.end();
      if (passt) {
        if (passtDied) stderr += passt.stderr();
        passt.stop();
      }
      let error: string | undefined;
      const stopSignal = sup?.signal();
      if (outcome === "qemu-error" && sup?.killed() && stopSignal) {
        ({ outcome, code } = { outcome: "stopped", code: signalExitCode(stopSignal) });
        error = `the guest did not power off within ${graceMs} ms of ${sup.reason()} and was killed`;
      } else if (outcome === "qemu-error") {
        error = mapForwardError(stderr) ?? undefined;
        if (!error && passtDied) error = `passt stopped before the guest: ${passt?.stderr().trim() || "no message"}`;
      }
      resolveDone({ outcome, code, output, stderr, appStdout, appStderr, wallMs, accel, error, userNet });
    };
    child.on("error", (e) => { stderr += String(e); finish(null); });
    child.on("close", (status) => finish(status));
    // passt exits when QEMU closes its socket; passt dying first leaves the guest without a network: stop it,
    // after a moment in which a QEMU that is exiting anyway finishes with its own status.
    passt?.child.on("exit", () => {
      setTimeout(() => { if (!exited) { passtDied = true; kill(); } }, 1000).unref();
    });
  });
  const needs = (what: boolean | undefined, option: string) => {
    if (!what) throw new Error(`startGuest: this needs the '${option}' boot option`);
  };
  const write = (text: string | Uint8Array) => {
    needs(o.input === true, "input");
    if (!exited) child.stdin?.write(text);
  };
  const endInput = () => {
    write("\x04");
    child.stdin?.end();
  };
  const powerDown = async () => {
    needs(o.control, "control");
    let lastError: unknown;
    for (let i = 0; i < 50 && !exited; i++) {            // the socket appears once QEMU has started
      try {
        await qmpCommand(qmpPath as string, ["system_powerdown"]);
        return;
      } catch (e) {
        lastError = e;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    throw new Error(`system_powerdown failed: ${exited ? "the guest has exited" : String(lastError)}`);
  };
  if (o.supervise) sup = supervise({ powerDown, kill }, graceMs);
  return { pid: child.pid ?? -1, done, kill, write, endInput, powerDown };
}

/** A guest that was never started (the launcher found why it could not be): its result is ready at once. */
function notStarted(message: string): Guest {
  const result = { outcome: "qemu-error", code: LAUNCH.QEMU_ERROR, output: "", stderr: message, error: message, wallMs: 0,
    accel: "tcg", appStdout: "", appStderr: "" } as BootResult;
  const nothing = () => {};
  return { pid: -1, done: Promise.resolve(result), kill: nothing, write: nothing, endInput: nothing,
    powerDown: () => Promise.reject(new Error("system_powerdown failed: the guest has exited")) };
}

/** Boots and waits. Kills the guest if the timeout passes. */
export async function bootImage(o: BootOptions): Promise<BootResult> {
  return startGuest(o).done;
}
