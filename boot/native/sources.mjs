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
  patches: [
    join(HERE, "patches/quickjs/0001-bigint-asuintn-negative.patch"),
    join(HERE, "patches/quickjs/0002-bigint-tostring-pow2-leading-zero.patch"),
    // A feature: the async context that node:async_hooks carries across promise jobs (the file says how).
    join(HERE, "patches/quickjs/0004-async-context.patch"),
  ],
};

/** zlib 1.3.1 (node:zlib's deflate/inflate/gzip; Debian 13's zlib 1:1.3.dfsg+really1.3.1-1). */
export const ZLIB = {
  name: "zlib",
  version: "1:1.3.dfsg+really1.3.1-1",
  suite: "trixie",
  tarball: "zlib_1.3.dfsg+really1.3.1.orig.tar.gz",
  sha256: "60dd315c07f616887caa029408308a018ace66e3d142726a97db164b3b8f69fb",
  topDir: "zlib-1.3.1",
  cacheDir: join(CACHE, "zlib-1.3.1"),
};

/** brotli 1.1.0 (node:zlib's brotli; Debian 13's brotli 1.1.0-2). */
export const BROTLI = {
  name: "brotli",
  version: "1.1.0-2+deb13u1",
  suite: "trixie",
  tarball: "brotli_1.1.0.orig.tar.gz",
  sha256: "10973f4b4199eafa1d5735ef661ddb2ec2f97319ee9fd1824d4aabe08cff5265",
  topDir: "google-brotli-ed738e8",
  cacheDir: join(CACHE, "brotli-1.1.0"),
};

/** Mbed TLS 3.6 (node:crypto's hashes, ciphers and keys, and TLS; Debian 13's mbedtls 3.6.6-0.1~deb13u1). */
export const MBEDTLS = {
  name: "mbedtls",
  version: "3.6.6-0.1~deb13u1",
  suite: "trixie",
  tarball: "mbedtls_3.6.6.orig.tar.bz2",
  sha256: "8fb65fae8dcae5840f793c0a334860a411f884cc537ea290ce1c52bb64ca007a",
  topDir: "mbedtls-3.6.6",
  cacheDir: join(CACHE, "mbedtls-3.6.6"),
  patches: [join(HERE, "patches/mbedtls/0001-tls12-rsa-pss-server-key-exchange.patch")],
};

/** libsodium 1.0.18 (node:crypto's Ed25519, which Mbed TLS lacks; Debian 13's libsodium 1.0.18-1+deb13u1, the
 *  upstream tarball only). Just its Ed25519 sources are compiled, into the mbedtls library (libs/mbedtls.mk). */
export const LIBSODIUM = {
  name: "libsodium",
  version: "1.0.18-1+deb13u1",
  suite: "trixie",
  tarball: "libsodium_1.0.18.orig.tar.gz",
  sha256: "d59323c6b712a1519a5daf710b68f5e7fde57040845ffec53850911f10a5d4f4",
  topDir: "libsodium-1.0.18",
  cacheDir: join(CACHE, "libsodium-1.0.18"),
};

export const SOURCES = [QUICKJS, ZLIB, BROTLI, MBEDTLS, LIBSODIUM];
