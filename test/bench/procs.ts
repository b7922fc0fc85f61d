// test/bench/procs.ts — what the network benchmarks (http.ts, transfer.ts) share: every QEMU guest, child process
// and network namespace a bench starts is tracked and removed on the way out (killAll: normal end, exception,
// SIGINT/SIGTERM), and the readiness probe (GET / from where the clients run until it answers 200).
// Layer: bench (host only).
import { spawn, type ChildProcess } from "node:child_process";
import type { Guest } from "../../boot/launch/qemu.ts";
import { ROOT } from "../../boot/paths.ts";
import { createNetns, type Netns } from "../helpers/netns.ts";

const guests = new Set<Guest>();
const children = new Set<ChildProcess>();
const namespaces = new Set<Netns>();

/** Kills every tracked guest and child by PID and deletes every tracked namespace. */
export function killAll(): void {
  for (const g of guests) g.kill();
  guests.clear();
  for (const c of children) stopChild(c);
  children.clear();
  for (const ns of namespaces) ns.cleanup();
  namespaces.clear();
}

export function stopChild(c: ChildProcess): void {
  if (c.exitCode === null && c.signalCode === null && c.pid) {
    try { process.kill(c.pid, "SIGKILL"); } catch { /* already gone */ }
  }
}

/** Spawns `argv` (`ip netns exec` execs its command, so the PID is the command's own), tracked until it exits. */
export function startChild(argv: string[], env?: NodeJS.ProcessEnv): ChildProcess {
  const c = spawn(argv[0], argv.slice(1), { cwd: ROOT, env: env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
  children.add(c);
  c.once("exit", () => children.delete(c));
  return c;
}

export function trackGuest(g: Guest): Guest {
  guests.add(g);
  void g.done.then(() => guests.delete(g));
  return g;
}

export function newNamespace(): Netns {
  const ns = createNetns();
  namespaces.add(ns);
  return ns;
}

export function dropNamespace(ns: Netns): void {
  ns.cleanup();
  namespaces.delete(ns);
}

/** Resolves with what `c` printed (stdout, and stdout + stderr as `text`) once it has exited; never rejects. */
export function exited(c: ChildProcess, what: string): Promise<{ code: number | null; stdout: string; text: string }> {
  let stdout = "", text = "";
  c.stdout!.setEncoding("utf8").on("data", (t: string) => { stdout += t; text += t; });
  c.stderr!.setEncoding("utf8").on("data", (t: string) => (text += t));
  return new Promise((resolve) => {
    c.once("error", (e) => resolve({ code: -1, stdout, text: `${what}: ${e.message}` }));
    c.once("close", (code, sig) => resolve({ code: code ?? (sig ? -1 : null), stdout, text }));
  });
}

const PROBE = `
  const http = require("http");
  const [url, limit] = [process.argv[1], Number(process.argv[2])];
  const t0 = Date.now();
  let last = "no answer";
  const again = () => (Date.now() - t0 > limit ? (console.log(last), process.exit(1)) : setTimeout(poll, 200));
  const poll = () => {
    const req = http.get(url, { agent: false, timeout: 3000 }, (r) => {
      r.resume();
      r.on("end", () => (r.statusCode === 200 ? process.exit(0) : ((last = "status " + r.statusCode), again())));
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", (e) => ((last = e.message), again()));
  };
  poll();`;

/**
 * GETs `url` until it answers 200, run through `prefix` (e.g. `ip netns exec NAME`: from where the clients run;
 * slirp accepts on the host side before the guest listens, so a connection alone proves nothing). Resolves with
 * null, or with the reason it failed: it did not answer within `timeoutMs`, or `gone` (the server ended, with its
 * reason) settled first.
 */
export async function probeReady(prefix: string[], url: string, timeoutMs: number, gone: Promise<string>): Promise<string | null> {
  const c = startChild([...prefix, process.execPath, "-e", PROBE, url, String(timeoutMs)]);
  // Both settle with a reason to fail, or null, and never reject: the loser settles later with nobody listening.
  const answered = exited(c, "the readiness probe").then((r) => r.code === 0 ? null
    : `did not answer GET ${url} with 200 within ${timeoutMs / 1000} s (last: ${r.text.trim()})`);
  const ended = gone.then((why) => `ended before it answered:\n${why}`);
  const failure = await Promise.race([answered, ended]);
  stopChild(c);
  return failure;
}
