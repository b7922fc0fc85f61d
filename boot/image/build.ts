// boot/image/build.ts — `npm run image`: app → bundle (esbuild) → bytecode (host QuickJS) → app blob → linked
// ELF. The output is written only when every step succeeded (temp file, then rename): never a half image.
// Layer: build tools (host only).

import { copyFileSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { packAssets } from "./assets.ts";
import { nativeLibsFor } from "./native_libs.ts";
import { appNameOf, BuildError, bundleApp, imagePath, moduleSizes, resolveAppEntry, resolveAppRoot } from "./bundle.ts";
import { encodeAppBlob } from "./blob.ts";
import { compileBytecode, ensureNativeCore, linkImage } from "./link.ts";
import type { ImageConfig } from "../../libos/process/index.ts";
import { parseCidr, parseIpv4 } from "../../libos/net/wire/index.ts";

export interface ImageOptions {
  /** App entry file or folder. */
  app: string;
  /** Output image path (default build/images/<name>.elf). */
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

export const DEFAULT_MEM = 128 * 1024 * 1024;

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

/** Parses "128M", "64m", "1G", "65536" (bytes) → bytes. Throws on anything else. */
export function parseSize(s: string): number {
  const m = /^(\d+)([kKmMgG]?)[bB]?$/.exec(s.trim());
  if (!m) throw new Error(`'${s}' is not a size (expected e.g. 64M, 1G, 4096)`);
  const mult = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2].toLowerCase() as "" | "k" | "m" | "g"];
  return Number(m[1]) * mult;
}

export async function buildImage(opts: ImageOptions): Promise<ImageResult> {
  const entry = resolveAppEntry(opts.app);
  const name = appNameOf(entry);
  const out = resolve(opts.out ?? join("build/images", `${name}.elf`));
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
    const linked = linkImage(work, blob, opts.testHooks ?? false, !!opts.profileMs, nativeLibs);
    mkdirSync(dirname(out), { recursive: true });
    const tmpOut = join(dirname(out), `.${basename(out)}.tmp`);
    copyFileSync(linked.stripped, tmpOut);
    renameSync(tmpOut, out);
    copyFileSync(linked.symbols, out + ".sym");
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
      modules: moduleSizes(bundle.metafile),
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
