// boot/launch/passt.ts — passt (Debian's `passt`, 0.0~git20230309 in bookworm) as the user-mode network backend:
// a process that translates the guest's Ethernet frames into the host's own TCP/UDP sockets, reached by QEMU 7.2's
// `-netdev stream` over a UNIX socket. Unlike slirp it listens with a real backlog, so bursts of connections from
// the host are all answered. The guest sees slirp's addresses (10.0.2.15/24, gateway 10.0.2.2) by DHCP; passt maps
// connections to the gateway to the host's loopback, which the guest names host.unijs.internal (libos/dns).
// restrict (the default, as slirp's restrict=on was): passt's outbound sockets are bound to 127.0.0.1, so the guest
// reaches the host itself and nothing beyond the machine, and no DNS server is handed out; without it the guest's
// connections are NATed through the host as a container's are.
// Layer: build tools (host only).

import { spawn, type ChildProcess } from "node:child_process";
import { accessSync, chownSync, constants, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { guardPath, guarded } from "./guard.ts";

/** The guest's side of the user network, the same for passt and slirp. */
export const USERNET = { guest: "10.0.2.15", prefix: 24, gateway: "10.0.2.2" } as const;

/** The passt binary on PATH, or null. */
export function passtBinary(): string | null {
  for (const dir of (process.env.PATH ?? "/usr/bin:/bin").split(delimiter)) {
    const p = join(dir, "passt");
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch { /* next */ }
  }
  return null;
}

/** True when `--net user` can run on passt here: the binary exists and the launcher's guard could be built
 *  (QEMU must wait for passt's socket, which the guard does). */
export function passtUsable(): boolean {
  return process.platform === "linux" && passtBinary() !== null && guardPath() !== null;
}

export interface PasstOptions {
  hostfwd: { proto: "tcp" | "udp"; hostPort: number; guestPort: number }[];
  /** Outbound only to the host itself (default true). */
  restrict?: boolean;
}

export interface Passt {
  /** The UNIX socket QEMU connects to (`-netdev stream,...,addr.path=`). */
  socketPath: string;
  child: ChildProcess;
  /** passt's errors: what it wrote on stderr, less the notes it prints on every start. */
  stderr(): string;
  /** True once passt has exited. */
  exited(): boolean;
  /** Kills passt (if it still runs) and removes its socket folder. */
  stop(): void;
}

/** The user "nobody" (passt started as root changes to it, and must be able to create its socket). */
function nobody(): { uid: number; gid: number } {
  try {
    const line = readFileSync("/etc/passwd", "utf8").split("\n").find((l) => l.startsWith("nobody:"));
    if (line) { const f = line.split(":"); return { uid: Number(f[2]), gid: Number(f[3]) }; }
  } catch { /* default below */ }
  return { uid: 65534, gid: 65534 };
}

/** passt's command line (without the binary). */
export function passtArgs(o: PasstOptions, socketPath: string): string[] {
  const args = ["--foreground", "--one-off", "--quiet", "--ipv4-only", "--socket", socketPath,
    "--address", USERNET.guest, "--netmask", String(USERNET.prefix), "--gateway", USERNET.gateway];
  if (o.restrict ?? true) args.push("--outbound", "127.0.0.1", "--dns", "none", "--no-icmp");
  const tcp = o.hostfwd.filter((f) => f.proto === "tcp").map((f) => `127.0.0.1/${f.hostPort}:${f.guestPort}`);
  const udp = o.hostfwd.filter((f) => f.proto === "udp").map((f) => `127.0.0.1/${f.hostPort}:${f.guestPort}`);
  // passt forwards a forwarded TCP port's number over UDP too unless -u says otherwise.
  args.push("--tcp-ports", tcp.length ? tcp.join(",") : "none", "--udp-ports", udp.length ? udp.join(",") : "none");
  return args;
}

/** Starts passt for one guest; it exits on its own when QEMU closes the socket (`--one-off`). */
export function startPasst(o: PasstOptions): Passt {
  const bin = passtBinary();
  if (!bin) throw new Error("passt is not installed (Debian package 'passt')");
  const dir = mkdtempSync(join(tmpdir(), "unijs-passt-"));
  if (process.getuid?.() === 0) { const n = nobody(); chownSync(dir, n.uid, n.gid); }
  const socketPath = join(dir, "passt.sock");
  const [cmd, args] = guarded("watch", bin, passtArgs(o, socketPath));
  // A process group of its own: a terminal's Ctrl-C is the launcher's to handle (a power-off request), and must not
  // take the guest's network away first. The guard still ends passt when the launcher dies.
  const child = spawn(cmd, args, { stdio: ["ignore", "ignore", "pipe"], detached: true });
  let err = "";
  let done = false;
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (c: string) => (err += c));
  /** Its errors only: not the notes it prints on every start (its --quiet leaves them on stderr), nor its
   *  complaints about a missing system logger. */
  const NOTES = /^(\s|$|Template interface|MAC:|DHCP:|DNS:|Outbound address|UNIX domain socket bound|You can now start qemu|or qrap|Don't run as root|Failed to send \d+ bytes to syslog)/;
  const errors = (text: string) => text.split("\n").filter((l) => !NOTES.test(l)).join("\n");
  child.on("error", (e) => { err += String(e); done = true; });
  child.on("exit", () => { done = true; });
  return {
    socketPath,
    child,
    stderr: () => errors(err),
    exited: () => done,
    stop() {
      if (!done && child.pid) {
        try { process.kill(child.pid, "SIGTERM"); } catch { /* gone */ }   // the guard kills passt and exits
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
