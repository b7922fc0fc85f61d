// boot/native/sources.mjs — the C sources linked into images, each a Debian source package pinned by version and
// by its upstream tarball's SHA-256 (see DESIGN.md, "Engine" and "Native libraries"). boot/setup.mjs fetches them
// with boot/debian_source.mjs into node_modules/.cache/unijs/<dir>; the Makefiles find them there.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));
const CACHE = join(HERE, "../../node_modules/.cache/unijs");

/** @type {import("../debian_source.mjs").DebianSource} QuickJS 2025-04-26 (Debian 13's quickjs 2025.04.26-1). */
export const QUICKJS = {
  name: "quickjs",
  version: "2025.04.26-1",
  suite: "trixie",
  tarball: "quickjs_2025.04.26.orig.tar.xz",
  sha256: "ec81da5b3249ed648dbc7df4a1654988910e66a118d9b71cb63534216efcfbbe",
  topDir: "quickjs-2025.04.26",
  cacheDir: join(CACHE, "quickjs-2025.04.26"),
  // Our fixes for engine bugs that are still upstream (each patch file says what and why).
  patches: [join(HERE, "patches/quickjs/0001-bigint-asuintn-negative.patch")],
};

export const SOURCES = [QUICKJS];
