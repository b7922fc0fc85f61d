// libos/crypto/_x509_slot.ts — where crypto.X509Certificate is found when an image carries it: boot/image/globals.ts
// runs ./x509_install.ts (which fills `load`) only for images whose code names X509Certificate or
// get(Peer)X509Certificate, so the class and its dependencies stay out of the others. Layer: libos (private).
type X509Module = typeof import("./x509_certificate.ts");

export const x509Slot: { load?: () => X509Module } = {};
