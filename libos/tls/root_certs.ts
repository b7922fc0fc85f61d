// libos/tls/root_certs.ts — tls.rootCertificates: Mozilla's root set as Debian's ca-certificates package ships it
// (/usr/share/ca-certificates/mozilla), read by the image builder (boot/image/bundle.ts, module "unijs:root-certs")
// and frozen into the bundle of images that use TLS; plus the extra CAs given at build time (NODE_EXTRA_CA_CERTS
// in the image's environment, `--ca FILE`), which, as in Node, are trusted by default but not listed here.
// Layer: libos (libos/tls).
import certs from "unijs:root-certs";

export const rootCertificates: readonly string[] = Object.freeze(certs.roots.slice());
/** Root and extra certificates a client trusts when it is given no `ca`. */
export const defaultCaCertificates: readonly string[] = Object.freeze([...certs.roots, ...certs.extra]);
