// boot/setup.mjs — `npm install`'s second half (postinstall): the Debian packages the build and boots need,
// the pinned C sources (the QuickJS engine, a Debian source package fetched with apt), and the native core build (cached in build/native; later image builds only link).
// In an installed copy of the package (`npm install -D unijs` in an app's project) the sources and the build go to
// the machine's shared cache instead, ~/.cache/unijs/<version-and-checksum key> (boot/cache.mjs): a second project,
// or a reinstall, finds them ready and `make` has nothing to do.
// Plain JavaScript on purpose: it runs before anything else of ours can be trusted to work.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { makeVars, nativeLocations, sourcesAt } from "./cache.mjs";
import { ensureDebianSources } from "./debian_source.mjs";
import { SOURCES } from "./native/sources.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Debian packages, each with a file that proves it is installed. */
const DEBIAN = [
  { pkg: "qemu-system-x86", file: "/usr/bin/qemu-system-x86_64" },
  { pkg: "musl-dev", file: "/usr/lib/x86_64-linux-musl/libc.a" },
  { pkg: "musl-tools", file: "/usr/bin/musl-gcc" },
  { pkg: "binutils", file: "/usr/bin/ld" },
  { pkg: "make", file: "/usr/bin/make" },
  { pkg: "util-linux", file: "/usr/bin/flock" }, // native builds run under flock (concurrent image builds)
  { pkg: "patch", file: "/usr/bin/patch" },
  { pkg: "xz-utils", file: "/usr/bin/xz" },
  { pkg: "bzip2", file: "/bin/bzip2" },
  { pkg: "gcc", file: "/usr/bin/gcc" },
  { pkg: "libc6-dev", file: "/usr/include/stdio.h" },
  // The tests' and benchmarks' peers: curl and wrk against the guest, ip for private network namespaces.
  { pkg: "curl", file: "/usr/bin/curl" },
  { pkg: "wrk", file: "/usr/bin/wrk" },
  { pkg: "iproute2", file: "/usr/bin/ip" },
  // File-system tests make, check and read ext4 volumes with the host's own tools (mkfs.ext4 -d, e2fsck, debugfs).
  { pkg: "e2fsprogs", file: "/usr/sbin/mkfs.ext4" },
  // TLS: images that use it carry Mozilla's root set as Debian packages it; the tests make CAs with openssl.
  { pkg: "ca-certificates", file: "/usr/share/ca-certificates/mozilla" },
  { pkg: "openssl", file: "/usr/bin/openssl" },
  { pkg: "passt", file: "/usr/bin/passt" }, // `--net user`'s backend (boot/launch/passt.ts; slirp where it is missing)
  { pkg: "skopeo", file: "/usr/bin/skopeo" }, { pkg: "umoci", file: "/usr/bin/umoci" }, // the OCI tests read `--oci` layouts with them
  { pkg: "podman", file: "/usr/bin/podman" }, { pkg: "runc", file: "/usr/sbin/runc" }, // ... and run the self-running one
];

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

function buildNativeCore(loc) {
  log(`building the native core (the engine is compiled once and cached in ${loc.shared ? loc.build : "build/native"})`);
  // Under the same lock as image builds (boot/image/link.ts): two projects may prepare one shared cache at once.
  mkdirSync(loc.build, { recursive: true });
  const r = spawnSync("flock", [join(loc.build, ".make.lock"), "make", "-C", join(root, "boot/native"), "-j2", "-s", ...makeVars(loc)],
    { stdio: "inherit" });
  if (r.status !== 0) {
    process.stderr.write("[unijs setup] the native core failed to build (see above)\n");
    process.exit(1);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  ensureDebianPackages();
  const loc = nativeLocations(root);
  try {
    ensureDebianSources(sourcesAt(SOURCES, loc), log);
  } catch (e) {
    process.stderr.write(`[unijs setup] ${e.message}\n`);
    process.exit(1);
  }
  buildNativeCore(loc);
  log(loc.shared ? "ready: 'npx unijs image .' builds this project's app, 'npx unijs --help' says more"
    : "ready: 'npm start' boots the default example, 'npm test' runs the tests");
}
