// boot/cli.ts — the `unijs` command (bin/unijs.mjs; `npm run image|boot|start` in the checkout): `image` (build an
// image), `boot` (run one in QEMU), `start` (boot with the app's port forwarded), `inspect` (what an image holds).
// Paths are the caller's: relative to the directory the command was typed in (under `npm run`, npm's INIT_CWD).
// Per-app settings come from the app's package.json "unijs" object; flags override them. Every bad flag value or
// path is one line on stderr and exit 2 (usage) or 1 (build, image, file system), never this tool's stack trace.
// Messages go to stderr; stdout carries only the guest's console (and `inspect`'s report, `--help`, `--version`).
// Layer: build tools (host only).

import { existsSync, readFileSync, statSync } from "node:fs";
import { extname, join, relative, resolve, sep } from "node:path";
// The builder (esbuild, the runtime's resolver) and the OCI writer load only when an image is built: help, versions
// and usage errors answer without them.
import type { ImageOptions, ImageResult } from "./image/build.ts";
import { checkMemory, formatSize, KERNEL_RESERVE, MIN_MEM, OptionError, parseSize, versions } from "./image/options.ts";
import { resolveAppEntry, resolveAppRoot } from "./image/entry.ts";
import { ImageError, readImage, type ImageInfo } from "./image/manifest.ts";
import { LAUNCH } from "./exit_codes.ts";
import { ROOT } from "./paths.ts";
import { bootImage, parseNetOption, type Accel, type Machine } from "./launch/qemu.ts";

/** `start` with no app inside the unijs checkout boots this example. */
const DEFAULT_APP = "examples/http-server";
/** `start` forwards this host port (on 127.0.0.1) to the app's port 8080 unless told otherwise. */
const DEFAULT_HOST_PORT = 8080;
/** Files `boot`/`start` build before booting; anything else that is not an ELF image is refused. */
const APP_EXTENSIONS = new Set([".js", ".mjs", ".cjs", ".ts", ".mts", ".cts", ".jsx", ".tsx"]);

class UsageError extends Error {}

// ---- flags -------------------------------------------------------------------------------------------------

interface Flag { names: string[]; value?: string; help: string; many?: boolean }

const IMAGE_FLAGS: Flag[] = [
  { names: ["-o", "--out"], value: "PATH", help: "the image file, or a folder to write <name>.elf into (default build/images/<name>.elf)" },
  { names: ["--env"], value: "K=V", many: true, help: "bake an environment variable into process.env" },
  { names: ["--arg"], value: "A", many: true, help: "an argument after process.argv[1]" },
  { names: ["--mem"], value: "SIZE", help: `RAM the image is meant for (default 128M, the least ${formatSize(MIN_MEM)})` },
  { names: ["--heap"], value: "SIZE", help: `JS heap limit (default: RAM less ${formatSize(KERNEL_RESERVE)} for the kernel)` },
  { names: ["--ip"], value: "CIDR", help: "static IPv4 address instead of DHCP, e.g. 10.0.2.15/24" },
  { names: ["--gateway"], value: "IP", help: "static gateway (with --ip)" },
  { names: ["--dns"], value: "IP", many: true, help: "static DNS server (with --ip)" },
  { names: ["--profile"], value: "[=10s]", help: "sample the JS; print a profile every 10 s and at exit" },
  { names: ["--keep-source"], help: "functions keep their source text (Function.prototype.toString as in Node)" },
  { names: ["--expose-gc"], help: "a global gc(), as Node's flag" },
  { names: ["--assets"], value: "DIR", many: true, help: "embed a folder of the app read-only, at its place under /app" },
  { names: ["--mount"], value: "PATH=vdX[,ro]", many: true, help: "ext4 disks to mount, or 'none' (default: the first disk at /data)" },
  { names: ["--tmp"], value: "SIZE", help: "size of /tmp, a RAM file system (default a quarter of RAM)" },
  { names: ["--ca"], value: "FILE.pem", many: true, help: "extra CAs a TLS client trusts, as NODE_EXTRA_CA_CERTS" },
  { names: ["--test-hooks"], help: "" },
];
const BOOT_FLAGS: Flag[] = [
  { names: ["--kvm"], help: "require KVM" },
  { names: ["--tcg"], help: "use QEMU's emulator even where KVM is usable" },
  { names: ["--machine"], value: "microvm|pc", help: "the machine type (default microvm)" },
  { names: ["--timeout"], value: "DURATION", help: "kill the guest after this long (30s, 500ms, 2m)" },
  { names: ["--disk"], value: "FILE[,ro]", many: true, help: "attach a disk image (virtio-blk)" },
  { names: ["--net"], value: "SPEC", help: "user[,hostfwd=tcp:HOSTPORT-:GUESTPORT]...[,restrict][,backend=passt|slirp] (outbound by NAT unless restrict) | udp:LPORT:RPORT" },
  { names: ["--no-rng"], help: "no virtio-rng device" },
  { names: ["--console"], value: "virtio|uart", help: "the app's stdout and stderr: virtio-console ports, apart (default), or the UART" },
];
const COMMON: Flag[] = [
  { names: ["-h", "--help"], help: "this help" },
  { names: ["-v", "--version"], help: "unijs's and the engine's versions" },
];
const INSPECT_FLAGS: Flag[] = [{ names: ["--json"], help: "the report as JSON" }];

interface Command { name: string; args: string; what: string; flags: Flag[] }

const COMMANDS: Record<string, Command> = {
  image: { name: "image", args: "<app folder or entry file>", what: "build a bootable image of an app", flags: [...IMAGE_FLAGS,
    { names: ["--oci"], value: "DIR", help: "also write OCI images into an image layout: oci:DIR:urunc (urunc), oci:DIR:qemu (self-running)" }] },
  boot: { name: "boot", args: "<image.elf or app>", what: "boot an image (an app is built first) in QEMU; exits with the app's code", flags: [...BOOT_FLAGS, ...IMAGE_FLAGS] },
  start: { name: "start", args: "[app]", what: `build and boot an app with 127.0.0.1:${DEFAULT_HOST_PORT} forwarded to its port 8080 (default app: .)`, flags: [...BOOT_FLAGS, ...IMAGE_FLAGS] },
  inspect: { name: "inspect", args: "<image.elf>", what: "versions, build options, modules, assets and SHA-256 of an image", flags: INSPECT_FLAGS },
};

function usage(cmd?: Command): string {
  const line = (f: Flag) => `  ${(f.names.join(", ") + (f.value ? (f.value.startsWith("[") ? f.value : " " + f.value) : "")).padEnd(30)} ${f.help}${f.many ? " (repeatable)" : ""}`;
  if (!cmd) {
    return `usage: unijs <command> [options]   (unijs <command> --help says more)\n\n` +
      Object.values(COMMANDS).map((c) => `  unijs ${`${c.name} ${c.args}`.padEnd(36)} ${c.what}`).join("\n") +
      `\n\nApp settings: package.json "unijs": { "mem", "heap", "env", "args", "assets", "mounts", "tmp", "ca", "ports", "net", ... };` +
      `\nflags override them. Paths are relative to the current directory.`;
  }
  return `usage: unijs ${cmd.name} ${cmd.args} [options]\n${cmd.what}\n\n` +
    [...cmd.flags, ...COMMON].filter((f) => f.help).map(line).join("\n");
}

interface Parsed { positional: string[]; flags: Map<string, string[]> }

function parseArgs(argv: string[], cmd: Command | undefined): Parsed {
  const known = new Map<string, Flag>();
  for (const f of [...(cmd?.flags ?? []), ...COMMON]) for (const n of f.names) known.set(n, f);
  const positional: string[] = [];
  const flags = new Map<string, string[]>();
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    let value: string | undefined;
    if (a === "--") { positional.push(...argv.slice(i + 1)); break; }
    if (!a.startsWith("-") || a === "-") { positional.push(a); continue; }
    const eq = a.indexOf("=");
    if (a.startsWith("--") && eq > 0) { value = a.slice(eq + 1); a = a.slice(0, eq); }
    const f = known.get(a);
    if (!f) throw new UsageError(`unknown option ${a}${cmd ? ` for 'unijs ${cmd.name}'` : ""}`);
    const key = f.names.at(-1) as string;
    if (f.value && !f.value.startsWith("[")) {
      value ??= argv[++i];
      if (value === undefined || value === "") throw new UsageError(`${a} needs a value (${f.value})`);
    } else if (value !== undefined && !f.value) {
      throw new UsageError(`${a} takes no value`);
    }
    flags.set(key, [...(flags.get(key) ?? []), value ?? ""]);
  }
  return { positional, flags };
}

const one = (p: Parsed, f: string) => p.flags.get(f)?.at(-1);

function parseDuration(s: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(s);
  if (!m) throw new UsageError(`${flag} '${s}' is not a duration (e.g. 30s, 500ms, 2m)`);
  return Number(m[1]) * ({ ms: 1, s: 1000, m: 60000 }[m[2] ?? "s"] as number);
}

function sizeFlag(p: Parsed, f: string): number | undefined {
  const v = one(p, f);
  if (v === undefined) return undefined;
  try {
    return parseSize(v);
  } catch {
    throw new UsageError(`${f} '${v}' is not a size (e.g. 128M, 1G, 65536)`);
  }
}

// ---- per-app settings: package.json "unijs" ---------------------------------------------------------------

/** The settings package.json "unijs" may hold, and the flag each one stands for. */
const SETTINGS: Record<string, { flag: string; kind: "size" | "string" | "strings" | "env" | "bool" | "duration" | "ports" }> = {
  mem: { flag: "--mem", kind: "size" },
  heap: { flag: "--heap", kind: "size" },
  tmp: { flag: "--tmp", kind: "size" },
  env: { flag: "--env", kind: "env" },
  args: { flag: "--arg", kind: "strings" },
  assets: { flag: "--assets", kind: "strings" },
  mounts: { flag: "--mount", kind: "strings" },
  ca: { flag: "--ca", kind: "strings" },
  ip: { flag: "--ip", kind: "string" },
  gateway: { flag: "--gateway", kind: "string" },
  dns: { flag: "--dns", kind: "strings" },
  keepSource: { flag: "--keep-source", kind: "bool" },
  exposeGc: { flag: "--expose-gc", kind: "bool" },
  profile: { flag: "--profile", kind: "duration" },
  machine: { flag: "--machine", kind: "string" },
  timeout: { flag: "--timeout", kind: "duration" },
  disks: { flag: "--disk", kind: "strings" },
  net: { flag: "--net", kind: "string" },
  ports: { flag: "--net", kind: "ports" },
};

/** The app's package.json "unijs" settings as flags (those of `cmd` only), or none. Throws UsageError naming a
 *  bad setting. Paths in settings are relative to the app's folder. */
function appSettings(appRoot: string, cmd: Command): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const pkgPath = join(appRoot, "package.json");
  if (!existsSync(pkgPath)) return out;
  let cfg: unknown;
  try {
    cfg = (JSON.parse(readFileSync(pkgPath, "utf8")) as { unijs?: unknown }).unijs;
  } catch (e) {
    throw new UsageError(`${relative(process.cwd(), pkgPath)}: not valid JSON (${(e as Error).message})`);
  }
  if (cfg === undefined) return out;
  const where = `${relative(process.cwd(), pkgPath) || "package.json"} "unijs"`;
  if (!cfg || typeof cfg !== "object" || Array.isArray(cfg)) throw new UsageError(`${where} must be an object`);
  const accepted = new Set(cmd.flags.flatMap((f) => f.names));
  const rel = (v: string) => resolve(appRoot, v);
  for (const [key, v] of Object.entries(cfg as Record<string, unknown>)) {
    const s = SETTINGS[key];
    if (!s) throw new UsageError(`${where}: unknown setting "${key}" (known: ${Object.keys(SETTINGS).join(", ")})`);
    if (!accepted.has(s.flag)) continue;
    const bad = (want: string) => new UsageError(`${where}.${key} must be ${want}, not ${JSON.stringify(v)}`);
    const strings = (): string[] => {
      if (!Array.isArray(v) || !v.every((x) => typeof x === "string")) throw bad("an array of strings");
      return v as string[];
    };
    let values: string[];
    switch (s.kind) {
      case "size":
        if (typeof v === "number" && Number.isInteger(v) && v >= 0) values = [String(v)];
        else if (typeof v === "string") values = [v];
        else throw bad('a size ("128M" or bytes)');
        break;
      case "string": case "duration":
        if (s.kind === "duration" && v === true) { values = [""]; break; }
        if (typeof v !== "string") throw bad("a string");
        values = [v];
        break;
      case "bool":
        if (typeof v !== "boolean") throw bad("true or false");
        if (!v) continue;
        values = [""];
        break;
      case "strings":
        values = strings();
        if (key === "ca" || key === "assets") values = values.map(rel);
        if (key === "disks") values = values.map((x) => rel(x.split(",")[0]) + x.slice(x.split(",")[0].length));
        break;
      case "env":
        if (!v || typeof v !== "object" || Array.isArray(v) || !Object.values(v).every((x) => typeof x === "string")) throw bad("an object of strings");
        values = Object.entries(v as Record<string, string>).map(([k, x]) => `${k}=${x}`);
        break;
      case "ports": {
        const forwards = strings().map((x) => {
          const m = /^(?:(tcp|udp):)?(\d+)(?::(\d+))?$/.exec(x);
          if (!m) throw bad('an array of "HOSTPORT:GUESTPORT" (e.g. "8080:8080", "udp:5353:53")');
          return `hostfwd=${m[1] ?? "tcp"}:${m[2]}-:${m[3] ?? m[2]}`;
        });
        values = [["user", ...forwards].join(",")];
        break;
      }
    }
    out.set(s.flag, values);
  }
  return out;
}

/** Flags over settings: a flag given replaces the setting (`--env` merges by name, the flag's value winning). */
function withSettings(p: Parsed, settings: Map<string, string[]>): Parsed {
  const flags = new Map(settings);
  for (const [f, v] of p.flags) {
    if (f === "--env" && flags.has(f)) {
      const byName = new Map([...flags.get(f)!, ...v].map((kv) => [kv.slice(0, Math.max(0, kv.indexOf("="))), kv]));
      flags.set(f, [...byName.values()]);
    } else flags.set(f, v);
  }
  return { positional: p.positional, flags };
}

// ---- image ------------------------------------------------------------------------------------------------

/** Checks that `app` names an app (a folder with an entry, or a source file); returns the folder its settings are
 *  read from. */
function appRootOf(app: string): string {
  const p = resolve(app);
  if (!existsSync(p)) throw new UsageError(`${app}: no such file or folder`);
  if (statSync(p).isFile() && !APP_EXTENSIONS.has(extname(p))) {
    throw new UsageError(`${app} is not an app entry (${[...APP_EXTENSIONS].join(", ")}) nor a folder`);
  }
  let entry: string;
  try {
    entry = resolveAppEntry(app);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  return resolveAppRoot(app, entry);
}

function imageOptions(p: Parsed, app: string): ImageOptions {
  const env: Record<string, string> = {};
  for (const kv of p.flags.get("--env") ?? []) {
    const eq = kv.indexOf("=");
    if (eq <= 0) throw new UsageError(`--env takes K=V, not '${kv}'`);
    env[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  for (const f of p.flags.get("--ca") ?? []) if (!existsSync(f)) throw new UsageError(`--ca ${f}: no such file`);
  const memBytes = sizeFlag(p, "--mem");
  const heapBytes = sizeFlag(p, "--heap");
  try {
    checkMemory(memBytes, heapBytes);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if ((one(p, "--gateway") || p.flags.has("--dns")) && !one(p, "--ip")) throw new UsageError("--gateway and --dns go with --ip");
  return {
    app,
    out: one(p, "--out"),
    env,
    args: p.flags.get("--arg") ?? [],
    memBytes,
    heapBytes,
    testHooks: p.flags.has("--test-hooks"),
    keepSource: p.flags.has("--keep-source"),
    exposeGc: p.flags.has("--expose-gc"),
    assets: p.flags.get("--assets") ?? [],
    mounts: p.flags.get("--mount"),
    tmpBytes: sizeFlag(p, "--tmp"),
    ca: (p.flags.get("--ca") ?? []).map((f) => resolve(f)),
    profileMs: p.flags.has("--profile") ? parseDuration(one(p, "--profile") || "10s", "--profile") : undefined,
    ip: one(p, "--ip") ? { cidr: one(p, "--ip") as string, gateway: one(p, "--gateway"), dns: p.flags.get("--dns") } : undefined,
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

async function build(p: Parsed, app: string): Promise<ImageResult> {
  const opts = imageOptions(p, app);
  const t0 = performance.now();
  const { buildImage } = await import("./image/build.ts");
  const r = await buildImage(opts);
  reportImage(r, performance.now() - t0);
  return r;
}

// ---- boot -------------------------------------------------------------------------------------------------

/** Is `target` meant as an image (an .elf name, or a file starting with ELF's magic)? */
function looksLikeImage(target: string): boolean {
  const p = resolve(target);
  if (extname(p) === ".elf") return true;
  if (!existsSync(p) || !statSync(p).isFile()) return false;
  return readFileSync(p).subarray(0, 4).toString("latin1") === "\x7fELF";
}

function readImageFile(target: string): ImageInfo {
  const p = resolve(target);
  if (!existsSync(p)) throw new UsageError(`${target}: no such file`);
  if (!statSync(p).isFile()) throw new UsageError(`${target} is a folder, not an image file`);
  return readImage(readFileSync(p), target);
}

function bootChecks(p: Parsed): { accel: Accel; machine: Machine; timeoutMs: number; disks: { path: string; readonly: boolean }[]; net: ReturnType<typeof parseNetOption> | undefined } {
  if (p.flags.has("--kvm") && p.flags.has("--tcg")) throw new UsageError("--kvm and --tcg exclude each other");
  const accel: Accel = p.flags.has("--kvm") ? "kvm" : p.flags.has("--tcg") ? "tcg" : "auto";
  const machine = (one(p, "--machine") ?? "microvm") as Machine;
  if (machine !== "microvm" && machine !== "pc") throw new UsageError(`--machine is microvm or pc, not '${machine}'`);
  const timeoutMs = one(p, "--timeout") ? parseDuration(one(p, "--timeout") as string, "--timeout") : 0;
  const disks = (p.flags.get("--disk") ?? []).map((d) => {
    const [path, ...opts] = d.split(",");
    if (!existsSync(path)) throw new UsageError(`--disk ${path}: no such file`);
    if (!statSync(path).isFile()) throw new UsageError(`--disk ${path}: not a file`);
    if (opts.some((x) => x !== "ro")) throw new UsageError(`--disk ${d}: the only option is ',ro'`);
    return { path, readonly: opts.includes("ro") };
  });
  let net;
  try {
    net = one(p, "--net") ? parseNetOption(one(p, "--net") as string) : undefined;
  } catch (e) {
    throw new UsageError(`--net: ${(e as Error).message}`);
  }
  return { accel, machine, timeoutMs, disks, net };
}

/** --console virtio|uart (default virtio: boot/launch/qemu.ts consoleArgs). */
function consoleOption(p: Parsed): "virtio" | "uart" {
  const c = one(p, "--console") ?? "virtio";
  if (c !== "virtio" && c !== "uart") throw new UsageError(`--console is virtio or uart, not '${c}'`);
  return c;
}

async function boot(cmd: Command, p: Parsed, target: string): Promise<number> {
  let image: string;
  let info: ImageInfo;
  if (looksLikeImage(target)) {
    info = readImageFile(target);
    image = resolve(target);
  } else {
    p = withSettings(p, appSettings(appRootOf(target), cmd));
    bootChecks(p);                                   // bad boot flags are refused before anything is built
    consoleOption(p);
    image = (await build(p, target)).path;
    info = readImageFile(image);
  }
  if (cmd.name === "start" && !p.flags.has("--net")) p.flags.set("--net", [`user,hostfwd=tcp:${DEFAULT_HOST_PORT}-:8080`]);
  const { accel, machine, timeoutMs, disks, net } = bootChecks(p);
  const consoleKind = consoleOption(p);
  const memBytes = sizeFlag(p, "--mem") ?? info.memHint;
  try {
    checkMemory(memBytes, info.heapLimit || undefined);
  } catch (e) {
    throw new UsageError(`${(e as Error).message} (the image's heap limit)`);
  }
  if (cmd.name === "start") {
    const fwd = net?.kind === "user" ? net.hostfwd?.find((h) => h.proto === "tcp") : undefined;
    if (fwd) process.stderr.write(`[unijs] booting ${relative(process.cwd(), image)}: open http://127.0.0.1:${fwd.hostPort}/ (Ctrl-C stops it)\n`);
  }
  const r = await bootImage({
    image, accel, machine, memBytes, timeoutMs, disks, net, rng: !p.flags.has("--no-rng"), supervise: true,
    onOutput: (t) => process.stdout.write(t), onStderr: (t) => process.stderr.write(t), console: consoleKind,
  });
  const how = `${r.accel === "tcg" ? "TCG" : "KVM"}, ${machine}, ${r.wallMs.toFixed(0)} ms`;
  if (r.outcome === "exit") process.stderr.write(`[unijs] guest exited with code ${r.code} (${how})\n`);
  else if (r.outcome === "panic") process.stderr.write(`[unijs] kernel panic (${how}); exit ${LAUNCH.PANIC}\n`);
  else if (r.outcome === "reset") process.stderr.write(`[unijs] the guest reset itself (triple fault?) (${how}); exit ${LAUNCH.RESET}\n`);
  else if (r.outcome === "timeout") process.stderr.write(`[unijs] the guest was still running after ${timeoutMs} ms and was killed; exit ${LAUNCH.TIMEOUT}\n`);
  else if (r.error) process.stderr.write(`[unijs] ${r.error}; exit ${r.code}\n`);
  else if (/terminating on signal/.test(r.stderr)) process.stderr.write(`[unijs] QEMU was stopped by a signal (${how}); exit ${LAUNCH.QEMU_ERROR}\n`);
  else process.stderr.write(`[unijs] QEMU failed: ${r.stderr.trim() || "no message"}; exit ${LAUNCH.QEMU_ERROR}\n`);
  return r.code;
}

// ---- inspect ----------------------------------------------------------------------------------------------

function inspect(p: Parsed, target: string): number {
  const info = readImageFile(target);
  const c = info.config as { name?: string; argv?: string[]; env?: Record<string, string>; esm?: boolean;
    net?: { address: number; prefixLength: number; gateway: number; dns: number[] }; mounts?: { path: string; device: string; readOnly: boolean }[];
    tmpBytes?: number; profile?: { intervalMs: number }; exposeGc?: boolean };
  const m = info.manifest;
  if (p.flags.has("--json")) {
    process.stdout.write(JSON.stringify({ image: target, ...info }, null, 2) + "\n");
    return 0;
  }
  const ip = (n: number) => [24, 16, 8, 0].map((s) => (n >>> s) & 255).join(".");
  const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
  const rows: [string, string][] = [
    ["image", `${target} (${info.bytes} bytes)`],
    ["sha256", info.sha256],
    ["unijs", m ? m.unijs : "unknown (no manifest it can read: built by another unijs)"],
    ["engine", m ? m.engine : "unknown"],
    ["app", `${c.name ?? "?"}: ${(c.argv ?? []).slice(1).join(" ")} (${m?.opts.module ? "one ES module" : c.esm ? "ES module entry" : "script"})`],
    ["memory", `${formatSize(info.memHint)} RAM (the launcher's default), heap ${info.heapLimit ? formatSize(info.heapLimit) : `automatic (RAM less ${formatSize(KERNEL_RESERVE)})`}` +
      (c.tmpBytes ? `, /tmp ${formatSize(c.tmpBytes)}` : "")],
    ["options", [m?.opts.keepSource && "keep-source", (m?.opts.exposeGc || c.exposeGc) && "expose-gc",
      c.profile && `profile every ${c.profile.intervalMs} ms`, m?.opts.testHooks && "test hooks"].filter(Boolean).join(", ") || "none"],
    ["env", Object.entries(c.env ?? {}).map(([k, v]) => `${k}=${v}`).join(" ") || "none"],
    ["network", c.net ? `static ${ip(c.net.address)}/${c.net.prefixLength}${c.net.gateway ? ` via ${ip(c.net.gateway)}` : ""}` +
      (c.net.dns.length ? `, dns ${c.net.dns.map(ip).join(" ")}` : "") : "DHCP"],
    ["mounts", c.mounts ? (c.mounts.map((x) => `${x.path}=${x.device}${x.readOnly ? ",ro" : ""}`).join(" ") || "none") : "default (the first disk at /data)"],
    ["native libs", m ? (m.libs.join(", ") || "none") : "unknown"],
    ["bytecode", `${kib(info.bytecodeBytes)} (${info.bytecodeBytes} bytes)`],
    ["assets", info.assets.length ? `${info.assets.length} file${info.assets.length === 1 ? "" : "s"}, ${info.assetBytes} bytes` : "none"],
  ];
  const out = rows.map(([k, v]) => `${k.padEnd(12)} ${v}`);
  out.push(`modules      ${info.modules.length}${m ? " (bytes each adds to the bundle)" : ""}`);
  for (const x of info.modules) out.push(`  ${m ? kib(x.bytes).padStart(10) : ""}  ${x.path}`);
  if (info.assets.length) out.push("embedded files (under /app)");
  for (const a of info.assets) out.push(`  ${String(a.bytes).padStart(10)}  ${a.mode.toString(8).padStart(4, "0")}  ${a.path}`);
  process.stdout.write(out.join("\n") + "\n");
  return 0;
}

// ---- main -------------------------------------------------------------------------------------------------

/** The directory the command was typed in: npm runs scripts in the package root and says where in INIT_CWD. */
function callerCwd(): string {
  const event = process.env.npm_lifecycle_event;
  if (process.env.INIT_CWD && event && ["image", "boot", "start", "inspect"].includes(event)) return process.env.INIT_CWD;
  return process.cwd();
}

function versionLine(): string {
  const v = versions();
  return `unijs ${v.unijs} (${v.engine})`;
}

async function main(argv: string[]): Promise<number> {
  process.chdir(callerCwd());
  const [first, ...rest] = argv;
  if (first === undefined || first === "-h" || first === "--help" || first === "help") {
    (first === undefined ? process.stderr : process.stdout).write(usage() + "\n");
    return first === undefined ? 2 : 0;
  }
  if (first === "-v" || first === "--version") { process.stdout.write(versionLine() + "\n"); return 0; }
  const cmd = COMMANDS[first];
  if (!cmd) throw new UsageError(first.startsWith("-") ? `unknown option ${first}: give a command first (image, boot, start, inspect)` : `unknown command '${first}' (image, boot, start, inspect)`);
  const p = parseArgs(rest, cmd);
  if (p.flags.has("--help")) { process.stdout.write(usage(cmd) + "\n"); return 0; }
  if (p.flags.has("--version")) { process.stdout.write(versionLine() + "\n"); return 0; }
  if (p.positional.length > 1) throw new UsageError(`unijs ${cmd.name} takes one ${cmd.args.replace(/[<>[\]]/g, "")}, not ${p.positional.length} (${p.positional.join(" ")})`);
  switch (cmd.name) {
    case "image": {
      const app = p.positional[0];
      if (!app) throw new UsageError("unijs image needs an app folder or entry file (e.g. 'unijs image .')");
      const r = await build(withSettings(p, appSettings(appRootOf(app), cmd)), app);
      if (p.flags.has("--oci")) await (await import("./image/oci.ts")).writeOciForCli(r.path, one(p, "--oci") as string, r.name);
      return 0;
    }
    case "boot": {
      const target = p.positional[0];
      if (!target) throw new UsageError("unijs boot needs an image (.elf) or an app");
      return boot(cmd, p, target);
    }
    case "start": {
      // Typed inside the unijs checkout: its default example; anywhere else (an installed unijs): the app here.
      const cwd = resolve(process.cwd());
      const inCheckout = !ROOT.split(sep).includes("node_modules") && (cwd === ROOT || cwd.startsWith(ROOT + sep));
      return boot(cmd, p, p.positional[0] ?? (inCheckout ? relative(cwd, join(ROOT, DEFAULT_APP)) || "." : "."));
    }
    case "inspect": {
      const target = p.positional[0];
      if (!target) throw new UsageError("unijs inspect needs an image file (.elf)");
      return inspect(p, target);
    }
  }
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    const msg = e instanceof Error ? e.message : String(e);
    if (e instanceof UsageError || e instanceof OptionError) {
      process.stderr.write(`unijs: ${msg}\n`);
      process.exit(2);
    }
    if (e instanceof Error && e.constructor.name === "BuildError") process.stderr.write(msg.includes("\n") ? `unijs: build failed:\n${msg}\n` : `unijs: build failed: ${msg}\n`);
    else if (e instanceof ImageError) process.stderr.write(`unijs: ${msg}\n`);
    else if (e && typeof e === "object" && "code" in e && "syscall" in e) process.stderr.write(`unijs: ${msg}\n`);     // a file system error
    else process.stderr.write(`unijs: ${process.env.UNIJS_DEBUG ? (e as Error).stack ?? msg : msg} (UNIJS_DEBUG=1 shows where)\n`);
    process.exit(1);
  },
);
