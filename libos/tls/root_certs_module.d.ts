// libos/tls/root_certs_module.d.ts — the type of the module the image builder generates (boot/image/bundle.ts).
declare module "unijs:root-certs" {
  const certs: { roots: string[]; extra: string[] };
  export default certs;
}
