// libos/url/inject.ts — what esbuild injects for free `URL` / `URLSearchParams` identifiers (Node's globals), only
// into images whose code mentions them. Layer: libos.
export { URL, URLSearchParams } from "./index.ts";
