// boot/cli.ts — the command line: `image` (build an image), `boot` (run one in QEMU), `start` (both, for the
// default example). Messages go to stderr; stdout carries only the guest's console.
// Layer: build tools (host only).

import { existsSync, readFileSync, statSync } from "node:fs";
import { relative, resolve } from "node:path";
import { BuildError } from "./image/bundle.ts";
import { decodeAppHeader, findAppBlob } from "./image/blob.ts";
import { buildImage, parseSize, type ImageOptions, type ImageResult } from "./image/build.ts";
import { readElf } from "./image/elf.ts";
import { LAUNCH } from "./exit_codes.ts";
import { bootImage, parseNetOption, type Accel, type Machine } from "./launch/qemu.ts";

const DEFAULT_APP = "examples/http-server";
/** `npm start` forwards this host port (on 127.0.0.1) to the example's port 8080. */
const DEFAULT_HOST_PORT = 8080;

const USAGE = `usage:
  npm run image -- <app entry or folder> [-o out.elf] [--env K=V]... [--arg A]... [--mem 128M] [--heap 64M]
                   [--ip 10.0.2.15/24 [--gateway 10.0.2.2] [--dns 10.0.2.3]...]   (static network instead of DHCP)
                   [--profile[=10s]]   (sample the JS; print a profile on the console every 10 s and at exit)
                   [--keep-source]     (functions keep their source text: Function.prototype.toString as in Node)
                   [--expose-gc]       (a global gc() that collects garbage now, as Node's flag)
                   [--assets DIR]...   (embed a folder of the app read-only, at its place under /app, the app's directory)
                   [--mount PATH=vda[,ro]]... | [--mount none]   (ext4 disks to mount; default: the first disk at /data)
                   [--tmp 64M]         (size of /tmp, a RAM file system; default a quarter of RAM)
                   [--ca FILE.pem]...  (extra CAs a TLS client trusts, as NODE_EXTRA_CA_CERTS; Mozilla's roots always)
  npm run boot  -- <image.elf or app> [--kvm|--tcg] [--machine microvm|pc] [--mem 128M] [--timeout 30s]
                   [--disk file.img[,ro]]... [--net user[,hostfwd=tcp:HOSTPORT-:GUESTPORT]... | --net udp:LPORT:RPORT] [--no-rng]
  npm start     (builds and boots ${DEFAULT_APP}, serving on http://127.0.0.1:${DEFAULT_HOST_PORT}/)`;

interface Parsed { positional: string[]; flags: Map<string, string[]> }

const VALUE_FLAGS = new Set(["-o", "--out", "--env", "--arg", "--mem", "--heap", "--machine", "--timeout", "--disk", "--net",
  "--ip", "--gateway", "--dns", "--assets", "--mount", "--tmp", "--ca"]);

function parseArgs(argv: string[]): Parsed {
  const positional: string[] = [];
  const flags = new Map<string, string[]>();
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    let value: string | undefined;
    const eq = a.indexOf("=");
    if (a.startsWith("--") && eq > 0) { value = a.slice(eq + 1); a = a.slice(0, eq); }
    if (!a.startsWith("-")) { positional.push(a); continue; }
    if (VALUE_FLAGS.has(a)) {
      value ??= argv[++i];
      if (value === undefined) throw new UsageError(`${a} needs a value`);
    } else if (!["--kvm", "--tcg", "--test-hooks", "--profile", "--keep-source", "--expose-gc", "--no-rng", "--help", "-h"].includes(a)) throw new UsageError(`unknown option ${a}`);
    flags.set(a, [...(flags.get(a) ?? []), value ?? ""]);
  }
  return { positional, flags };
}

class UsageError extends Error {}

function parseDuration(s: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(s);
  if (!m) throw new UsageError(`'${s}' is not a duration (e.g. 30s, 500ms, 2m)`);
  return Number(m[1]) * ({ ms: 1, s: 1000, m: 60000 }[m[2] ?? "s"] as number);
}

function imageOptions(p: Parsed, app: string): ImageOptions {
  const env: Record<string, string> = {};
  for (const kv of p.flags.get("--env") ?? []) {
    const eq = kv.indexOf("=");
    if (eq <= 0) throw new UsageError(`--env takes K=V, got '${kv}'`);
    env[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  const one = (f: string) => p.flags.get(f)?.at(-1);
  return {
    app,
    out: one("-o") ?? one("--out"),
    env,
    args: p.flags.get("--arg") ?? [],
    memBytes: one("--mem") ? parseSize(one("--mem") as string) : undefined,
    heapBytes: one("--heap") ? parseSize(one("--heap") as string) : undefined,
    testHooks: p.flags.has("--test-hooks"),
    keepSource: p.flags.has("--keep-source"),
    exposeGc: p.flags.has("--expose-gc"),
    assets: p.flags.get("--assets") ?? [],
    mounts: p.flags.get("--mount"),
    tmpBytes: one("--tmp") ? parseSize(one("--tmp") as string) : undefined,
    ca: (p.flags.get("--ca") ?? []).map((f) => resolve(f)),
    profileMs: p.flags.has("--profile") ? parseDuration(one("--profile") || "10s") : undefined,
    ip: one("--ip") ? { cidr: one("--ip") as string, gateway: one("--gateway"), dns: p.flags.get("--dns") } : undefined,
  };
}

function reportImage(r: ImageResult, ms: number): void {
  const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
  process.stderr.write(
    `[unijs] built ${relative(process.cwd(), r.path)} in ${ms.toFixed(0)} ms: image ${kib(r.imageBytes)} ` +
      `(${r.imageBytes} bytes), bytecode ${kib(r.bytecodeBytes)}, bundle ${kib(r.bundleBytes)}` +
      (r.assetFiles ? `, assets ${kib(r.assetBytes)} (${r.assetBytes} bytes in ${r.assetFiles} files)` : "") + "\n",
  );
  for (const m of r.modules.slice(0, 8)) process.stderr.write(`         ${kib(m.bytes).padStart(10)}  ${m.path}\n`);
  for (const w of r.warnings) process.stderr.write(`[unijs] warning: ${w}\n`);
}

/** The RAM an image was built for (its app blob's memory hint), or undefined. */
function imageMemHint(image: string): number | undefined {
  try {
    const buf = readFileSync(image);
    readElf(buf);
    const at = findAppBlob(buf);
    return at >= 0 ? decodeAppHeader(buf.subarray(at)).memHint : undefined;
  } catch {
    return undefined;
  }
}

async function build(p: Parsed, app: string): Promise<ImageResult> {
  const t0 = performance.now();
  const r = await buildImage(imageOptions(p, app));
  reportImage(r, performance.now() - t0);
  return r;
}

async function boot(p: Parsed, target: string): Promise<number> {
  const isImage = existsSync(target) && statSync(target).isFile() && readFileSync(target).subarray(0, 4).toString("latin1") === "\x7fELF";
  const image = isImage ? target : (await build(p, target)).path;
  const one = (f: string) => p.flags.get(f)?.at(-1);
  const accel: Accel = p.flags.has("--kvm") ? "kvm" : p.flags.has("--tcg") ? "tcg" : "auto";
  const machine = (one("--machine") ?? "microvm") as Machine;
  if (machine !== "microvm" && machine !== "pc") throw new UsageError(`--machine is microvm or pc, not '${machine}'`);
  const memBytes = one("--mem") ? parseSize(one("--mem") as string) : imageMemHint(image);
  const timeoutMs = one("--timeout") ? parseDuration(one("--timeout") as string) : 0;
  const disks = (p.flags.get("--disk") ?? []).map((d) => {
    const [path, ...opts] = d.split(",");
    if (!existsSync(path)) throw new UsageError(`--disk ${path}: no such file`);
    if (opts.some((x) => x !== "ro")) throw new UsageError(`--disk ${d}: the only option is ',ro'`);
    return { path, readonly: opts.includes("ro") };
  });
  let net;
  try {
    net = one("--net") ? parseNetOption(one("--net") as string) : undefined;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const r = await bootImage({
    image, accel, machine, memBytes, timeoutMs, disks, net, rng: !p.flags.has("--no-rng"),
    onOutput: (t) => process.stdout.write(t),
  });
  const how = `${r.accel === "tcg" ? "TCG" : "KVM"}, ${machine}, ${r.wallMs.toFixed(0)} ms`;
  if (r.outcome === "exit") process.stderr.write(`[unijs] guest exited with code ${r.code} (${how})\n`);
  else if (r.outcome === "panic") process.stderr.write(`[unijs] kernel panic (${how}); exit ${LAUNCH.PANIC}\n`);
  else if (r.outcome === "reset") process.stderr.write(`[unijs] the guest reset itself (triple fault?) (${how}); exit ${LAUNCH.RESET}\n`);
  else if (r.outcome === "timeout") process.stderr.write(`[unijs] the guest was still running after ${timeoutMs} ms and was killed; exit ${LAUNCH.TIMEOUT}\n`);
  else if (/terminating on signal/.test(r.stderr)) process.stderr.write(`[unijs] QEMU was stopped by a signal (${how}); exit ${LAUNCH.QEMU_ERROR}\n`);
  else process.stderr.write(`[unijs] QEMU failed: ${r.stderr.trim() || "no message"}; exit ${LAUNCH.QEMU_ERROR}\n`);
  return r.code;
}

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  const p = parseArgs(rest);
  if (!cmd || p.flags.has("--help") || p.flags.has("-h")) { process.stderr.write(USAGE + "\n"); return cmd ? 0 : 2; }
  switch (cmd) {
    case "image":
      if (p.positional.length !== 1) throw new UsageError("image takes one app entry or folder");
      await build(p, p.positional[0]);
      return 0;
    case "boot":
      if (p.positional.length !== 1) throw new UsageError("boot takes one image or app");
      return boot(p, p.positional[0]);
    case "start": {
      if (!p.flags.has("--net")) p.flags.set("--net", [`user,hostfwd=tcp:${DEFAULT_HOST_PORT}-:8080`]);
      if (!p.positional[0]) {
        process.stderr.write(`[unijs] booting ${DEFAULT_APP}: open http://127.0.0.1:${DEFAULT_HOST_PORT}/ (Ctrl-C stops it)\n`);
      }
      return boot(p, p.positional[0] ?? DEFAULT_APP);
    }
    default:
      throw new UsageError(`unknown command '${cmd}'`);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (e instanceof UsageError) process.stderr.write(`unijs: ${e.message}\n${USAGE}\n`);
    else if (e instanceof BuildError) process.stderr.write(`unijs: build failed:\n${e.message}\n`);
    else process.stderr.write(`unijs: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(e instanceof UsageError ? 2 : 1);
  },
);
