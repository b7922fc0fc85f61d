// test/bench/usernet.ts — the two user-mode network backends of `--net user` side by side on examples/http-server:
// passt (boot/launch/passt.ts) and QEMU's slirp, each with a hostfwd from a free 127.0.0.1 port. Per backend: wrk
// -t2 -cN (req/s, MB/s, socket errors and timeouts), 200 connections opened at once (how many are answered), and
// a download (GET /stream) and an upload (POST /echo, streamed back) of --mb MiB timed by the host. Prints figures;
// never asserts on them. Layer: bench (host only).
// `npx tsx test/bench/usernet.ts [--duration S (10)] [--connections N (64)] [--mb MiB (10)] [--only passt|slirp]`
import { spawnSync } from "node:child_process";
import { request } from "node:http";
import { connect } from "node:net";
import { loadavg } from "node:os";
import { join } from "node:path";
import { buildImage } from "../../boot/image/build.ts";
import { passtUsable } from "../../boot/launch/passt.ts";
import { startGuest, type Guest } from "../../boot/launch/qemu.ts";
import { ROOT } from "../../boot/paths.ts";
import { freeTcpPort } from "../helpers/ports.ts";

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const DURATION = Number(arg("--duration", "10"));
const CONNECTIONS = Number(arg("--connections", "64"));
const MIB = Number(arg("--mb", "10"));
const ONLY = arg("--only", "");

interface Figures { reqs: string; latency: string; mbs: string; errors: string; burst: string; down: string; up: string }

function wrk(port: number, seconds: number): { reqs: string; latency: string; mbs: string; errors: string } {
  const r = spawnSync("wrk", ["-t2", `-c${CONNECTIONS}`, `-d${seconds}s`, `http://127.0.0.1:${port}/`], { encoding: "utf8" });
  const text = r.stdout + r.stderr;
  const reqs = /Requests\/sec:\s+([\d.]+)/.exec(text)?.[1] ?? "?";
  const t = /Transfer\/sec:\s+([\d.]+)(KB|MB|B)/.exec(text);
  const mbs = t ? (Number(t[1]) / (t[2] === "KB" ? 1024 : t[2] === "B" ? 1024 * 1024 : 1)).toFixed(3) : "?";
  const errors = /Socket errors: (.*)/.exec(text)?.[1] ?? "none";
  const lat = /Latency\s+(\S+)\s+\S+\s+(\S+)/.exec(text);
  return { reqs, latency: lat ? `${lat[1]} / ${lat[2]}` : "?", mbs, errors };
}

function burst(port: number, n = 200): Promise<string> {
  return Promise.all(Array.from({ length: n }, () => new Promise<boolean>((resolve) => {
    const s = connect(port, "127.0.0.1", () => s.write("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
    let got = "";
    s.setTimeout(60_000, () => { s.destroy(); resolve(false); });
    s.on("data", (c) => (got += c));
    s.on("end", () => resolve(got.startsWith("HTTP/1.1 200")));
    s.on("error", () => resolve(false));
  }))).then((ok) => `${ok.filter(Boolean).length}/${n}`);
}

/** MB/s (MiB) of a request: a download of `bytes`, or an upload of `bytes` echoed back. */
function transfer(port: number, kind: "down" | "up", bytes: number): Promise<string> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    let got = 0;
    const req = request({ host: "127.0.0.1", port, method: kind === "down" ? "GET" : "POST", path: kind === "down" ? `/stream?bytes=${bytes}` : "/echo",
      headers: kind === "up" ? { "content-type": "application/octet-stream", "content-length": String(bytes) } : {} }, (res) => {
      res.on("data", (c: Buffer) => (got += c.length));
      res.on("end", () => resolve(got === bytes ? (bytes / 2 ** 20 / ((performance.now() - t0) / 1000)).toFixed(2) : `short (${got})`));
    });
    req.on("error", (e) => resolve(`error ${(e as NodeJS.ErrnoException).code}`));
    if (kind === "up") {
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      let sent = 0;
      const pump = () => {
        while (sent < bytes) {
          const n = Math.min(chunk.length, bytes - sent);
          sent += n;
          if (!req.write(n === chunk.length ? chunk : chunk.subarray(0, n))) { req.once("drain", pump); return; }
        }
        req.end();
      };
      pump();
    } else req.end();
  });
}

async function measure(image: string, backend: "passt" | "slirp"): Promise<Figures> {
  const port = await freeTcpPort();
  let out = "";
  const g: Guest = startGuest({ image, accel: "auto", memBytes: 256 * 2 ** 20,
    net: { kind: "user", backend, hostfwd: [{ proto: "tcp", hostPort: port, guestPort: 8080 }] }, onOutput: (t) => (out += t) });
  try {
    const t0 = Date.now();
    while (!out.includes("listening on port 8080")) {
      if (Date.now() - t0 > 120_000) throw new Error(`${backend}: the guest did not start: ${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    wrk(port, 5);                                           // warm-up, discarded
    const w = wrk(port, DURATION);
    const b = await burst(port);
    const down = await transfer(port, "down", MIB * 2 ** 20);
    const up = await transfer(port, "up", MIB * 2 ** 20);
    return { ...w, burst: b, down, up };
  } finally {
    g.kill();
    await g.done;
  }
}

async function main(): Promise<void> {
  const img = await buildImage({ app: join(ROOT, "examples/http-server"), out: join(ROOT, "build/images/bench-usernet.elf") });
  const backends = (["passt", "slirp"] as const).filter((b) => !ONLY || b === ONLY);
  console.log(`user networking, examples/http-server; wrk -t2 -c${CONNECTIONS} -d${DURATION}s after 5 s warm-up; ${MIB} MiB transfers; load average ${loadavg().map((x) => x.toFixed(1)).join(" ")}`);
  const rows: string[][] = [["backend", "req/s", "latency avg / max", "MB/s (wrk)", "wrk socket errors", "200 at once", "download MB/s", "upload+echo MB/s"]];
  for (const b of backends) {
    if (b === "passt" && !passtUsable()) { rows.push([b, "skipped: passt is not installed"]); continue; }
    const f = await measure(img.path, b);
    rows.push([b, f.reqs, f.latency, f.mbs, f.errors, f.burst, f.down, f.up]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  for (const r of rows) console.log(r.map((c, i) => (c ?? "").padEnd(widths[i])).join("  "));
}

main().catch((e) => { console.error(e); process.exit(1); });
