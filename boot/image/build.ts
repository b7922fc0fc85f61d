// boot/image/build.ts — `npm run image`: app → bundle (esbuild) → bytecode (host QuickJS) → app blob → linked
// ELF, with a small manifest for `unijs inspect` (manifest.ts). The output is written only when every step succeeded
// (temp file, then rename; the temp file is removed on any failure): never a half image, never a stray .tmp.
// Memory options are checked before anything is built (OptionError, one sentence naming the limit).
// Layer: build tools (host only).

import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { packAssets } from "./assets.ts";
import { nativeLibsFor } from "./native_libs.ts";
import { appNameOf, BuildError, bundleApp, imagePath, moduleSizes } from "./bundle.ts";
import { encodeAppBlob } from "./blob.ts";
import { EntryError, resolveAppEntry, resolveAppRoot } from "./entry.ts";
import { encodeManifest, type Manifest } from "./manifest.ts";
import { ROOT } from "../paths.ts";
import { checkMemory, DEFAULT_MEM, OptionError, versions } from "./options.ts";
import { compileBytecode, ensureNativeCore, linkImage } from "./link.ts";
import type { ImageConfig } from "../../libos/process/index.ts";
import { parseCidr, parseIpv4 } from "../../libos/net/wire/index.ts";

export interface ImageOptions {
  /** App entry file or folder. */
  app: string;
  /** Output image path (default build/images/<name>.elf); an existing folder (or a path ending in "/"): the image
   *  goes into it as <name>.elf. */
  out?: string;
  /** Environment baked into process.env. */
  env?: Record<string, string>;
  /** Extra process.argv entries after argv[1]. */
  args?: string[];
  /** RAM the image is meant for, bytes (the launcher's default --mem for it). */
  memBytes?: number;
  /** JS heap limit, bytes; 0 or absent = automatic (RAM less 16 MiB). */
  heapBytes?: number;
  /** Link the test-only hal hooks (hal.testFault). Never in a normal image. */
  testHooks?: boolean;
  /** Static IPv4 settings instead of DHCP: "10.0.2.15/24", gateway and DNS servers as dotted quads. */
  ip?: { cidr: string; gateway?: string; dns?: string[] };
  /** Link the sampling profiler (engine-prof.a) and print a JS profile every this many ms and at exit. */
  profileMs?: number;
  /** Keep functions' source text in the bytecode, so Function.prototype.toString returns it as in Node. */
  keepSource?: boolean;
  /** A global gc() that runs a full garbage collection (Node's --expose-gc). */
  exposeGc?: boolean;
  /** Folders inside the app's folder to embed read-only (mounted at /app, the app's directory in the image). */
  assets?: string[];
  /** `--mount` values: "PATH=DEVICE[,ro]" or "none". Absent: the first disk at /data when it holds ext4. */
  mounts?: string[];
  /** Size limit of /tmp (a RAM file system), bytes. */
  tmpBytes?: number;
  /** `--ca FILE`: PEM files of extra certificate authorities a TLS client trusts (as Node's NODE_EXTRA_CA_CERTS). */
  ca?: string[];
}

/** Parses `--mount` values ("/data=vda", "/logs=vdb,ro", "none") into the image config's form. Throws on others. */
export function parseMounts(values: readonly string[]): NonNullable<ImageConfig["mounts"]> {
  if (values.length === 1 && values[0] === "none") return [];
  const out: NonNullable<ImageConfig["mounts"]> = [];
  for (const v of values) {
    const m = /^(\/[^=,]*)=(vd[a-z])(,ro|,rw)?$/.exec(v);
    if (!m) throw new BuildError(`--mount takes PATH=DEVICE[,ro] (e.g. /data=vda, /archive=vdb,ro) or none, not '${v}'`);
    const path = m[1].replace(/\/+$/, "") || "/";
    if (path === "/" || /(^|\/)\.\.?(\/|$)/.test(path)) throw new BuildError(`--mount ${v}: mount at a plain absolute path other than /`);
    if (["/app", "/tmp"].includes(path)) throw new BuildError(`--mount ${v}: ${path} is the ${path === "/app" ? "app's files" : "RAM file system"}`);
    if (out.some((o) => o.path === path || o.device === m[2])) throw new BuildError(`--mount ${v}: that path or device is mounted twice`);
    out.push({ path, device: m[2], readOnly: m[3] === ",ro" });
  }
  return out;
}

export interface ImageResult {
  path: string;
  symbols: string;
  name: string;
  imageBytes: number;
  bytecodeBytes: number;
  bundleBytes: number;
  /** Embedded files (--assets): their count and bytes. */
  assetFiles: number;
  assetBytes: number;
  /** Native libraries linked in (boot/native/libs). */
  nativeLibs: string[];
  /** What the user should know (built-ins that throw in a unikernel, computed requires). */
  warnings: string[];
  modules: { path: string; bytes: number }[];
}

export { checkMemory, DEFAULT_MEM, formatSize, KERNEL_RESERVE, MIN_HEAP, MIN_MEM, OptionError, parseSize, versions } from "./options.ts";

/** An app folder's package.json "name" as a file name ("@scope/my-app" → "my-app"), or undefined. */
function packageNameOf(app: string): string | undefined {
  const pkg = join(resolve(app), "package.json");
  if (!existsSync(pkg) || !statSync(resolve(app)).isDirectory()) return undefined;
  try {
    const name = (JSON.parse(readFileSync(pkg, "utf8")) as { name?: unknown }).name;
    const base = typeof name === "string" ? name.replace(/^@[^/]+\//, "").replace(/[^A-Za-z0-9._-]/g, "_") : "";
    return base && !base.startsWith(".") ? base : undefined;
  } catch {
    return undefined;
  }
}

/** The image path for `out` (a file, or a folder to write <name>.elf into), absolute. */
export function outputPath(out: string | undefined, name: string): string {
  if (out === undefined) return resolve(join("build/images", `${name}.elf`));
  const p = resolve(out);
  if (out.endsWith("/") || out.endsWith(sep) || (existsSync(p) && statSync(p).isDirectory())) return join(p, `${name}.elf`);
  return p;
}

/** Validates static network settings into the image config's form (addresses as 32-bit numbers). */
function staticNet(ip: NonNullable<ImageOptions["ip"]>) {
  const cidr = parseCidr(ip.cidr);
  return {
    address: cidr.address,
    prefixLength: cidr.prefixLength,
    gateway: ip.gateway ? parseIpv4(ip.gateway) : 0,
    dns: (ip.dns ?? []).map(parseIpv4),
  };
}

export async function buildImage(opts: ImageOptions): Promise<ImageResult> {
  checkMemory(opts.memBytes, opts.heapBytes);
  let entry: string;
  try {
    entry = resolveAppEntry(opts.app);
  } catch (e) {
    throw e instanceof EntryError ? new BuildError(e.message) : e;
  }
  const name = packageNameOf(opts.app) ?? appNameOf(entry);
  const out = outputPath(opts.out, name);
  if (existsSync(out) && statSync(out).isDirectory()) throw new OptionError(`-o ${opts.out}: ${out} is a folder`);
  let above = dirname(out);
  while (!existsSync(above)) above = dirname(above);
  if (!statSync(above).isDirectory()) throw new OptionError(`-o ${opts.out}: ${relative(process.cwd(), above) || above} is a file, not a folder`);
  ensureNativeCore();
  const appRoot = resolveAppRoot(opts.app, entry);
  const extraCa = [...(opts.ca ?? []), ...(opts.env?.NODE_EXTRA_CA_CERTS ? [opts.env.NODE_EXTRA_CA_CERTS] : [])];
  const bundle = await bundleApp(entry, name, { readableNames: !!opts.profileMs, appRoot, extraCa });
  const assets = opts.assets?.length ? packAssets(appRoot, opts.assets) : undefined;
  const work = mkdtempSync(join(tmpdir(), "unijs-image-"));
  try {
    const bytecode = compileBytecode(work, bundle.code, bundle.bundleName,
      { keepSource: opts.keepSource, module: bundle.module });
    const config: ImageConfig = {
      argv: ["/unijs", imagePath(entry, appRoot), ...(opts.args ?? [])],
      env: opts.env ?? {},
      name,
      bundle: bundle.bundleName,
      esm: bundle.esm,
      ...(opts.ip ? { net: staticNet(opts.ip) } : {}),
      ...(opts.profileMs ? { profile: { intervalMs: opts.profileMs } } : {}),
      ...(opts.exposeGc ? { exposeGc: true } : {}),
      ...(opts.mounts ? { mounts: parseMounts(opts.mounts) } : {}),
      ...(opts.tmpBytes ? { tmpBytes: opts.tmpBytes } : {}),
    };
    const blob = encodeAppBlob({
      bytecode,
      config: JSON.stringify(config),
      lineMap: JSON.stringify(bundle.lineMap),
      heapLimit: opts.heapBytes ?? 0,
      memHint: opts.memBytes ?? DEFAULT_MEM,
      assets,
    });
    const nativeLibs = nativeLibsFor(bundle.metafile);
    const modules = moduleSizes(bundle.metafile);
    const sizeOf = new Map(modules.map((m) => [m.path, m.bytes]));
    const manifest: Manifest = {
      v: 1,
      ...versions(),
      opts: {
        ...(opts.keepSource ? { keepSource: true } : {}),
        ...(opts.testHooks ? { testHooks: true } : {}),
        ...(opts.exposeGc ? { exposeGc: true } : {}),
        ...(opts.profileMs ? { profileMs: opts.profileMs } : {}),
        ...(bundle.module ? { module: true } : {}),
      },
      libs: nativeLibs.map((l) => l.name),
      // The line map's sources are relative to the bundle's folder (the unijs root), as the metafile's inputs are.
      sizes: bundle.lineMap.sources.map((s) => sizeOf.get(s) ?? sizeOf.get(relative(ROOT, resolve(ROOT, s)).split(sep).join("/")) ?? 0),
    };
    const linked = linkImage(work, blob, opts.testHooks ?? false, !!opts.profileMs, nativeLibs, encodeManifest(manifest));
    writeOutput(linked.stripped, out);
    writeOutput(linked.symbols, out + ".sym");
    return {
      path: out,
      symbols: out + ".sym",
      name,
      imageBytes: statSync(out).size,
      bytecodeBytes: bytecode.length,
      bundleBytes: Buffer.byteLength(bundle.code),
      assetFiles: assets?.files ?? 0,
      assetBytes: assets?.bytes ?? 0,
      nativeLibs: nativeLibs.map((l) => l.name),
      warnings: bundle.warnings,
      modules,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Copies `from` to `to` through a temp file beside it and a rename; the temp file never outlives a failure. */
function writeOutput(from: string, to: string): void {
  mkdirSync(dirname(to), { recursive: true });
  const tmp = join(dirname(to), `.${basename(to)}.tmp`);
  try {
    copyFileSync(from, tmp);
    renameSync(tmp, to);
  } finally {
    rmSync(tmp, { force: true });
  }
}
