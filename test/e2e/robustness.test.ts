// e2e: examples/http-server under hostile input on a private link (a namespace with a tap device, as
// http_scale.test.ts): it must never crash, must lose nothing, and must still answer.
//   1. frames: test/e2e/robustness/frame_fuzz.py writes 100,000 seeded mutated Ethernet frames (ARP, ICMP, UDP,
//      TCP SYN and data to port 8080, IPv4 fragments, DHCP, random bytes) through an AF_PACKET socket on the tap,
//      paced so the run takes about 70 s. Every 200th frame is a valid ping; the replies to those show the guest
//      kept up during the run. Frames the guest sent back are checked for well-formed headers and checksums.
//   2. HTTP: test/e2e/robustness/http_fuzz.cjs opens 2,000 seeded connections with malformed or hostile requests
//      (bad methods and versions, header syntax, > 16 KiB heads, bad chunked bodies, Content-Length/Transfer-
//      Encoding conflicts, control characters, slow abandoned requests, pipelined garbage, resets mid-request),
//      16 at a time; each must be answered as Node 20 answers it (400 / 431 / closed) and none may hang (30 s).
// After each part the guest must still run with a clean console, and GET / and POST /echo must answer correctly.
// Seeds: UNIJS_FUZZ_SEED (default 1) for both parts; each run logs it.
import { spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGuest, type BootResult, type Guest } from "../../boot/launch/qemu.ts";
import { ROOT } from "../../boot/paths.ts";
import { ACCEL, buildFixture } from "../helpers/guest.ts";
import { createNetns, GUEST_IP, HOST_IP, netnsUnavailable, output, type Netns } from "../helpers/netns.ts";

const FRAME_FUZZ = join(ROOT, "test/e2e/robustness/frame_fuzz.py");
const HTTP_FUZZ = join(ROOT, "test/e2e/robustness/http_fuzz.cjs");
const SEED = Number(process.env.UNIJS_FUZZ_SEED ?? 1);
const FRAMES = 100_000;
const FRAME_RATE = 1_400;           // per second: about what the guest takes under TCG (the tap drops the excess)
const HTTP_CASES = 2_000;
const CRASH = /panic|uncaught|exception/i;

const skip = netnsUnavailable() ?? (spawnSync("python3", ["--version"]).error === undefined ? null : "needs python3");
const cleanups: (() => void)[] = [];
afterAll(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

/** Runs a command inside the namespace; resolves with its output when it exits (killed at cleanup). */
function run(ns: Netns, cmd: string, args: string[]): { pid: number; result: Promise<{ stdout: string; stderr: string; code: number | null }> } {
  const c = spawn("ip", ["netns", "exec", ns.name, cmd, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  const kill = () => { if (c.exitCode === null && c.pid) try { process.kill(c.pid, "SIGKILL"); } catch { /* gone */ } };
  cleanups.push(kill);
  return { pid: c.pid ?? -1, result: output(c) };
}

/** The last line of a client's stdout, parsed as JSON. */
function lastJson<T>(r: { stdout: string; stderr: string; code: number | null }): T {
  const line = r.stdout.trim().split("\n").pop() ?? "";
  try {
    return JSON.parse(line) as T;
  } catch {
    throw new Error(`the client printed no JSON summary (exit ${r.code}): ${r.stdout.slice(-2000)}\n${r.stderr.slice(-2000)}`);
  }
}

interface FrameSummary {
  seed: number; sent: number; seconds: number; sendErrors: number; tapDropped: number; guestMac: string;
  probes: number; probeReplies: number; replies: Record<string, number>;
  replyProblems: Record<string, { count: number; sample: string }>;
  templates: Record<string, number>; mutations: Record<string, number>;
}

interface CaseResult {
  i: number; family: string; own: boolean; end: string; status: number | null; statuses: number[]; ms: number;
  hello: boolean; head: string;
}

/** Ended by the server (or reset by it): not hanging. */
const ended = (r: CaseResult) => r.end === "closed" || r.end === "reset";
/** Answered with `status`; a reset may have cost the answer (as on Linux when a close leaves unread data). */
const answered = (status: number) => (r: CaseResult) => ended(r) && (r.status === status || (r.end === "reset" && r.status === null));

/** What each family must get: what Node 20's http server does with the same bytes. */
const EXPECTED: Record<string, { what: string; ok: (r: CaseResult) => boolean }> = {
  method: { what: "400", ok: answered(400) },
  version: { what: "400", ok: answered(400) },
  requestLine: { what: "400", ok: answered(400) },
  headerSyntax: { what: "400", ok: answered(400) },
  obsFold: { what: "400", ok: answered(400) },
  contentLength: { what: "400", ok: answered(400) },
  bareLf: { what: "400", ok: answered(400) },
  random: { what: "400", ok: answered(400) },
  oversize: { what: "431", ok: answered(431) },
  pipelinedGarbage: { what: "200 with the greeting, then closed", ok: (r) => ended(r) && r.status === 200 && r.hello },
  chunked: { what: "an answer below 500, then closed", ok: (r) => ended(r) && r.status !== null && r.status < 500 },
  control: { what: "an answer below 500, then closed", ok: (r) => ended(r) && r.status !== null && r.status < 500 },
  mutated: { what: "an answer below 500, then closed", ok: (r) => ended(r) && r.status !== null && r.status < 500 },
  slowAbandon: { what: "abandoned, or 400 after our FIN", ok: (r) => r.end === "abandoned" || answered(400)(r) },
  resetMidRequest: { what: "abandoned", ok: (r) => r.end === "abandoned" },
};

describe.skipIf(skip !== null)(`examples/http-server under hostile input${skip ? ` (skipped: ${skip})` : ""}`, () => {
  let ns: Netns;
  let guest: Guest;
  let consoleText = "";
  let exited: BootResult | null = null;

  /** Why the guest is not healthy (exited, or a crash on its console), or null. */
  const unhealthy = (): string | null => {
    const crash = consoleText.split("\n").find((l) => CRASH.test(l));
    if (exited) return `the guest exited (${exited.outcome}, code ${exited.code}); its console ends:\n${consoleText.slice(-3000)}`;
    if (crash !== undefined) return `the guest's console shows a crash ("${crash}"); it ends:\n${consoleText.slice(-3000)}`;
    return null;
  };

  /** GET / and POST /echo (JSON) from inside the namespace, each retried until it answers or 60 s pass. */
  const stillServes = async (): Promise<{ hello: string; echo: string; expectedEcho: string }> => {
    const body = JSON.stringify({ after: "fuzz", n: [1, 2, 3], s: "ünïcode" });
    return lastJson(await output(ns.node(`
      const http = require("http");
      const ask = (method, path, body, headers) => new Promise((resolve) => {
        const req = http.request({ host: "${GUEST_IP}", port: 8080, method, path, headers, agent: false, timeout: 20000 }, (res) => {
          let text = ""; res.setEncoding("utf8"); res.on("data", (c) => (text += c)); res.on("end", () => resolve(text));
        });
        req.on("timeout", () => req.destroy(new Error("timeout")));
        req.on("error", () => resolve(null));
        req.end(body);
      });
      const retry = async (...a) => { for (const t0 = Date.now(); Date.now() - t0 < 60000;) { const r = await ask(...a); if (r !== null) return r; await new Promise((d) => setTimeout(d, 500)); } return "(no answer in 60 s)"; };
      (async () => {
        const hello = await retry("GET", "/");
        const echo = await retry("POST", "/echo", ${JSON.stringify(body)}, { "content-type": "application/json" });
        console.log(JSON.stringify({ hello, echo, expectedEcho: JSON.stringify({ echo: JSON.parse(${JSON.stringify(body)}), bytes: Buffer.byteLength(${JSON.stringify(body)}) }) }));
        process.exit(0);
      })();`)));
  };

  /** Waits for `work`, failing early (and killing `pid`) when the guest exits or crashes meanwhile. */
  const whileHealthy = async <T>(work: Promise<T>, pid: number): Promise<T> => {
    let timer: ReturnType<typeof setInterval> | undefined;
    const watch = new Promise<never>((_, reject) => {
      timer = setInterval(() => {
        const why = unhealthy();
        if (why === null) return;
        try { process.kill(pid, "SIGKILL"); } catch { /* gone */ }
        reject(new Error(why));
      }, 1000);
    });
    try {
      return await Promise.race([work, watch]);
    } finally {
      clearInterval(timer);
    }
  };

  beforeAll(async () => {
    ns = createNetns();
    cleanups.push(() => ns.cleanup());
    const img = await buildFixture(join(ROOT, "examples/http-server"), { ip: { cidr: `${GUEST_IP}/24`, gateway: HOST_IP } });
    guest = startGuest({ image: img.path, accel: ACCEL, timeoutMs: 900_000, onOutput: (t) => (consoleText += t),
      net: { kind: "tap", netns: ns.name, ifname: ns.ifname } });
    cleanups.push(() => guest.kill());
    void guest.done.then((r) => (exited = r));
    const ready = await output(ns.node(`
      const http = require("http");
      let tries = 0;
      const poll = () => http.get("http://${GUEST_IP}:8080/", (r) => { r.resume(); r.on("end", () => process.exit(r.statusCode === 200 ? 0 : 1)); })
        .on("error", () => { if (++tries > 300) process.exit(2); setTimeout(poll, 200); });
      poll();`));
    if (ready.code !== 0) throw new Error(`the guest did not answer on ${GUEST_IP}:8080 (${ready.code}):\n${consoleText}`);
  }, 120_000);

  it(`survives ${FRAMES} mutated frames (seed ${SEED}) and still serves`, async () => {
    const py = run(ns, "python3", [FRAME_FUZZ, "--ifname", ns.ifname, "--guest-ip", GUEST_IP, "--host-ip", HOST_IP,
      "--count", String(FRAMES), "--rate", String(FRAME_RATE), "--seed", String(SEED)]);
    const s = lastJson<FrameSummary>(await whileHealthy(py.result, py.pid));
    console.log(`[robustness] frames (seed ${s.seed}): ${s.sent} sent in ${s.seconds} s, ${s.tapDropped} dropped by the tap ` +
      `(the guest was busy), ${s.sendErrors} refused by the socket; probes answered ${s.probeReplies}/${s.probes}; ` +
      `guest replies ${JSON.stringify(s.replies)}; templates ${JSON.stringify(s.templates)}`);
    const { ["IPv4 source is a broadcast or zero address"]: fromBroadcast, ...problems } = s.replyProblems;
    if (fromBroadcast) {
      // RFC 1122 4.2.3.10: a SYN to a broadcast address must be dropped; the guest answers it from that address.
      console.log(`[robustness] note: ${fromBroadcast.count} guest frames came from a broadcast address, e.g. ${fromBroadcast.sample}`);
    }
    expect(unhealthy()).toBeNull();
    expect(s.sent).toBeGreaterThanOrEqual(FRAMES);
    expect(problems, "frames the guest sent were malformed").toEqual({});
    // The guest kept answering while it was flooded (the tap drops frames when it falls behind, probes included).
    expect(s.probeReplies, JSON.stringify(s)).toBeGreaterThanOrEqual(s.probes / 4);
    const after = await stillServes();
    expect(after.hello).toBe("Hello from unijs!\n");
    expect(after.echo).toBe(after.expectedEcho);
    expect(unhealthy()).toBeNull();
  }, 180_000);

  it(`answers ${HTTP_CASES} malformed or hostile requests (seed ${SEED}) without hanging, then still serves`, async () => {
    const t0 = Date.now();
    const client = ns.node(`require(${JSON.stringify(HTTP_FUZZ)}).main(${JSON.stringify({
      host: GUEST_IP, port: 8080, seed: SEED, count: HTTP_CASES, concurrency: 16, timeoutMs: 30_000 })})`);
    let progress = "no case had finished";
    client.stdout?.on("data", (d) => { progress = /progress [^\n]*/.exec(String(d))?.[0] ?? progress; });
    const done = await whileHealthy(output(client), client.pid ?? -1).catch((e: Error) => {
      throw new Error(`${e.message}\n(the client's last report: ${progress})`);
    });
    const r = lastJson<{ seconds: number; results: CaseResult[] }>(done);
    const byFamily = new Map<string, Map<string, number>>();
    for (const c of r.results) {
      const m = byFamily.get(c.family) ?? new Map<string, number>();
      const k = `${c.status ?? "-"}/${c.end}`;
      m.set(k, (m.get(k) ?? 0) + 1);
      byFamily.set(c.family, m);
    }
    console.log(`[robustness] http (seed ${SEED}): ${r.results.length} cases in ${r.seconds} s: ` +
      [...byFamily].map(([f, m]) => `${f} ${[...m].map(([k, n]) => `${k}×${n}`).join(" ")}`).join("; "));
    expect(unhealthy()).toBeNull();
    expect(r.results.length).toBe(HTTP_CASES);
    const hung = r.results.filter((c) => c.end === "timeout" || c.end.startsWith("error:"));
    expect(hung.slice(0, 10), `${hung.length} connections hung or could not connect`).toEqual([]);
    const wrong = r.results.filter((c) => !EXPECTED[c.family].ok(c)).map((c) => ({ ...c, expected: EXPECTED[c.family].what }));
    expect(wrong.slice(0, 10), `${wrong.length} cases were not answered as Node answers them`).toEqual([]);
    const after = await stillServes();
    expect(after.hello).toBe("Hello from unijs!\n");
    expect(after.echo).toBe(after.expectedEcho);
    expect(unhealthy()).toBeNull();
    console.log(`[robustness] http part took ${Math.round((Date.now() - t0) / 1000)} s`);
  }, 180_000);
});
