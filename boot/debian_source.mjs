// boot/debian_source.mjs — fetches pinned Debian *source* packages (the C libraries linked into images: the
// QuickJS engine now; mbedTLS, zlib and brotli later) with apt itself, through a private apt directory, without
// touching the machine's apt configuration. The archive comes from the machine's own apt sources (no mirror host is
// written into the repository); apt checks the index signatures against Debian's archive keys and the files against
// the signed index; we then pin each upstream tarball by its SHA-256 and refuse anything else.
// Plain JavaScript on purpose: it runs at `npm install`, before anything else of ours can be trusted to work.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * @typedef {object} DebianSource
 * @property {string} name      source package, e.g. "quickjs"
 * @property {string} version   Debian version, e.g. "2025.04.26-1"
 * @property {string} suite     the release that ships it, e.g. "trixie"
 * @property {string} tarball   the upstream tarball's file name, e.g. "quickjs_2025.04.26.orig.tar.xz"
 * @property {string} sha256    its SHA-256 (hex): anything else is refused
 * @property {string} topDir    the folder the tarball unpacks to
 * @property {string} cacheDir  where the unpacked tree is kept (a `.sha256` stamp inside marks it complete)
 * @property {string[]} [patches] our own patches (unified diffs, -p1), applied in order after verification
 */

const DEBIAN_SUITES = /^(buster|bullseye|bookworm|trixie|forky|duke|sid|oldoldstable|oldstable|stable|testing|unstable)$/;
const DEFAULT_KEYRING = "/usr/share/keyrings/debian-archive-keyring.gpg";

/** Thrown when a downloaded file is not the pinned one. */
export class ChecksumMismatch extends Error {}

/** The SHA-256 of a file, hex. */
export function sha256File(path) {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

/** Throws ChecksumMismatch (naming the expected and the found hash) unless `path` hashes to `expected`. */
export function verifySha256(path, expected, label = path) {
  const found = sha256File(path);
  if (found !== expected.toLowerCase()) {
    throw new ChecksumMismatch(
      `${label}: SHA-256 mismatch: expected ${expected.toLowerCase()}, found ${found}; the file is refused ` +
        `(a changed upstream tarball must be reviewed and pinned again in boot/native/sources.mjs)`,
    );
  }
}

/**
 * The main Debian archives in apt source files (one-line `.list` and deb822 `.sources` formats): entries of type
 * deb or deb-src whose suites include a Debian release (not -security/-updates), as { uri, signedBy }.
 * @param {{ path: string, text: string }[]} files
 */
export function debianArchivesIn(files) {
  const found = [];
  for (const { path, text } of files) {
    if (path.endsWith(".sources")) {
      for (const stanza of text.split(/\n\s*\n/)) {
        const fields = {};
        let last = null;
        for (const line of stanza.split("\n")) {
          if (/^\s*#/.test(line) || !line.trim()) continue;
          const m = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
          if (m) fields[(last = m[1].toLowerCase())] = m[2].trim();
          else if (last && /^\s/.test(line)) fields[last] += "\n" + line.trim();
        }
        if (fields.enabled?.toLowerCase() === "no") continue;
        const types = (fields.types ?? "").split(/\s+/);
        const suites = (fields.suites ?? "").split(/\s+/);
        if (!types.some((t) => t === "deb" || t === "deb-src") || !suites.some((s) => DEBIAN_SUITES.test(s))) continue;
        const signedBy = fields["signed-by"] && !fields["signed-by"].includes("\n") ? fields["signed-by"] : undefined;
        for (const uri of (fields.uris ?? "").split(/\s+/).filter(Boolean)) found.push({ uri, signedBy });
      }
    } else {
      for (const raw of text.split("\n")) {
        const line = raw.replace(/#.*/, "").trim();
        const m = /^(deb|deb-src)\s+(?:\[([^\]]*)\]\s+)?(\S+)\s+(\S+)/.exec(line);
        if (!m || !DEBIAN_SUITES.test(m[4])) continue;
        const signedBy = /(?:^|\s)signed-by=(\S+)/.exec(m[2] ?? "")?.[1];
        found.push({ uri: m[3], signedBy });
      }
    }
  }
  return found;
}

/** The machine's Debian archive (UNIJS_DEBIAN_MIRROR overrides it), read from /etc/apt. */
export function machineDebianArchive(etcApt = "/etc/apt") {
  if (process.env.UNIJS_DEBIAN_MIRROR) return { uri: process.env.UNIJS_DEBIAN_MIRROR, signedBy: undefined };
  const files = [];
  const list = join(etcApt, "sources.list");
  if (existsSync(list)) files.push({ path: list, text: readFileSync(list, "utf8") });
  const dir = join(etcApt, "sources.list.d");
  if (existsSync(dir)) {
    for (const f of readdirSync(dir).sort()) {
      if (f.endsWith(".list") || f.endsWith(".sources")) files.push({ path: join(dir, f), text: readFileSync(join(dir, f), "utf8") });
    }
  }
  const archives = debianArchivesIn(files).filter((a) => /^https?:\/\//.test(a.uri));
  if (archives.length === 0) {
    throw new Error(
      `no Debian archive found in ${etcApt}/sources.list{,.d}: the engine and C library sources come from Debian's ` +
        `archive through apt; set UNIJS_DEBIAN_MIRROR to a Debian mirror URL (e.g. the one your machine uses)`,
    );
  }
  return archives[0];
}

function apt(dir, args, opts = {}) {
  const base = [
    "-q", "-o", "Dir::Etc::sourcelist=/dev/null", "-o", `Dir::Etc::sourceparts=${join(dir, "sources")}`,
    "-o", `Dir::State::Lists=${join(dir, "lists")}`, "-o", `Dir::Cache=${join(dir, "cache")}`,
    "-o", "APT::Get::List-Cleanup=0", "-o", "Debug::NoLocking=1",
  ];
  return execFileSync("apt-get", [...base, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], ...opts });
}

/** What the cache stamp records: the tarball's hash, and the patches' when there are any (a changed patch
 *  unpacks the source again). */
function stampOf(spec) {
  if (!spec.patches?.length) return spec.sha256;
  const h = createHash("sha256");
  for (const p of spec.patches) h.update(readFileSync(p));
  return `${spec.sha256} patches:${h.digest("hex")}`;
}

function isCached(spec) {
  const stamp = join(spec.cacheDir, ".sha256");
  return existsSync(stamp) && readFileSync(stamp, "utf8").trim() === stampOf(spec);
}

/**
 * Makes sure each source tree is unpacked in its cacheDir: fetches the missing ones with one private `apt-get
 * update` and one `apt-get source --download-only` each, verifies the pinned SHA-256, unpacks. Throws with a
 * sentence on any failure (no apt-get, archive unreachable, checksum mismatch); a failed fetch leaves no cache.
 * @param {DebianSource[]} specs
 * @param {(msg: string) => void} log
 */
export function ensureDebianSources(specs, log) {
  const missing = specs.filter((s) => !isCached(s));
  if (missing.length === 0) return;
  const archive = machineDebianArchive();
  const tmp = mkdtempSync(join(tmpdir(), "unijs-debsrc-"));
  chmodSync(tmp, 0o755);                // apt's download sandbox user (_apt) must be able to write the files
  try {
    for (const d of ["sources", "lists/partial", "cache/archives/partial", "dl"]) mkdirSync(join(tmp, d), { recursive: true });
    const suites = [...new Set(missing.map((s) => s.suite))].join(" ");
    writeFileSync(join(tmp, "sources", "unijs.sources"),
      `Types: deb-src\nURIs: ${archive.uri}\nSuites: ${suites}\nComponents: main\n` +
      `Signed-By: ${archive.signedBy ?? DEFAULT_KEYRING}\n`);
    log(`reading Debian's source index (${suites}) from ${archive.uri}`);
    try {
      apt(tmp, ["update"]);
    } catch (e) {
      throw new Error(`apt-get update of Debian's ${suites} source index failed:\n${e.stderr || e.message}`);
    }
    for (const spec of missing) {
      // The pinned Debian revision first; if the archive has moved on to a newer revision of the same upstream
      // release (a security update keeps the .orig tarball), the current one. The SHA-256 pin decides either way,
      // so an apt error about a Debian-only file (.dsc, .debian.tar.xz) is not fatal once the tarball is here.
      const tarball = join(tmp, "dl", spec.tarball);
      const failures = [];
      for (const request of [`${spec.name}=${spec.version}`, spec.name]) {
        if (existsSync(tarball)) break;
        log(`fetching the Debian source package ${request}`);
        try {
          apt(tmp, ["source", "--download-only", request], { cwd: join(tmp, "dl") });
        } catch (e) {
          failures.push(`apt-get source ${request}: ${(e.stderr || e.message).trim()}`);
        }
      }
      if (!existsSync(tarball)) {
        throw new Error(`${spec.name} ${spec.version}: Debian's archive did not deliver ${spec.tarball}:\n${failures.join("\n")}`);
      }
      verifySha256(tarball, spec.sha256, spec.tarball);
      // Unpacked beside the cache (same file system: the final rename is atomic), stamped only when complete.
      const unpack = `${spec.cacheDir}.unpack`;
      rmSync(unpack, { recursive: true, force: true });
      mkdirSync(unpack, { recursive: true });
      try {
        execFileSync("tar", ["-xf", tarball, "-C", unpack]);
        if (!existsSync(join(unpack, spec.topDir))) throw new Error(`${spec.tarball} has no ${spec.topDir}/`);
        for (const patch of spec.patches ?? []) {
          try {
            execFileSync("patch", ["-p1", "--forward", "--batch", "--quiet", "-d", join(unpack, spec.topDir), "-i", patch],
              { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
          } catch (e) {
            throw new Error(`${patch} does not apply to ${spec.name} ${spec.version}:\n${e.stdout ?? ""}${e.stderr ?? e.message}`);
          }
        }
        rmSync(spec.cacheDir, { recursive: true, force: true });
        renameSync(join(unpack, spec.topDir), spec.cacheDir);
        writeFileSync(join(spec.cacheDir, ".sha256"), stampOf(spec) + "\n");
      } finally {
        rmSync(unpack, { recursive: true, force: true });
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
