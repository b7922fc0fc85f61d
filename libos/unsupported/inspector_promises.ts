// libos/unsupported/inspector_promises.ts — `node:inspector/promises`: as `node:inspector` (no V8 inspector).
// Layer: libos.
export { Session, open, close, url, waitForDebugger, console, Network, default } from "./inspector.ts";
