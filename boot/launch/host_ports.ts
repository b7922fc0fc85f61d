// boot/launch/host_ports.ts — is a host port for a forward already taken? Read synchronously from Linux's socket
// tables (/proc/net/tcp, tcp6, udp, udp6) before QEMU or passt starts, so the launcher can say "127.0.0.1:8080 is in
// use" instead of QEMU's "Could not set up host forwarding rule"; and the messages of QEMU and passt that mean the
// same thing, mapped to that sentence when a port was taken in between.
// Layer: build tools (host only).

import { readFileSync } from "node:fs";

/** The sentence for a taken forward. */
export function portInUse(proto: "tcp" | "udp", port: number): string {
  return `127.0.0.1:${port}${proto === "udp" ? "/udp" : ""} is in use`;
}

/** Local addresses (hex, as the tables write them) whose bindings conflict with one on 127.0.0.1. */
const CONFLICTS = new Set([
  "0100007F", "00000000",                                            // 127.0.0.1, 0.0.0.0
  "00000000000000000000000000000000",                                // :: (dual-stack)
  "0000000000000000FFFF00000100007F", "0000000000000000FFFF000000000000",
]);

/**
 * True when some socket holds 127.0.0.1:port (or a wildcard address that covers it): a TCP listener, or any bound
 * UDP socket. False where the tables cannot be read (not Linux): QEMU's own error is mapped afterwards.
 */
export function hostPortTaken(proto: "tcp" | "udp", port: number): boolean {
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  for (const file of proto === "tcp" ? ["/proc/net/tcp", "/proc/net/tcp6"] : ["/proc/net/udp", "/proc/net/udp6"]) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 4) continue;
      const [addr, p] = f[1].split(":");
      if (p !== hexPort || !CONFLICTS.has(addr)) continue;
      if (proto === "udp" || f[3] === "0A") return true;               // 0A: TCP_LISTEN
    }
  }
  return false;
}

/** The first forward whose host port is taken, as a sentence; null when all are free. */
export function firstTakenForward(fwd: { proto: "tcp" | "udp"; hostPort: number }[]): string | null {
  for (const f of fwd) if (hostPortTaken(f.proto, f.hostPort)) return portInUse(f.proto, f.hostPort);
  return null;
}

/** QEMU's (slirp) or passt's message for a forward it could not bind, as the launcher's sentence; null otherwise. */
export function mapForwardError(stderr: string): string | null {
  // qemu-system-x86_64: -netdev user,...: Could not set up host forwarding rule 'tcp:127.0.0.1:8080-:8080'
  const q = /Could not set up host forwarding rule '(tcp|udp):[\d.]*:(\d+)-/.exec(stderr);
  if (q) return portInUse(q[1] as "tcp" | "udp", Number(q[2]));
  // passt: Failed to bind any port for '-t 127.0.0.1/8080:8080', exiting
  const p = /Failed to bind any port for '-([tu]) [\d.]*\/?(\d+)/.exec(stderr);
  if (p) return portInUse(p[1] === "t" ? "tcp" : "udp", Number(p[2]));
  return null;
}
