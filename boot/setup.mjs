// boot/setup.mjs — `npm install`'s second half (postinstall): the Debian packages the build and boots need,
// the pinned engine source, and the native core build (cached in build/native; later image builds only link).
// Plain JavaScript on purpose: it runs before anything else of ours can be trusted to work.
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Debian packages, each with a file that proves it is installed. */
const DEBIAN = [
  { pkg: "qemu-system-x86", file: "/usr/bin/qemu-system-x86_64" },
  { pkg: "musl-dev", file: "/usr/lib/x86_64-linux-musl/libc.a" },
  { pkg: "musl-tools", file: "/usr/bin/musl-gcc" },
  { pkg: "binutils", file: "/usr/bin/ld" },
  { pkg: "make", file: "/usr/bin/make" },
  { pkg: "gcc", file: "/usr/bin/gcc" },
  { pkg: "libc6-dev", file: "/usr/include/stdio.h" },
  // The tests' and benchmarks' peers: curl and wrk against the guest, ip for private network namespaces.
  { pkg: "curl", file: "/usr/bin/curl" },
  { pkg: "wrk", file: "/usr/bin/wrk" },
  { pkg: "iproute2", file: "/usr/bin/ip" },
];

/** The engine: QuickJS 2021-03-27 C sources inside the npm package qjsc@0.3.0 (see DESIGN.md). */
export const ENGINE = {
  spec: "qjsc@0.3.0",
  integrity: "sha512-a7+cU6/IVcZbIejffdt/wZVMX6LL2MDL3HQ9Zb5Gm23G9DvBMS/z9GHFxz39bAvp2PvMOM+ypSOAyokt2DdZ2w==",
  dirInPackage: "package/deps/quickjs_2021_03_27",
  cacheDir: join(root, "node_modules/.cache/unijs/quickjs-2021-03-27"),
};

function log(msg) {
  process.stdout.write(`[unijs setup] ${msg}\n`);
}

function ensureDebianPackages() {
  const missing = DEBIAN.filter((d) => !existsSync(d.file)).map((d) => d.pkg);
  if (missing.length === 0) return;
  const install = `apt-get install -y --no-install-recommends ${missing.join(" ")}`;
  if (process.getuid && process.getuid() !== 0) {
    process.stderr.write(
      `[unijs setup] missing Debian packages: ${missing.join(", ")}\n` +
        `Run this as root, then run 'npm install' again:\n\n  sudo apt-get update && sudo ${install}\n\n`,
    );
    process.exit(1);
  }
  log(`installing Debian packages: ${missing.join(" ")}`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
  execFileSync("sh", ["-c", install], { stdio: "inherit", env });
}

function ensureEngineSource() {
  const stamp = join(ENGINE.cacheDir, ".integrity");
  if (existsSync(stamp) && readFileSync(stamp, "utf8") === ENGINE.integrity) return;
  log(`fetching the engine source (${ENGINE.spec})`);
  const tmp = mkdtempSync(join(tmpdir(), "unijs-engine-"));
  try {
    const out = execFileSync("npm", ["pack", ENGINE.spec, "--pack-destination", tmp, "--json", "--silent"], {
      encoding: "utf8",
      cwd: tmp,
    });
    const tarball = join(tmp, JSON.parse(out)[0].filename);
    const digest = "sha512-" + createHash("sha512").update(readFileSync(tarball)).digest("base64");
    if (digest !== ENGINE.integrity) {
      throw new Error(`${ENGINE.spec}: integrity mismatch: expected ${ENGINE.integrity}, got ${digest}`);
    }
    execFileSync("tar", ["-xzf", tarball, "-C", tmp, ENGINE.dirInPackage]);
    rmSync(ENGINE.cacheDir, { recursive: true, force: true });
    mkdirSync(dirname(ENGINE.cacheDir), { recursive: true });
    renameSync(join(tmp, ENGINE.dirInPackage), ENGINE.cacheDir);
    writeFileSync(stamp, ENGINE.integrity);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function buildNativeCore() {
  log("building the native core (the engine is compiled once and cached in build/native)");
  const r = spawnSync("make", ["-C", join(root, "boot/native"), "-j2", "-s"], { stdio: "inherit" });
  if (r.status !== 0) {
    process.stderr.write("[unijs setup] the native core failed to build (see above)\n");
    process.exit(1);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  ensureDebianPackages();
  ensureEngineSource();
  buildNativeCore();
  log("ready: 'npm start' boots the default example, 'npm test' runs the tests");
}
