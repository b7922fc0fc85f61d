// libos/crypto/x509_install.ts — run before the app in images whose code names X509Certificate or
// get(Peer)X509Certificate (boot/image/globals.ts): makes crypto.X509Certificate and tls.TLSSocket's
// getX509Certificate/getPeerX509Certificate available. The class is loaded on first use (installers run before the
// runtime is up). Layer: libos (libos/crypto).
import { x509Slot } from "./_x509_slot.ts";

export function install(): void {
  let mod: ReturnType<NonNullable<typeof x509Slot.load>> | undefined;
  x509Slot.load = () => (mod ??= require("./x509_certificate.ts") as ReturnType<NonNullable<typeof x509Slot.load>>);
}
