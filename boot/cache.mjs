// boot/cache.mjs — where the engine sources and the native core build live. In a checkout (what `git clone` +
// `npm install` gives) they stay where they always were: node_modules/.cache/unijs/<source> and build/native. In an
// installed copy of the package (its folder is inside a node_modules folder: `npm install -D unijs`), they live in
// a cache shared by every project on the machine, $XDG_CACHE_HOME/unijs (default ~/.cache/unijs), in a folder keyed
// by unijs's version, the engine's version and a SHA-256 over every file of boot/native (our C core, the Makefiles,
// the patches and the pinned source tarballs' checksums): two projects using the same unijs share one build, and a
// changed core never reuses a stale one. The Makefile takes the folder as ROOT (sources under
// ROOT/node_modules/.cache/unijs, objects in ROOT/build/native, as in a checkout).
// Plain JavaScript on purpose: boot/setup.mjs runs it at `npm install`, before TypeScript tooling can be trusted.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { basename, dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

/** The unijs package folder (a checkout or an installed copy). */
export const PACKAGE_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Is `root` an installed copy of the package (inside a node_modules folder) rather than a checkout? */
export function isInstalled(root = PACKAGE_ROOT) {
  return root.split(sep).includes("node_modules");
}

/** The machine's cache folder for unijs: $XDG_CACHE_HOME/unijs, else ~/.cache/unijs. */
export function sharedCacheBase(env = process.env) {
  const xdg = env.XDG_CACHE_HOME && env.XDG_CACHE_HOME.startsWith("/") ? env.XDG_CACHE_HOME : join(homedir(), ".cache");
  return join(xdg, "unijs");
}

function filesUnder(dir) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

/** The cache key of a package folder: "<unijs version>-quickjs-<engine version>-<first 16 hex of the SHA-256>". */
export function cacheKey(root = PACKAGE_ROOT) {
  const version = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version;
  const native = join(root, "boot/native");
  const engine = /^QJS_VERSION\s*:=\s*(\S+)/m.exec(readFileSync(join(native, "engine.mk"), "utf8"))?.[1] ?? "unknown";
  const h = createHash("sha256");
  for (const f of filesUnder(native).sort()) {
    h.update(relative(native, f).split(sep).join("/")).update("\0").update(readFileSync(f)).update("\0");
  }
  return `${version}-quickjs-${engine}-${h.digest("hex").slice(0, 16)}`;
}

/**
 * Where the native build and the engine sources are for the package at `root`: { root, build, sources, shared },
 * `root` being what the Makefile takes as ROOT.
 */
export function nativeLocations(root = PACKAGE_ROOT, env = process.env) {
  const base = isInstalled(root) ? join(sharedCacheBase(env), cacheKey(root)) : root;
  return {
    root: base,
    build: join(base, "build/native"),
    sources: join(base, "node_modules/.cache/unijs"),
    shared: base !== root,
  };
}

/** The make variables that point boot/native's Makefile at those locations (none in a checkout). */
export function makeVars(loc = nativeLocations()) {
  return loc.shared ? [`ROOT=${loc.root}`] : [];
}

/** The pinned sources with their cacheDir moved to `loc` (unchanged in a checkout). */
export function sourcesAt(sources, loc = nativeLocations()) {
  return loc.shared ? sources.map((s) => ({ ...s, cacheDir: join(loc.sources, basename(s.cacheDir)) })) : sources;
}
