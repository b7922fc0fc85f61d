// test/helpers/netns.ts — a private network for e2e tests: a network namespace with a tap device (the guest's
// link) at 10.0.3.1/24. QEMU and the test's peers (Node scripts) run inside it, so no traffic can leave the
// machine and no host port is used. Needs root and iproute2 (CI runs as root); tests skip with a reason otherwise.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";

export const HOST_IP = "10.0.3.1";
export const GUEST_IP = "10.0.3.2";

let counter = 0;

/** Why namespaced tests cannot run here, or null when they can. */
export function netnsUnavailable(): string | null {
  if (process.getuid?.() !== 0) return "needs root for ip netns";
  if (!existsSync("/usr/sbin/ip") && !existsSync("/sbin/ip") && !existsSync("/usr/bin/ip")) return "needs iproute2 (ip)";
  if (!existsSync("/dev/net/tun")) return "needs /dev/net/tun";
  return null;
}

export interface Netns {
  name: string;
  ifname: string;
  /** Starts `node -e script` inside the namespace; killed at cleanup. */
  node(script: string): ChildProcess;
  cleanup(): void;
}

export function createNetns(): Netns {
  const name = `unijs-${process.pid}-${counter++}`;
  const ip = (...args: string[]) => execFileSync("ip", args, { stdio: "pipe" });
  ip("netns", "add", name);
  const children: ChildProcess[] = [];
  try {
    ip("netns", "exec", name, "ip", "link", "set", "lo", "up");
    ip("netns", "exec", name, "ip", "tuntap", "add", "dev", "tap0", "mode", "tap");
    ip("netns", "exec", name, "ip", "addr", "add", `${HOST_IP}/24`, "dev", "tap0");
    ip("netns", "exec", name, "ip", "link", "set", "tap0", "up");
  } catch (e) {
    ip("netns", "del", name);
    throw e;
  }
  return {
    name,
    ifname: "tap0",
    node(script) {
      const c = spawn("ip", ["netns", "exec", name, process.execPath, "-e", script], { stdio: ["ignore", "pipe", "pipe"] });
      children.push(c);
      return c;
    },
    cleanup() {
      for (const c of children) if (c.pid && c.exitCode === null) try { process.kill(c.pid, "SIGKILL"); } catch { /* gone */ }
      try { ip("netns", "del", name); } catch { /* already gone */ }
    },
  };
}

/** Collects a child's stdout and resolves with it (and its exit code) when it exits. */
export function output(c: ChildProcess): Promise<{ stdout: string; stderr: string; code: number | null }> {
  let stdout = "", stderr = "";
  c.stdout?.on("data", (d) => (stdout += d));
  c.stderr?.on("data", (d) => (stderr += d));
  return new Promise((resolve) => c.on("close", (code) => resolve({ stdout, stderr, code })));
}
