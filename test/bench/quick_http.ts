// test/bench/quick_http.ts — a developer's inner loop for issue 14 (not part of `npm run bench`): builds
// examples/http-server for the tap link (optionally with --profile), boots it in a private namespace, runs one wrk
// and prints req/s, and the guest's console (its profile) when asked. Layer: bench (host only).
// `npx tsx test/bench/quick_http.ts [--profile] [--c N] [--d S] [--path /]`
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { buildImage } from "../../boot/image/build.ts";
import { startGuest } from "../../boot/launch/qemu.ts";
import { ROOT } from "../../boot/paths.ts";
import { GUEST_IP, HOST_IP } from "../helpers/netns.ts";
import { prepareLinuxNodeGuest, startLinuxNodeGuest } from "./linux/node_http.ts";
import { exited, killAll, newNamespace, probeReady, startChild, trackGuest } from "./procs.ts";

const args = process.argv.slice(2);
const opt = (n: string, d: string) => { const i = args.indexOf(n); return i >= 0 ? args[i + 1] : d; };
const profile = args.includes("--profile");
const c = Number(opt("--c", "64")), d = Number(opt("--d", "10")), path = opt("--path", "/");
const app = opt("--app", join(ROOT, "examples/http-server"));
try {
  const img = await buildImage({ app, out: join(ROOT, `build/bench/quick${profile ? "-prof" : ""}.elf`),
    ip: { cidr: `${GUEST_IP}/24`, gateway: HOST_IP }, ...(profile ? { profileMs: Number(opt("--every", "10")) * 1000, env: { UNIJS_PROFILE_TOP: "70" } } : {}) });
  console.log(`image ${img.path}`);
  const ns = newNamespace();
  let g;
  if (args.includes("--linux")) {                  // Node in a Linux guest instead (the bench's baseline)
    const lx = await prepareLinuxNodeGuest(join(ROOT, "build/bench/linux"), join(ROOT, "examples/http-server/index.ts"));
    if ("skip" in lx) throw new Error(lx.skip);
    g = trackGuest(startLinuxNodeGuest(lx, { kind: "tap", netns: ns.name, ifname: ns.ifname }, `${GUEST_IP}/24`, 8080));
  } else {
    g = trackGuest(startGuest({ image: img.path, accel: "tcg", machine: "microvm", net: { kind: "tap", netns: ns.name, ifname: ns.ifname } }));
  }
  const prefix = ["ip", "netns", "exec", ns.name];
  const url = `http://${GUEST_IP}:8080${path}`;
  const fail = await probeReady(prefix, url, 120_000, g.done.then((r) => `ended ${r.code}: ${r.output}`));
  if (fail) throw new Error(fail);
  // QEMU's CPU time per request: robust to the host's load (the guest halts when idle, so QEMU sleeps then).
  const cpuMs = () => {
    const f = readFileSync(`/proc/${g.pid}/stat`, "utf8").split(") ")[1].split(" ");
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
  };
  for (const warm of [Number(opt("--warm", "3")), d]) {
    const c0 = cpuMs();
    const w = startChild([...prefix, "wrk", `-t${Math.min(2, c)}`, `-c${c}`, `-d${warm}s`, "--latency", "--timeout", "30s", url]);
    const r = await exited(w, "wrk");
    const used = cpuMs() - c0;
    const n = Number(/(\d+) requests in/.exec(r.text)?.[1] ?? 0);
    if (warm === d) {
      console.log(r.text.split("\n").filter((l) => /Requests\/sec|50%|99%|requests in|errors/.test(l)).join("\n"));
      console.log(`QEMU CPU: ${used.toFixed(0)} ms for ${n} requests = ${(used / n).toFixed(2)} ms/request`);
    }
  }
  if (profile) {
    g.kill();
    const r = await g.done;
    const reports = r.output.split(/(?=^\[profile\] [\d.]+ ms of JS sampled)/m);
    console.log(reports.length > 2 ? reports[reports.length - 2] : r.output.slice(-20000));
  }
} finally {
  killAll();
}
